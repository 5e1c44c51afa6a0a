"""`/occupancy/` and `/occupancy/series/` (design/api.md, Space): plain lists for anyone
signed in, computed by `park.occupancy` in a fixed number of queries."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base.serializers import Serializer
from api.base.views import GenericViewSet
from park.models import Park
from park.occupancy import GROUPS, month_ends, occupancy_rows, occupancy_series

MONTHS_MAX = 600  # fifty years of months in one answer is plenty


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


def _params(request, names) -> dict:
    return {name: request.query_params[name] for name in names if name in request.query_params}


PARK = OpenApiParameter("park", OpenApiTypes.UUID, description="Park id (default: every park)")


class OccupancyViewSet(GenericViewSet):
    """Occupancy on a day by park, building, floor or kind, and its monthly series."""

    pagination_class = None
    filter_backends = []
    serializer_class = OccupancyRowSerializer

    @extend_schema(
        parameters=[
            PARK,
            OpenApiParameter("on", OpenApiTypes.DATE, description="Default: today"),
            OpenApiParameter("group_by", str, enum=list(GROUPS), description="Default: building"),
        ],
        responses=OccupancyRowSerializer(many=True),
    )
    def list(self, request):
        query = OccupancyQuerySerializer(data=_params(request, ("park", "on", "group_by")))
        query.is_valid(raise_exception=True)
        rows = occupancy_rows(
            park=query.validated_data.get("park"),
            on=query.validated_data.get("on") or timezone.localdate(),
            group_by=query.validated_data["group_by"],
        )
        return Response(OccupancyRowSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[
            PARK,
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
        ],
        responses=OccupancyMonthSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def series(self, request):
        query = SeriesQuerySerializer(data=_params(request, ("park", "from", "to")))
        query.is_valid(raise_exception=True)
        months = occupancy_series(
            park=query.validated_data.get("park"),
            start=query.validated_data["from"],
            end=query.validated_data["to"],
        )
        return Response(OccupancyMonthSerializer(months, many=True).data)
