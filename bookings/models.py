"""Meeting rooms booked by the hour (design/bookings.md).

A `Booking` holds a bookable meeting room for a half-open range `[starts_at, ends_at)`, so one
booking may start when another ends. No two confirmed bookings of one room overlap: the rule
is `bookings.services.booking_create`'s, under a lock on the room's row; on PostgreSQL an
exclusion constraint over `tstzrange` (migration 0002) backs it. Bookings are never deleted:
they are cancelled, and a late cancel still counts towards the month's hours.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, HistoricalRecords


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class Booking(BaseModel):
    unit = models.ForeignKey(
        "park.Unit", on_delete=models.PROTECT, related_name="bookings", verbose_name=_("room")
    )
    company = models.ForeignKey(
        "tenants.Company",
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("company"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("booked by"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.PositiveIntegerField(_("attendees"), default=1)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BookingStatus.choices,
        default=BookingStatus.CONFIRMED,
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    late_cancel = models.BooleanField(
        _("late cancel"),
        default=False,
        help_text=_("Cancelled within the park's free-cancel window: the hours still count."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="booking_ends_after_start",
                violation_error_code="ends_before_start",
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=1),
                name="booking_at_least_one_attendee",
                violation_error_code="min_value",
            ),
            models.CheckConstraint(
                condition=Q(status__in=BookingStatus.values),
                name="booking_status_valid",
                violation_error_code="invalid_choice",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "starts_at"], name="booking_unit_start"),
            models.Index(fields=["company", "starts_at"], name="booking_company_start"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_at:%Y-%m-%d %H:%M} ({self.title})"

    @property
    def hours(self) -> Decimal:
        """The booked hours (a multiple of half an hour)."""
        minutes = int((self.ends_at - self.starts_at).total_seconds()) // 60
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"))

    @property
    def counts(self) -> bool:
        """Counted in the month's hours: confirmed, or cancelled late."""
        return self.status == BookingStatus.CONFIRMED or self.late_cancel


# What a new booking is made of (`bookings.services.booking_create`'s parameters).
BOOKING_CREATE_FIELDS = ("unit", "company", "starts_at", "ends_at", "title", "attendees")
# What a booking's holder may change afterwards; its times change by cancelling and booking
# again (they touch the allocation).
BOOKING_WRITABLE = ("title", "attendees")


class CalendarToken(models.Model):
    """A user's revocable feed token (design/bookings.md, Calendars).

    Calendar apps cannot send headers, so the feed URLs carry it. The contract shows the same
    token on every GET, so it is kept encrypted (Fernet, `bookings.tokens`) to be shown again,
    and found by its SHA-256 hash, never by decrypting every row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_token",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    token_encrypted = models.TextField(_("encrypted token"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return str(self.user)
