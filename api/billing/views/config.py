"""The park's billing set-up: `/billing-settings/{park_id}/`, `/invoice-series/`, `/charges/`
(the price list) and `/usage/` (metered quantities). Managers keep them; representatives of
the park's tenants read its price list."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from api.base.errors import PreconditionFailed
from api.base.fields import UUID_PATTERN
from api.base.permissions import IsManager
from api.base.views import ETagMixin, GenericViewSet, ModelViewSet, etag_of
from api.billing.filters import ChargeFilter, SeriesFilter, UsageFilter
from api.billing.permissions import ManagerWritesOthersRead
from api.billing.serializers import (
    BillingSettingsSerializer,
    ChargeSerializer,
    ChargeUpdateSerializer,
    InvoiceSeriesSerializer,
    InvoiceSeriesUpdateSerializer,
    UsageSerializer,
    UsageUpdateSerializer,
)
from billing.models import BillingSettings, Charge, InvoiceSeries, Usage
from billing.selectors import charges_visible_to
from billing.services import config as services
from park.models import Park


class BillingViewSet(ModelViewSet):
    # CRUD through the billing services: `create_record`, `update_record`, `delete_record`;
    # an update may use a narrower serializer, the answer is the full representation. (A
    # comment: the schema would show a docstring here as every subclass's description.)

    lookup_value_regex = UUID_PATTERN
    update_serializer_class = None

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"} and self.update_serializer_class:
            return self.update_serializer_class
        return self.serializer_class

    def get_response_data(self, instance):
        return self.serializer_class(instance, context=self.get_serializer_context()).data

    def perform_create(self, serializer):
        serializer.instance = self.create_record(dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = self.update_record(
            serializer.instance, dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        self.delete_record(instance)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response["ETag"] = etag_of(response.data.serializer.instance)
        return response


class BillingSettingsViewSet(
    ETagMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, GenericViewSet
):
    """The park as a seller (manager): its name, tax code, address and bank on every
    invoice, the payment terms, the rent and management fee VAT rates. `PUT` creates them;
    `GET` and `PATCH` of a park without them: 404."""

    serializer_class = BillingSettingsSerializer
    permission_classes = [IsManager]
    lookup_field = "park_id"
    lookup_url_kwarg = "park_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return BillingSettings.objects.all()

    def perform_update(self, serializer):
        serializer.instance = services.billing_settings_save(
            park=serializer.instance.park,
            data=dict(serializer.validated_data),
            actor=self.request.user,
        )

    @extend_schema(responses={200: BillingSettingsSerializer, 201: BillingSettingsSerializer})
    def update(self, request, *args, **kwargs):
        if kwargs.get("partial") or self.get_queryset().filter(park_id=kwargs["park_id"]).exists():
            return super().update(request, *args, **kwargs)
        # The first PUT of a park's settings creates them (a conditional PUT needs a record).
        park = get_object_or_404(Park, pk=kwargs["park_id"])
        if request.headers.get("If-Match"):
            raise PreconditionFailed("The park has no billing settings yet.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            settings = services.billing_settings_save(
                park=park, data=dict(serializer.validated_data), actor=request.user
            )
        return Response(
            self.get_serializer(settings).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_of(settings)},
        )


class InvoiceSeriesViewSet(BillingViewSet):
    """Invoice series (manager): a template code and symbol per park and year, numbered from
    1 without gaps. `next_number` is read-only; a series with issued invoices cannot be
    deleted (409 in_use): deactivate it."""

    serializer_class = InvoiceSeriesSerializer
    update_serializer_class = InvoiceSeriesUpdateSerializer
    filterset_class = SeriesFilter
    permission_classes = [IsManager]
    ordering_fields = ["year", "symbol", "created_at"]

    def get_queryset(self):
        return InvoiceSeries.objects.order_by("park_id", "-year", "template_code", "symbol")

    def create_record(self, data):
        park = data.pop("park")
        return services.series_create(park=park, data=data, actor=self.request.user)

    def update_record(self, instance, data):
        return services.series_update(series=instance, data=data, actor=self.request.user)

    def delete_record(self, instance):
        services.series_delete(series=instance, actor=self.request.user)


class ChargeViewSet(BillingViewSet):
    """The park's price list (manager; representatives of its tenants read it): electricity
    by the kWh, parking by the vehicle... with a unit price and a VAT rate."""

    serializer_class = ChargeSerializer
    update_serializer_class = ChargeUpdateSerializer
    filterset_class = ChargeFilter
    permission_classes = [ManagerWritesOthersRead]
    ordering_fields = ["code", "name", "unit_price_vnd", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Charge.objects.none()
        return charges_visible_to(self.request.user)

    def create_record(self, data):
        park = data.pop("park")
        return services.charge_create(park=park, data=data, actor=self.request.user)

    def update_record(self, instance, data):
        return services.charge_update(charge=instance, data=data, actor=self.request.user)

    def delete_record(self, instance):
        services.charge_delete(charge=instance, actor=self.request.user)


class UsageViewSet(BillingViewSet):
    """Metered usage (manager): a company's quantity of a charge in a month, billed on that
    month's invoice. Once billed on an issued invoice it cannot change (409 in_use)."""

    serializer_class = UsageSerializer
    update_serializer_class = UsageUpdateSerializer
    filterset_class = UsageFilter
    permission_classes = [IsManager]
    ordering_fields = ["month", "quantity", "created_at"]

    def get_queryset(self):
        return Usage.objects.select_related("company", "charge").order_by(
            "-month", "company__legal_name", "charge__code", "pk"
        )

    def create_record(self, data):
        return services.usage_create(data=data, actor=self.request.user)

    def update_record(self, instance, data):
        return services.usage_update(usage=instance, data=data, actor=self.request.user)

    def delete_record(self, instance):
        services.usage_delete(usage=instance, actor=self.request.user)
