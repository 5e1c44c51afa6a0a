"""`/units/` (design/api.md, Space): CRUD for managers, reads for anyone signed in, the
availability search and `/units/{id}/availability/`."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from api.park.filters import UnitFilter
from api.park.serializers import (
    AvailabilityQuerySerializer,
    AvailabilityRunSerializer,
    UnitSerializer,
)
from api.park.views.space import SpaceViewSet
from park import services
from park.models import Unit
from park.selectors import unit_availability, units_with_occupancy


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

    def create_record(self, data):
        return services.unit_create(data=data, actor=self.request.user)

    def update_record(self, instance, data):
        return services.unit_update(unit=instance, data=data, actor=self.request.user)

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
