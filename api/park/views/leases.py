"""`/leases/` (design/api.md, Space): managers lease units to companies; a representative
reads their company's leases. Dates change only through terminate, renew and cancel."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base.fields import UUID_PATTERN
from api.base.views import ETagMixin, IdempotentMixin, etag_of
from api.park.filters import LeaseFilter
from api.park.serializers import (
    EndDateSerializer,
    LeaseCreateSerializer,
    LeaseSerializer,
    NoBodySerializer,
    RenewSerializer,
)
from api.park.views.space import SpaceAccess
from park import services
from park.models import Lease
from park.selectors import leases_visible_to


class LeaseViewSet(
    IdempotentMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Leases: never deleted (405); dates change through terminate, renew and cancel."""

    serializer_class = LeaseSerializer
    filterset_class = LeaseFilter
    permission_classes = [SpaceAccess]
    lookup_value_regex = UUID_PATTERN
    # No PUT (a lease is never replaced whole) and no DELETE (cancel or terminate instead).
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ["start_date", "end_date", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Lease.objects.none()
        return leases_visible_to(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _respond(self, lease, *, code=status.HTTP_200_OK) -> Response:
        return Response(
            self.get_serializer(lease).data, status=code, headers={"ETag": etag_of(lease)}
        )

    def _answer(self, lease, *, code=status.HTTP_200_OK) -> Response:
        return self._respond(self.get_queryset().get(pk=lease.pk), code=code)

    @extend_schema(request=LeaseCreateSerializer, responses={201: LeaseSerializer})
    def create(self, request, *args, **kwargs):
        """Lease a unit (or desks of a pool): 201, or 409 unit_unavailable / unit_inactive."""
        serializer = LeaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The unit and company the serializer loaded are the ones the service leases; what it
        # returns (with the unit it locked and re-read) is the answer, read no second time.
        lease = services.lease_create(actor=request.user, **serializer.validated_data)
        return self._respond(lease, code=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.lease_update(
            lease=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    @extend_schema(request=EndDateSerializer, responses=LeaseSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        """End the lease early (not before its start, not after its current end)."""
        lease = self.get_object()
        body = EndDateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lease = services.lease_terminate(lease=lease, actor=request.user, **body.validated_data)
        return self._answer(lease)

    @extend_schema(request=RenewSerializer, responses=LeaseSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """Extend the lease to a later end date, or make it open-ended (`null`)."""
        lease = self.get_object()
        body = RenewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lease = services.lease_renew(lease=lease, actor=request.user, **body.validated_data)
        return self._answer(lease)

    @extend_schema(request=None, responses=LeaseSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a lease before it starts; it frees the unit and stays on record."""
        lease = self.get_object()
        NoBodySerializer(data=request.data or {}).is_valid(raise_exception=True)
        lease = services.lease_cancel(lease=lease, actor=request.user)
        return self._answer(lease)
