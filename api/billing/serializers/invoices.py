"""Invoices: their representation with lines (and the CSV row), a draft's creation and its
manual lines, issuing one or many, and voiding."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from api.base.serializers import ModelSerializer, Serializer
from api.billing.serializers._shared import (
    ISSUE_MANY_MAX,
    LINE_QUANTITY_MAX,
    PRICE_MAX_VND,
    STAMPS,
    MonthField,
)
from billing.models import (
    INVOICE_DRAFT_WRITABLE,
    INVOICE_LINE_WRITABLE,
    Invoice,
    InvoiceLine,
    VatRate,
)
from park.models import Park
from tenants.models import Company


class InvoiceLineSerializer(ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = [
            "id",
            "position",
            "kind",
            "description",
            "lease",
            "charge",
            "usage",
            "quantity",
            "unit_of_measure",
            "unit_price_vnd",
            "amount_vnd",
            "vat_rate",
            "vat_vnd",
        ]
        read_only_fields = fields


class InvoiceLineCreateSerializer(ModelSerializer):
    quantity = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        min_value=0,
        max_value=LINE_QUANTITY_MAX,
    )
    unit_price_vnd = serializers.IntegerField(
        min_value=-PRICE_MAX_VND,
        max_value=PRICE_MAX_VND,
        help_text=gettext_lazy("Negative (a credit) only on an adjustment invoice."),
    )
    vat_rate = serializers.ChoiceField(choices=VatRate.choices)

    class Meta:
        model = InvoiceLine
        fields = list(INVOICE_LINE_WRITABLE)


class InvoiceSerializer(ModelSerializer):
    """An invoice with its lines; `PATCH` may change a draft's `note` only."""

    month = MonthField(read_only=True)
    company_name = serializers.CharField(source="company.legal_name", read_only=True)
    number_display = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("Template code, symbol and number: 1C27TSP-00000042; drafts null."),
    )
    balance_vnd = serializers.IntegerField(read_only=True)
    overdue = serializers.SerializerMethodField()
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "park",
            "company",
            "company_name",
            "month",
            "kind",
            "status",
            "series",
            "number",
            "number_display",
            "issue_date",
            "due_date",
            "replaces",
            "buyer_legal_name",
            "buyer_tax_code",
            "buyer_address",
            "subtotal_vnd",
            "vat_vnd",
            "total_vnd",
            "paid_vnd",
            "balance_vnd",
            "overdue",
            *INVOICE_DRAFT_WRITABLE,
            "void_reason",
            "voided_at",
            "lines",
            *STAMPS,
        ]
        read_only_fields = [name for name in fields if name not in INVOICE_DRAFT_WRITABLE]
        extra_kwargs = {"note": {"max_length": 5000}}

    def get_overdue(self, invoice) -> bool:
        return invoice.is_overdue_on(self.context.get("today") or timezone.localdate())


class InvoiceRowSerializer(InvoiceSerializer):
    # A row of `/invoices/?format=csv`: the representation without its lines.

    class Meta(InvoiceSerializer.Meta):
        fields = [name for name in InvoiceSerializer.Meta.fields if name not in {"lines"}]
        read_only_fields = fields


INVOICE_CSV_COLUMNS = list(InvoiceRowSerializer.Meta.fields)


class InvoiceCreateSerializer(Serializer):
    park = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all())
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())
    month = MonthField()


class IssueSerializer(Serializer):
    issue_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Default: today; never before the series' latest issue date."),
    )


class IssueManySerializer(IssueSerializer):
    invoices = serializers.ListField(
        child=serializers.UUIDField(),
        min_length=1,
        max_length=ISSUE_MANY_MAX,
        help_text=gettext_lazy("Draft ids, numbered in this order; all or nothing."),
    )

    def validate_invoices(self, ids):
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(
                _("An invoice appears more than once."), code="duplicate"
            )
        return ids


class VoidSerializer(Serializer):
    reason = serializers.CharField(max_length=300)


class NoBodySerializer(Serializer):
    pass
