"""`/payments/` (design billing.md): money received from a company, allocated to its issued
invoices (oldest first, or the ones named); what is left is its credit, used for the next
invoices. Managers record and delete payments; a representative reads their company's."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.base.fields import UUID_PATTERN
from api.base.views import ModelViewSet, etag_of
from api.billing.filters import PaymentFilter
from api.billing.permissions import ManagerWritesOthersRead
from api.billing.serializers import PaymentCreateSerializer, PaymentSerializer
from billing.models import Invoice, Payment
from billing.selectors import payments_visible_to
from billing.services import payments as services


class PaymentViewSet(ModelViewSet):
    """Payments with their allocations. `PATCH` changes the note only; `DELETE` (manager)
    removes the payment and its allocations, and the invoices owe that money again."""

    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    permission_classes = [ManagerWritesOthersRead]
    lookup_value_regex = UUID_PATTERN
    # No PUT: a payment's figures never change; delete it and record it again.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering_fields = ["received_on", "amount_vnd", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Payment.objects.none()
        return payments_visible_to(self.request.user)  # allocations and their invoices come

    def get_response_data(self, instance):
        return self.get_serializer(self.get_queryset().get(pk=instance.pk)).data

    @extend_schema(request=PaymentCreateSerializer, responses={201: PaymentSerializer})
    def create(self, request, *args, **kwargs):
        """Record a payment (manager) and allocate it: to `invoices` in that order when
        named, else to the company's oldest open invoices; the rest is its credit."""
        body = PaymentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        ids = data.pop("invoices", None)
        invoices = None
        if ids is not None:
            found = Invoice.objects.select_related("series").in_bulk(ids)
            missing = [str(pk) for pk in ids if pk not in found]
            if missing:
                raise serializers.ValidationError(
                    {"invoices": [_("No such invoice: %(id)s.") % {"id": missing[0]}]}
                )
            invoices = [found[pk] for pk in ids]
        payment = services.payment_create(invoices=invoices, actor=request.user, **data)
        payment = self.get_queryset().get(pk=payment.pk)
        return Response(
            self.get_serializer(payment).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_of(payment)},
        )

    def perform_update(self, serializer):
        serializer.instance = services.payment_update(
            payment=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.payment_delete(payment=instance, actor=self.request.user)
