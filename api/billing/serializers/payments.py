"""Payments: one with where it went (its allocations), and a new one with the invoices it
pays."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from api.base.serializers import ModelSerializer
from api.billing.serializers._shared import ISSUE_MANY_MAX, PAYMENT_MAX_VND, STAMPS
from billing.models import PAYMENT_CREATE_FIELDS, PAYMENT_WRITABLE, Allocation, Payment
from park.models import Park
from tenants.models import Company


class AllocationSerializer(ModelSerializer):
    number_display = serializers.CharField(
        source="invoice.number_display", read_only=True, allow_null=True
    )

    class Meta:
        model = Allocation
        fields = ["id", "invoice", "number_display", "amount_vnd", "created_at"]
        read_only_fields = fields


class PaymentSerializer(ModelSerializer):
    """A payment and where it went; `PATCH` may change its `note` only."""

    company_name = serializers.CharField(source="company.legal_name", read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "park",
            "company",
            "company_name",
            "amount_vnd",
            "received_on",
            "method",
            "reference",
            "note",
            "unallocated_vnd",
            "allocations",
            *STAMPS,
        ]
        read_only_fields = [name for name in fields if name not in PAYMENT_WRITABLE]
        extra_kwargs = {"note": {"max_length": 300}}


class PaymentCreateSerializer(ModelSerializer):
    park = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all())
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())
    amount_vnd = serializers.IntegerField(min_value=1, max_value=PAYMENT_MAX_VND)
    reference = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=100, default=None
    )
    invoices = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=ISSUE_MANY_MAX,
        help_text=gettext_lazy("Issued invoices to pay, in this order; default oldest first."),
    )

    class Meta:
        model = Payment
        fields = [*PAYMENT_CREATE_FIELDS, "invoices"]
        validators = []  # the service names the field of a duplicate reference

    def validate_reference(self, value):
        if value is None:
            return None
        return value.strip() or None  # an absent reference is stored as null

    def validate_invoices(self, ids):
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(
                _("An invoice appears more than once."), code="duplicate"
            )
        return ids
