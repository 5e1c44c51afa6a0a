"""`/occupancy/` and `/occupancy/series/` (design/api.md, Space): plain lists for anyone
signed in, computed by `park.occupancy` in a fixed number of queries."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base.views import GenericViewSet
from api.park.serializers import (
    OccupancyMonthSerializer,
    OccupancyQuerySerializer,
    OccupancyRowSerializer,
    SeriesQuerySerializer,
)
from park.occupancy import GROUPS, occupancy_rows, occupancy_series


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
