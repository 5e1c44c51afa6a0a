"""The park's billing set-up: settings, invoice series, the price list (charges) and usage.
The writable fields are the model module's tuples (`billing.models.CHARGE_WRITABLE`, ...)."""

from rest_framework import serializers

from api.base.serializers import ModelSerializer
from api.billing.serializers._shared import (
    CHARGE_PRICE_MAX_VND,
    STAMPS,
    USAGE_QUANTITY_MAX,
    MonthField,
)
from billing.models import (
    BILLING_SETTINGS_WRITABLE,
    CHARGE_WRITABLE,
    INVOICE_SERIES_WRITABLE,
    USAGE_UPDATABLE,
    USAGE_WRITABLE,
    BillingSettings,
    Charge,
    InvoiceSeries,
    Usage,
)


class BillingSettingsSerializer(ModelSerializer):
    park = serializers.UUIDField(source="park_id", read_only=True)

    class Meta:
        model = BillingSettings
        fields = ["park", *BILLING_SETTINGS_WRITABLE, *STAMPS]
        read_only_fields = list(STAMPS)
        extra_kwargs = {
            "payment_terms_days": {"min_value": 0, "max_value": 365},
            "management_fee_vnd_per_m2": {"min_value": 0, "max_value": CHARGE_PRICE_MAX_VND},
        }


class InvoiceSeriesSerializer(ModelSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2099)

    class Meta:
        model = InvoiceSeries
        fields = [
            "id",
            "park",
            *INVOICE_SERIES_WRITABLE,
            "next_number",
            "last_issue_date",
            *STAMPS,
        ]
        read_only_fields = ["id", "next_number", "last_issue_date", *STAMPS]
        validators = []  # the service names the field of a duplicate symbol or active year


class InvoiceSeriesUpdateSerializer(InvoiceSeriesSerializer):
    class Meta(InvoiceSeriesSerializer.Meta):
        read_only_fields = ["id", "park", "next_number", "last_issue_date", *STAMPS]


class ChargeSerializer(ModelSerializer):
    class Meta:
        model = Charge
        fields = ["id", "park", *CHARGE_WRITABLE, *STAMPS]
        read_only_fields = ["id", *STAMPS]
        extra_kwargs = {"unit_price_vnd": {"min_value": 0, "max_value": CHARGE_PRICE_MAX_VND}}
        validators = []  # the service names the field of a duplicate code


class ChargeUpdateSerializer(ChargeSerializer):
    class Meta(ChargeSerializer.Meta):
        # A charge billed on invoices belongs to its park's price list for good.
        read_only_fields = ["id", "park", *STAMPS]


class UsageSerializer(ModelSerializer):
    month = MonthField()
    quantity = serializers.DecimalField(
        max_digits=14, decimal_places=3, min_value=0, max_value=USAGE_QUANTITY_MAX
    )
    park = serializers.UUIDField(source="charge.park_id", read_only=True)
    company_name = serializers.CharField(source="company.legal_name", read_only=True)
    charge_code = serializers.CharField(source="charge.code", read_only=True)

    class Meta:
        model = Usage
        fields = ["id", "park", *USAGE_WRITABLE, "company_name", "charge_code", *STAMPS]
        read_only_fields = ["id", *STAMPS]
        validators = []  # the service names the field of a second row for the month


class UsageUpdateSerializer(UsageSerializer):
    month = MonthField(read_only=True)

    class Meta(UsageSerializer.Meta):
        # Only the figures change: a row for another company, charge or month is a new row.
        read_only_fields = [
            name for name in UsageSerializer.Meta.fields if name not in USAGE_UPDATABLE
        ]
