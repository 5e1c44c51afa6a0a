"""What /parks/, /buildings/, /floors/, /units/, /leases/, /occupancy/ and the reports accept
and answer. The writable fields are the model module's (`park.models.UNIT_WRITABLE`, ...):
a new writable field there is a new field here, with no change to this module."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base.fields import LocalTimeField
from api.base.serializers import ModelSerializer, Serializer
from park.models import (
    BUILDING_WRITABLE,
    FLOOR_WRITABLE,
    LEASE_CREATE_FIELDS,
    LEASE_TERMS,
    PARK_WRITABLE,
    UNIT_WRITABLE,
    Building,
    Floor,
    Lease,
    LeaseStatus,
    Park,
    Unit,
)
from park.occupancy import GROUPS, month_ends, unit_occupancy
from park.selectors import units_with_occupancy
from tenants.models import Company

AREA = {"min_value": 0, "max_digits": 12, "decimal_places": 2}
STAMPS = ("version", "created_at", "updated_at")
VND_MAX = 9_223_372_036_854_775_807  # a signed 64-bit integer, the column's range
MONTHS_MAX = 600  # fifty years of months in one answer is plenty


# --- parks, buildings, floors -------------------------------------------------------------


class ParkSerializer(ModelSerializer):
    # Declared, so DRF adds no uniqueness check of its own: the service names the rule.
    is_home = serializers.BooleanField(required=False)
    booking_opens = LocalTimeField(
        required=False, label=Park._meta.get_field("booking_opens").verbose_name
    )
    booking_closes = LocalTimeField(
        required=False, label=Park._meta.get_field("booking_closes").verbose_name
    )

    class Meta:
        model = Park
        fields = ["id", *PARK_WRITABLE, *STAMPS]
        read_only_fields = ["id", *STAMPS]
        extra_kwargs = {"land_area_m2": AREA}
        validators = []  # the service names the field of a duplicate (the home park)


class BuildingSerializer(ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "park", *BUILDING_WRITABLE, *STAMPS]
        read_only_fields = ["id", *STAMPS]
        extra_kwargs = {"gross_area_m2": AREA, "land_area_m2": AREA}
        validators = []  # the service names the field of a duplicate code


class BuildingUpdateSerializer(BuildingSerializer):
    class Meta(BuildingSerializer.Meta):
        # Its units copy the park: a building never moves to another park.
        read_only_fields = ["id", "park", *STAMPS]


class FloorSerializer(ModelSerializer):
    plan_width = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    plan_height = serializers.IntegerField(min_value=1, max_value=100_000, required=False)

    class Meta:
        model = Floor
        fields = ["id", "building", *FLOOR_WRITABLE, *STAMPS]
        read_only_fields = ["id", *STAMPS]
        extra_kwargs = {"level": {"min_value": -100, "max_value": 1000}}
        validators = []  # the service names the field of a duplicate level


class FloorUpdateSerializer(FloorSerializer):
    class Meta(FloorSerializer.Meta):
        # Its units copy the building's park: a floor never moves to another building.
        read_only_fields = ["id", "building", *STAMPS]


# --- units --------------------------------------------------------------------------------


class OccupancySerializer(Serializer):
    capacity = serializers.IntegerField()
    leased = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=False)


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "nullable": True,
    }
)
class PolygonField(serializers.JSONField):
    """`[[x, y], ...]`; its shape is the service's rule (points within the floor plan)."""


class UnitSerializer(ModelSerializer):
    building = serializers.UUIDField(source="floor.building_id", read_only=True)
    plan_polygon = PolygonField(required=False, allow_null=True)
    occupancy_today = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["id", "park", "building", *UNIT_WRITABLE, "occupancy_today", *STAMPS]
        read_only_fields = ["id", "park", *STAMPS]
        extra_kwargs = {
            "area_m2": {**AREA, "max_digits": 10},
            "capacity": {"min_value": 1, "max_value": 100_000},
            "monthly_rate_vnd": {"min_value": 0, "max_value": 10**15},
            "hourly_rate_vnd": {"min_value": 0, "max_value": 10**15},
        }
        validators = []  # the service names the field of a duplicate code

    @extend_schema_field(OccupancySerializer)
    def get_occupancy_today(self, unit) -> dict:
        desks = getattr(unit, "desks_on_lease", None)
        if desks is None:  # a unit fresh from a service: one query for this one unit
            desks = (
                units_with_occupancy(Unit.objects.filter(pk=unit.pk), on=timezone.localdate())
                .values_list("desks_on_lease", flat=True)
                .get()
            )
        occupancy = unit_occupancy(kind=unit.kind, capacity=unit.capacity, desks_on_lease=desks)
        return OccupancySerializer(occupancy).data


