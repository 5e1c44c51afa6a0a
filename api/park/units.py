"""`/units/` (design/api.md, Space): CRUD for managers, reads for anyone signed in, the
availability search and `/units/{id}/availability/`."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base.filters import StrictBooleanFilter
from api.base.serializers import ModelSerializer, Serializer
from api.park.space import AREA, SpaceViewSet
from park import services
from park.models import Unit, UnitKind
from park.occupancy import unit_occupancy
from park.selectors import unit_availability, units_available, units_with_occupancy

INT_MAX = 2_147_483_647


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
        fields = [
            "id",
            "park",
            "building",
            "floor",
            "code",
            "name",
            "kind",
            "area_m2",
            "capacity",
            "monthly_rate_vnd",
            "is_active",
            "plan_polygon",
            "occupancy_today",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "park", "version", "created_at", "updated_at"]
        extra_kwargs = {
            "area_m2": {**AREA, "max_digits": 10},
            "capacity": {"min_value": 1, "max_value": 100_000},
            "monthly_rate_vnd": {"min_value": 0, "max_value": 10**15},
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


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class UnitFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_to")
        if (start is None) != (end is None) and not self.errors:
            missing = "available_to" if end is None else "available_from"
            self.add_error(missing, _("Give both available_from and available_to."))
        elif start is not None and end is not None and end < start:
            self.add_error("available_to", _("available_to cannot be before available_from."))
        if data.get("desks") is not None and start is None and not self.errors:
            self.add_error("desks", _("desks needs available_from and available_to."))
        return data


class UnitFilter(filters.FilterSet):
    park = filters.UUIDFilter(field_name="park_id", label=gettext_lazy("Park id"))
    building = filters.UUIDFilter(
        field_name="floor__building_id", label=gettext_lazy("Building id")
    )
    floor = filters.UUIDFilter(field_name="floor_id", label=gettext_lazy("Floor id"))
    kind = filters.ChoiceFilter(choices=UnitKind.choices)
    is_active = StrictBooleanFilter()
    min_area = filters.NumberFilter(
        field_name="area_m2", lookup_expr="gte", max_digits=12, decimal_places=2
    )
    max_area = filters.NumberFilter(
        field_name="area_m2", lookup_expr="lte", max_digits=12, decimal_places=2
    )
    min_capacity = IntegerFilter(
        field_name="capacity", lookup_expr="gte", min_value=0, max_value=INT_MAX
    )
    available_from = filters.DateFilter(
        method="filter_nothing", label=gettext_lazy("Free from (inclusive)")
    )
    available_to = filters.DateFilter(
        method="filter_nothing", label=gettext_lazy("Free to (inclusive)")
    )
    desks = IntegerFilter(
        method="filter_nothing",
        min_value=1,
        max_value=INT_MAX,
        label=gettext_lazy("Desks free on every day of the range (default 1)"),
    )

    class Meta:
        model = Unit
        fields = ["park", "building", "floor", "kind", "is_active"]
        form = UnitFilterForm

    def filter_nothing(self, queryset, name, value):
        return queryset  # the three availability parameters act together, below

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("available_from") is not None:
            queryset = units_available(
                queryset,
                start_date=data["available_from"],
                end_date=data["available_to"],
                desks=data.get("desks") or 1,
            )
        return queryset


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


class UnitViewSet(SpaceViewSet):
    """Units: offices, coworking desk pools, labs, meeting rooms and racks."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["code", "name", "kind", "area_m2", "capacity", "created_at"]

    def get_queryset(self):
        units = Unit.objects.select_related("floor")
        return units_with_occupancy(units, on=timezone.localdate())

    def get_response_data(self, instance):
        return super().get_response_data(self.get_queryset().get(pk=instance.pk))

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        unit = self.get_queryset().get(pk=response.data["id"])
        response.data = self.get_response_data(unit)
        return response

    def create_record(self, fields):
        return services.unit_create(actor=self.request.user, **fields)

    def update_record(self, instance, changes):
        return services.unit_update(unit=instance, actor=self.request.user, **changes)

    def delete_record(self, instance):
        services.unit_delete(unit=instance, actor=self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
        ],
        responses=AvailabilityRunSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def availability(self, request, pk=None):
        """Inclusive, merged runs covering [from, to] with the desks free on each day."""
        unit = self.get_object()
        params = {
            key: request.query_params[key] for key in ("from", "to") if key in request.query_params
        }
        query = AvailabilityQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        runs = unit_availability(
            unit=unit, start_date=query.validated_data["from"], end_date=query.validated_data["to"]
        )
        return Response(AvailabilityRunSerializer(runs, many=True).data)
