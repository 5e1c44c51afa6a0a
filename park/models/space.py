"""Space: parks, their buildings and floors, and the units that can be leased or booked (an
office, a coworking desk pool, a lab, a meeting room, a rack).

What a client may write on each is declared once here (`PARK_WRITABLE`, `BUILDING_WRITABLE`,
`FLOOR_WRITABLE`, `UNIT_WRITABLE`); a unit copies its floor's park on save, so the database
keeps its code unique per park.
"""

from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
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