class AvailabilityRunSerializer(Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    free_desks = serializers.IntegerField()


class AvailabilityQuerySerializer(Serializer):
    def get_fields(self):
        # `from` is a Python keyword: the fields are named in a dict.
        return {"from": serializers.DateField(), "to": serializers.DateField()}

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": _("`to` cannot be before `from`.")})
        if attrs["to"] >= date.max:
            raise serializers.ValidationError({"to": _("`to` must be before 9999-12-31.")})
        return attrs


# --- leases -------------------------------------------------------------------------------


class LeaseSerializer(ModelSerializer):
    """The representation; a PATCH may change only the four terms left writable."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    company_name = serializers.CharField(source="company.legal_name", read_only=True)
    park = serializers.UUIDField(source="unit.park_id", read_only=True)
    status = serializers.SerializerMethodField()
    # Declared, so DRF adds no uniqueness check: the service's full_clean names it.
    contract_number = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=50
    )

    class Meta:
        model = Lease
        fields = [
            "id",
            "unit",
            "unit_code",
            "company",
            "company_name",
            "park",
            "desks",
            "start_date",
            "end_date",
            "status",
            *LEASE_TERMS,
            "cancelled_at",
            *STAMPS,
        ]
        # Everything but the terms; the dates change through terminate, renew and cancel.
        read_only_fields = [
            "id",
            "unit",
            "company",
            "desks",
            "start_date",
            "end_date",
            "cancelled_at",
            *STAMPS,
        ]
        extra_kwargs = {
            "monthly_rent_vnd": {"min_value": 0, "max_value": VND_MAX},
            "deposit_vnd": {"min_value": 0, "max_value": VND_MAX},
        }

    @extend_schema_field(serializers.ChoiceField(choices=LeaseStatus.choices))
    def get_status(self, lease) -> str:
        return lease.status_on(self.context.get("today") or timezone.localdate())


# `park.services.lease_create`'s parameters (`park.models.LEASE_CREATE_FIELDS`). No docstring:
# the schema's description of this body is the inherited one.
class LeaseCreateSerializer(ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    desks = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=100_000,
        help_text=gettext_lazy(
            "Default: 1 on a coworking pool, the capacity of an exclusive unit."
        ),
    )
    monthly_rent_vnd = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=VND_MAX,
        help_text=gettext_lazy("Default: the unit's rate (times desks for a pool)."),
    )
    deposit_vnd = serializers.IntegerField(required=False, min_value=0, max_value=VND_MAX)
    contract_number = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=50
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    class Meta:
        model = Lease
        fields = LEASE_CREATE_FIELDS
        validators = []  # the service names the rule a lease breaks


class EndDateSerializer(Serializer):
    end_date = serializers.DateField()


class RenewSerializer(Serializer):
    end_date = serializers.DateField(allow_null=True, help_text=gettext_lazy("null: open-ended"))


class NoBodySerializer(Serializer):
    pass


# --- maps, occupancy, reports -------------------------------------------------------------


class MapQuerySerializer(Serializer):
    on = serializers.DateField(
        required=False, help_text=gettext_lazy("The day shown; default today.")
    )


def _decimal(places: int) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=places, coerce_to_string=False)


class OccupancyRowSerializer(Serializer):
    key = serializers.CharField(help_text="The park, building or floor id, or the unit kind.")
    label = serializers.CharField()
    units = serializers.IntegerField()
    capacity = serializers.IntegerField()
    leased = serializers.IntegerField()
    area_m2 = _decimal(2)
    leased_area_m2 = _decimal(2)
    rate = _decimal(4)


class OccupancyMonthSerializer(Serializer):
    month = serializers.CharField(help_text="YYYY-MM, measured on the month's last day.")
    capacity = serializers.IntegerField()
    leased = serializers.IntegerField()
    area_m2 = _decimal(2)
    leased_area_m2 = _decimal(2)
    rate = _decimal(4)


class OccupancyQuerySerializer(Serializer):
    park = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all(), required=False)
    on = serializers.DateField(required=False)
    group_by = serializers.ChoiceField(choices=GROUPS, default="building")


class SeriesQuerySerializer(Serializer):
    def get_fields(self):
        # `from` is a Python keyword: the fields are named in a dict.
        return {
            "park": serializers.PrimaryKeyRelatedField(queryset=Park.objects.all(), required=False),
            "from": serializers.DateField(),
            "to": serializers.DateField(),
        }

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": _("`to` cannot be before `from`.")})
        if len(month_ends(attrs["from"], attrs["to"])) > MONTHS_MAX:
            raise serializers.ValidationError(
                {"to": _("At most %(count)d months at a time.") % {"count": MONTHS_MAX}}
            )
        return attrs


class SummaryQuerySerializer(Serializer):
    park = serializers.PrimaryKeyRelatedField(
        queryset=Park.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text=gettext_lazy("The park's id."),
    )
    year = serializers.IntegerField(min_value=1990, max_value=2100)


class ThresholdSerializer(Serializer):
    name = serializers.ChoiceField(
        choices=["leased_land_establish", "leased_land_expand", "it_workers"]
    )
    required = serializers.FloatField()
    actual = serializers.FloatField()
    passed = serializers.BooleanField()


class ReportsSummarySerializer(Serializer):
    """The response's shape (documentation only: the view returns park.reports' dict)."""

    park = serializers.UUIDField()
    year = serializers.IntegerField()
    companies = serializers.IntegerField()
    companies_reporting = serializers.IntegerField()
    revenue_vnd = serializers.IntegerField()
    export_revenue_usd = serializers.IntegerField()
    headcount = serializers.IntegerField()
    it_headcount = serializers.IntegerField()
    leased_land_share = serializers.FloatField()
    thresholds = ThresholdSerializer(many=True)
