"""Space: parks, buildings, floors, units, and the leases that allocate them to companies.

The allocation rule (never double-booked) is `park.services.lease_create`'s, under a lock on
the unit row; on PostgreSQL an exclusion constraint (migration 0002) backs it for exclusive
units.
"""

from datetime import date, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, HistoricalRecords


class Park(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    land_area_m2 = models.DecimalField(
        _("functional land area (m²)"), max_digits=12, decimal_places=2, default=0
    )
    is_home = models.BooleanField(
        _("home park"), default=False, help_text=_("The park this installation runs.")
    )
    # Meeting-room bookings (design/bookings.md): local times of the park's time zone.
    booking_opens = models.TimeField(_("bookings open at"), default=time(7, 0))
    booking_closes = models.TimeField(_("bookings close at"), default=time(22, 0))
    booking_horizon_days = models.PositiveIntegerField(
        _("booking horizon (days)"),
        default=90,
        validators=[MaxValueValidator(3650)],
        help_text=_("How many days ahead a meeting room may be booked."),
    )
    booking_free_cancel_hours = models.PositiveIntegerField(
        _("free cancellation (hours)"),
        default=24,
        validators=[MaxValueValidator(8760)],
        help_text=_("A booking cancelled later than this before its start still counts."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_home"],
                condition=Q(is_home=True),
                name="park_one_home",
                violation_error_code="unique",
                violation_error_message=_("Another park is already the home park."),
            ),
            models.CheckConstraint(
                condition=Q(land_area_m2__gte=0), name="park_land_area_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(booking_opens__lt=models.F("booking_closes")),
                name="park_booking_opens_before_closes",
                violation_error_code="invalid",
            ),
        ]
        indexes = [
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["name", "id"], name="park_name_id"),
            models.Index(fields=["created_at", "id"], name="park_created_at_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if (
            self.booking_opens is not None
            and self.booking_closes is not None
            and self.booking_closes <= self.booking_opens
        ):
            raise ValidationError(
                {"booking_closes": _("Bookings must close after they open.")}, code="invalid"
            )


# The fields a client (API, admin) may write: declared once here, followed by the serializers,
# the admin forms and the services (`core.services.model_update`).
PARK_WRITABLE = (
    "name",
    "slug",
    "city",
    "province",
    "land_area_m2",
    "is_home",
    "booking_opens",
    "booking_closes",
    "booking_horizon_days",
    "booking_free_cancel_hours",
)


class Building(BaseModel):
    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("park")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    gross_area_m2 = models.DecimalField(
        _("gross floor area (m²)"), max_digits=12, decimal_places=2, default=0
    )
    land_area_m2 = models.DecimalField(
        _("plot area (m²)"), max_digits=12, decimal_places=2, default=0
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["park__name", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "code"],
                name="building_code_unique_per_park",
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(gross_area_m2__gte=0) & Q(land_area_m2__gte=0),
                name="building_areas_not_negative",
            ),
        ]
        indexes = [
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["code", "id"], name="building_code_id"),
            models.Index(fields=["name", "id"], name="building_name_id"),
            models.Index(fields=["created_at", "id"], name="building_created_at_id"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# `park` is set once, on create: the units copy it, so a building never moves.
BUILDING_WRITABLE = ("code", "name", "gross_area_m2", "land_area_m2")


class Floor(BaseModel):
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="floors", verbose_name=_("building")
    )
    level = models.IntegerField(_("level"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    plan_width = models.PositiveIntegerField(_("plan width"), default=1000)
    plan_height = models.PositiveIntegerField(_("plan height"), default=600)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        ordering = ["building__code", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "level"],
                name="floor_level_unique_per_building",
                violation_error_code="unique",
            ),
        ]
        indexes = [
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["level", "id"], name="floor_level_id"),
            models.Index(fields=["name", "id"], name="floor_name_id"),
            models.Index(fields=["created_at", "id"], name="floor_created_at_id"),
        ]

    def __str__(self) -> str:
        return f"{self.building.code} · {self.name or self.level}"


# `building` is set once, on create: the units copy its park, so a floor never moves.
FLOOR_WRITABLE = ("level", "name", "plan_width", "plan_height")


class UnitKind(models.TextChoices):
    OFFICE = "office", _("Office")
    COWORKING = "coworking", _("Coworking desk pool")
    LAB = "lab", _("Lab")
    MEETING_ROOM = "meeting_room", _("Meeting room")
    RACK = "rack", _("Rack")


# Kinds that hold one lease at a time; a coworking pool holds many, up to its capacity.
EXCLUSIVE_KINDS = frozenset({UnitKind.OFFICE, UnitKind.LAB, UnitKind.MEETING_ROOM, UnitKind.RACK})


class Unit(BaseModel):
    """Something that can be leased: an office, a desk pool, a lab, a meeting room, a rack."""

    floor = models.ForeignKey(
        Floor, on_delete=models.PROTECT, related_name="units", verbose_name=_("floor")
    )
    # Copied from the floor's building on save, so the database can keep `code` unique per park.
    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        related_name="units",
        editable=False,
        verbose_name=_("park"),
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2, default=0)
    capacity = models.PositiveIntegerField(
        _("capacity"), default=1, help_text=_("Desks for a coworking pool, people otherwise.")
    )
    monthly_rate_vnd = models.PositiveBigIntegerField(
        _("monthly rate (VND)"), default=0, help_text=_("Per unit, or per desk for coworking.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Off for maintenance: no new leases.")
    )
    plan_polygon = models.JSONField(_("plan polygon"), null=True, blank=True)
    # A bookable meeting room is booked by the hour (bookings app), never leased.
    bookable = models.BooleanField(
        _("bookable by the hour"),
        default=False,
        help_text=_("Meeting rooms only: booked by the hour, not leased."),
    )
    hourly_rate_vnd = models.PositiveBigIntegerField(
        _("hourly rate (VND)"),
        default=0,
        help_text=_("The price of a booked hour beyond those included in the leases."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["park__name", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "code"],
                name="unit_code_unique_per_park",
                violation_error_code="unique",
                violation_error_message=_("The park already has a unit with this code."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="unit_capacity_at_least_one",
                violation_error_code="min_value",
            ),
            models.CheckConstraint(condition=Q(area_m2__gte=0), name="unit_area_not_negative"),
            models.CheckConstraint(
                condition=Q(kind__in=UnitKind.values),
                name="unit_kind_valid",
                violation_error_code="invalid_choice",
            ),
        ]
        indexes = [
            models.Index(fields=["park", "kind", "is_active"], name="unit_park_kind"),
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["code", "id"], name="unit_code_id"),
            models.Index(fields=["name", "id"], name="unit_name_id"),
            models.Index(fields=["kind", "id"], name="unit_kind_id"),
            models.Index(fields=["area_m2", "id"], name="unit_area_m2_id"),
            models.Index(fields=["capacity", "id"], name="unit_capacity_id"),
            models.Index(fields=["created_at", "id"], name="unit_created_at_id"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_exclusive(self) -> bool:
        return self.kind in EXCLUSIVE_KINDS

    def save(self, *args, **kwargs):
        self.park_id = Floor.objects.values_list("building__park_id", flat=True).get(
            pk=self.floor_id
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "park"}
        super().save(*args, **kwargs)


# `park` is not among them: it is copied from the floor's building on save.
UNIT_WRITABLE = (
    "floor",
    "code",
    "name",
    "kind",
    "area_m2",
    "capacity",
    "monthly_rate_vnd",
    "is_active",
    "plan_polygon",
    "bookable",
    "hourly_rate_vnd",
)


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
