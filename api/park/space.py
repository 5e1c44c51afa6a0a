"""Space (design/api.md): `/parks/`, `/buildings/`, `/floors/`; managers write, anyone
signed in reads. Units live in `api/space_units.py`, leases in `api/space_leases.py`,
occupancy in `api/space_occupancy.py`.
"""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import is_manager
from api.base.fields import UUID_PATTERN
from api.base.serializers import ModelSerializer
from api.base.views import ModelViewSet
from park import services
from park.models import Building, Floor, Park

AREA = {"min_value": 0, "max_digits": 12, "decimal_places": 2}


class SpaceAccess(BasePermission):
    """Anyone signed in reads; only managers write (a non-manager's write: 403)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or is_manager(request.user)


class SpaceViewSet(ModelViewSet):
    """CRUD through the park services: `create_record`, `update_record`, `delete_record`."""

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

    def create_record(self, fields: dict):
        raise NotImplementedError

    def update_record(self, instance, changes: dict):
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


# --- parks --------------------------------------------------------------------------------


class ParkSerializer(ModelSerializer):
    # Declared, so DRF adds no uniqueness check of its own: the service names the rule.
    is_home = serializers.BooleanField(required=False)

    class Meta:
        model = Park
        fields = [
            "id",
            "name",
            "slug",
            "city",
            "province",
            "land_area_m2",
            "is_home",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]
        extra_kwargs = {"land_area_m2": AREA}
        validators = []  # the service names the field of a duplicate (the home park)


class ParkViewSet(SpaceViewSet):
    """Parks: this installation's home park and any other it runs."""

    serializer_class = ParkSerializer
    ordering_fields = ["name", "slug", "created_at"]

    def get_queryset(self):
        return Park.objects.order_by("name", "pk")

    def create_record(self, fields):
        return services.park_create(actor=self.request.user, **fields)

    def update_record(self, instance, changes):
        return services.park_update(park=instance, actor=self.request.user, **changes)

    def delete_record(self, instance):
        services.park_delete(park=instance, actor=self.request.user)


# --- buildings ----------------------------------------------------------------------------


class BuildingSerializer(ModelSerializer):
    class Meta:
        model = Building
        fields = [
            "id",
            "park",
            "code",
            "name",
            "gross_area_m2",
            "land_area_m2",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]
        extra_kwargs = {"gross_area_m2": AREA, "land_area_m2": AREA}
        validators = []  # the service names the field of a duplicate code


class BuildingUpdateSerializer(BuildingSerializer):
    class Meta(BuildingSerializer.Meta):
        # Its units copy the park: a building never moves to another park.
        read_only_fields = ["id", "park", "version", "created_at", "updated_at"]


class BuildingFilter(filters.FilterSet):
    park = filters.UUIDFilter(field_name="park_id", label=_("Park id"))

    class Meta:
        model = Building
        fields = ["park"]


class BuildingViewSet(SpaceViewSet):
    serializer_class = BuildingSerializer
    update_serializer_class = BuildingUpdateSerializer
    filterset_class = BuildingFilter
    ordering_fields = ["code", "name", "created_at"]

    def get_queryset(self):
        return Building.objects.order_by("park__name", "code", "pk")

    def create_record(self, fields):
        return services.building_create(actor=self.request.user, **fields)

    def update_record(self, instance, changes):
        return services.building_update(building=instance, actor=self.request.user, **changes)

    def delete_record(self, instance):
        services.building_delete(building=instance, actor=self.request.user)


# --- floors -------------------------------------------------------------------------------


class FloorSerializer(ModelSerializer):
    plan_width = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    plan_height = serializers.IntegerField(min_value=1, max_value=100_000, required=False)

    class Meta:
        model = Floor
        fields = [
            "id",
            "building",
            "level",
            "name",
            "plan_width",
            "plan_height",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]
        extra_kwargs = {"level": {"min_value": -100, "max_value": 1000}}
        validators = []  # the service names the field of a duplicate level


class FloorUpdateSerializer(FloorSerializer):
    class Meta(FloorSerializer.Meta):
        # Its units copy the building's park: a floor never moves to another building.
        read_only_fields = ["id", "building", "version", "created_at", "updated_at"]


class FloorFilter(filters.FilterSet):
    building = filters.UUIDFilter(field_name="building_id", label=_("Building id"))

    class Meta:
        model = Floor
        fields = ["building"]


class FloorViewSet(SpaceViewSet):
    serializer_class = FloorSerializer
    update_serializer_class = FloorUpdateSerializer
    filterset_class = FloorFilter
    ordering_fields = ["level", "name", "created_at"]

    def get_queryset(self):
        return Floor.objects.order_by("building__code", "level", "pk")

    def create_record(self, fields):
        return services.floor_create(actor=self.request.user, **fields)

    def update_record(self, instance, changes):
        return services.floor_update(floor=instance, actor=self.request.user, **changes)

    def delete_record(self, instance):
        services.floor_delete(floor=instance, actor=self.request.user)
