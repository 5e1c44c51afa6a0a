"""Leases: a company holds a unit (or some desks of a coworking pool) between two dates,
inclusive; cancelled, terminated or renewed, never deleted.

The allocation rule (never double-booked) is `park.services.lease_create`'s, under a lock on
the unit row; on PostgreSQL an exclusion constraint (migration 0002) backs it for exclusive
units. What a new lease is made of and the terms its holder may change afterwards are
declared once here (`LEASE_CREATE_FIELDS`, `LEASE_TERMS`).
"""

from datetime import date
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, HistoricalRecords
from park.models.space import Unit


class LeaseStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


class Lease(BaseModel):
    """A company holds a unit (or some desks of a pool) from start_date to end_date, inclusive.

    `end_date` null is open-ended. Leases are never deleted: they are cancelled (before they
    start), terminated or renewed, and their history is kept.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="leases", verbose_name=_("unit")
    )
    company = models.ForeignKey(
        "tenants.Company",
        on_delete=models.PROTECT,
        related_name="leases",
        verbose_name=_("company"),
    )
    desks = models.PositiveIntegerField(_("desks"), default=1)
    # Copied from the unit's kind by the service, so the exclusion constraint can see it.
    is_exclusive = models.BooleanField(_("exclusive"), default=True, editable=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    monthly_rent_vnd = models.PositiveBigIntegerField(_("monthly rent (VND)"), default=0)
    deposit_vnd = models.PositiveBigIntegerField(_("deposit (VND)"), default=0)
    contract_number = models.CharField(_("contract number"), max_length=50, null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    meeting_hours_monthly = models.DecimalField(
        _("meeting-room hours a month"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Hours of meeting-room bookings included in each calendar month."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__lte=models.F("end_date")),
                name="lease_start_not_after_end",
                violation_error_code="invalid",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(desks__gte=1),
                name="lease_at_least_one_desk",
                violation_error_code="min_value",
            ),
            models.UniqueConstraint(
                fields=["contract_number"],
                condition=Q(contract_number__isnull=False),
                name="lease_contract_number_unique",
                violation_error_code="unique",
                violation_error_message=_("Another lease has this contract number."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "start_date"], name="lease_unit_start"),
            models.Index(fields=["company", "start_date"], name="lease_company_start"),
            models.Index(fields=["end_date"], name="lease_end"),
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["start_date", "id"], name="lease_start_date_id"),
            models.Index(fields=["end_date", "id"], name="lease_end_date_id"),
            models.Index(fields=["created_at", "id"], name="lease_created_at_id"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.company} ({self.start_date} to {self.end_date or 'open end'})"

    def status_on(self, day: date) -> str:
        if self.cancelled_at is not None:
            return LeaseStatus.CANCELLED
        if day < self.start_date:
            return LeaseStatus.UPCOMING
        if self.end_date is not None and day > self.end_date:
            return LeaseStatus.ENDED
        return LeaseStatus.ACTIVE

    def covers(self, day: date) -> bool:
        return self.status_on(day) == LeaseStatus.ACTIVE


# What a new lease is made of (`park.services.lease_create`'s parameters); desks and the rent
# default from the unit.
LEASE_CREATE_FIELDS = (
    "unit",
    "company",
    "start_date",
    "end_date",
    "desks",
    "monthly_rent_vnd",
    "deposit_vnd",
    "contract_number",
    "note",
    "meeting_hours_monthly",
)
# The terms a lease's holder may change afterwards; its unit, company, desks and dates change
# only through terminate, renew and cancel (they touch the allocation).
LEASE_TERMS = (
    "note",
    "deposit_vnd",
    "contract_number",
    "monthly_rent_vnd",
    "meeting_hours_monthly",
)
