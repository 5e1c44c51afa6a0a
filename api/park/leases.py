"""`/leases/` (design/api.md, Space): managers lease units to companies; a representative
reads their company's leases. Dates change only through terminate, renew and cancel."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base.fields import UUID_PATTERN
from api.base.serializers import ModelSerializer, Serializer
from api.base.views import ETagMixin, IdempotentMixin, etag_of
from api.park.space import SpaceAccess
from park import services
from park.models import Lease, LeaseStatus, Unit
from park.selectors import leases_covering, leases_in_status, leases_visible_to
from tenants.models import Company

VND_MAX = 9_223_372_036_854_775_807  # a signed 64-bit integer, the column's range
DAYS_MAX = 36_500


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
            "monthly_rent_vnd",
            "deposit_vnd",
            "contract_number",
            "note",
            "cancelled_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "unit",
            "company",
            "desks",
            "start_date",
            "end_date",
            "cancelled_at",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "monthly_rent_vnd": {"min_value": 0, "max_value": VND_MAX},
            "deposit_vnd": {"min_value": 0, "max_value": VND_MAX},
        }

    @extend_schema_field(serializers.ChoiceField(choices=LeaseStatus.choices))
    def get_status(self, lease) -> str:
        return lease.status_on(self.context.get("today") or timezone.localdate())


class LeaseCreateSerializer(Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    desks = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=100_000,
        help_text=_("Default: 1 on a coworking pool, the capacity of an exclusive unit."),
    )
    monthly_rent_vnd = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=VND_MAX,
        help_text=_("Default: the unit's rate (times desks for a pool)."),
    )
    deposit_vnd = serializers.IntegerField(required=False, min_value=0, max_value=VND_MAX)
    contract_number = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=50
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class EndDateSerializer(Serializer):
    end_date = serializers.DateField()


class RenewSerializer(Serializer):
    end_date = serializers.DateField(allow_null=True, help_text=_("null: open-ended"))


class NoBodySerializer(Serializer):
    pass


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class LeaseFilter(filters.FilterSet):
    unit = filters.UUIDFilter(field_name="unit_id", label=_("Unit id"))
    company = filters.UUIDFilter(field_name="company_id", label=_("Company id"))
    park = filters.UUIDFilter(field_name="unit__park_id", label=_("Park id"))
    status = filters.ChoiceFilter(
        choices=LeaseStatus.choices, method="filter_status", label=_("Status today")
    )
    active_on = filters.DateFilter(method="filter_active_on", label=_("Covering this day"))
    ending_within_days = IntegerFilter(
        method="filter_ending_within_days",
        min_value=0,
        max_value=DAYS_MAX,
        label=_("Not cancelled, ending between today and today + N days"),
    )

    class Meta:
        model = Lease
        fields = ["unit", "company", "park"]

    def filter_status(self, queryset, name, value):
        return leases_in_status(queryset, value, on=timezone.localdate())

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(pk__in=leases_covering(value).values("pk"))

    def filter_ending_within_days(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(
            cancelled_at__isnull=True,
            end_date__gte=today,
            end_date__lte=today + timedelta(days=value),
        )


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

    def _answer(self, lease, *, code=status.HTTP_200_OK) -> Response:
        lease = self.get_queryset().get(pk=lease.pk)
        return Response(
            self.get_serializer(lease).data, status=code, headers={"ETag": etag_of(lease)}
        )

    @extend_schema(request=LeaseCreateSerializer, responses={201: LeaseSerializer})
    def create(self, request, *args, **kwargs):
        """Lease a unit (or desks of a pool): 201, or 409 unit_unavailable / unit_inactive."""
        serializer = LeaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lease = services.lease_create(actor=request.user, **serializer.validated_data)
        return self._answer(lease, code=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.lease_update(
            lease=serializer.instance, actor=self.request.user, **serializer.validated_data
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
