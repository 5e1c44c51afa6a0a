"""Space (design/api.md): `/parks/`, `/buildings/`, `/floors/`; managers write, anyone
signed in reads. Units are in `units.py`, leases in `leases.py`."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import is_manager
from api.base.fields import UUID_PATTERN
from api.base.views import ModelViewSet
from api.park.filters import BuildingFilter, FloorFilter
from api.park.serializers import (
    BuildingSerializer,
    BuildingUpdateSerializer,
    FloorSerializer,
    FloorUpdateSerializer,
    ParkSerializer,
)
from park import services
from park.models import Building, Floor, Park


class SpaceAccess(BasePermission):
    """Anyone signed in reads; only managers write (a non-manager's write: 403)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or is_manager(request.user)


class SpaceViewSet(ModelViewSet):
    # CRUD through the park services: `create_record`, `update_record`, `delete_record`. (A
    # comment: the schema would show a docstring here as every subclass's description.)

    permission_classes = [SpaceAccess]
    lookup_value_regex = UUID_PATTERN
    update_serializer_class = None

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"} and self.update_serializer_class:
            return self.update_serializer_class
        return self.serializer_class

    def get_response_data(self, instance):
        # The update serializer may hide fields; answer with the full representation.
        return self.serializer_class(instance, context=self.get_serializer_context()).data

    def create_record(self, data: dict):
        raise NotImplementedError

    def update_record(self, instance, data: dict):
        raise NotImplementedError

    def delete_record(self, instance):
        raise NotImplementedError

    def perform_create(self, serializer):
        serializer.instance = self.create_record(dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = self.update_record(
            serializer.instance, dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        self.delete_record(instance)


class ParkViewSet(SpaceViewSet):
    """Parks: this installation's home park and any other it runs."""

    serializer_class = ParkSerializer
    ordering_fields = ["name", "slug", "created_at"]

    def get_queryset(self):
        return Park.objects.order_by("name", "pk")

    def create_record(self, data):
        return services.park_create(data=data, actor=self.request.user)

    def update_record(self, instance, data):
        return services.park_update(park=instance, data=data, actor=self.request.user)

    def delete_record(self, instance):
        services.park_delete(park=instance, actor=self.request.user)


class BuildingViewSet(SpaceViewSet):
    """Buildings of a park (managers write, anyone signed in reads); `?park=` filters."""

    serializer_class = BuildingSerializer
    update_serializer_class = BuildingUpdateSerializer
    filterset_class = BuildingFilter
    ordering_fields = ["code", "name", "created_at"]

    def get_queryset(self):
        return Building.objects.order_by("park__name", "code", "pk")

    def create_record(self, data):
        park = data.pop("park")
        return services.building_create(park=park, data=data, actor=self.request.user)

    def update_record(self, instance, data):
        return services.building_update(building=instance, data=data, actor=self.request.user)

    def delete_record(self, instance):
        services.building_delete(building=instance, actor=self.request.user)


class FloorViewSet(SpaceViewSet):
    """Floors of a building with their plan size (managers write, anyone signed in reads);
    `?building=` filters. `/floors/{id}/map.png` draws one."""

    serializer_class = FloorSerializer
    update_serializer_class = FloorUpdateSerializer
    filterset_class = FloorFilter
    ordering_fields = ["level", "name", "created_at"]

    def get_queryset(self):
        return Floor.objects.order_by("building__code", "level", "pk")

    def create_record(self, data):
        building = data.pop("building")
        return services.floor_create(building=building, data=data, actor=self.request.user)

    def update_record(self, instance, data):
        return services.floor_update(floor=instance, data=data, actor=self.request.user)

    def delete_record(self, instance):
        services.floor_delete(floor=instance, actor=self.request.user)
