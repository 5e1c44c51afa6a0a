"""The month's work and its figures: the invoice run's request and summary, and the queries
and answers of a company's statement and the aging report (those answers are documented
shapes: the views answer the selectors' dicts)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from api.base.serializers import Serializer
from api.billing.serializers._shared import MonthField
from park.models import Park


class InvoiceRunSerializer(Serializer):
    park = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all())
    month = MonthField()
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("true: write nothing, count.")
    )


class RunSummarySerializer(Serializer):
    created = serializers.IntegerField()
    refreshed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped_issued = serializers.IntegerField()
    companies = serializers.IntegerField(help_text="created + refreshed + unchanged")
    total_vnd = serializers.IntegerField(help_text="The sum of those drafts' totals.")


class StatementQuerySerializer(Serializer):
    def get_fields(self):
        # `from` is a Python keyword: the fields are named in a dict.
        return {"from": serializers.DateField(), "to": serializers.DateField()}

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": _("`to` cannot be before `from`.")})
        return attrs


class StatementEntrySerializer(Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=["invoice", "payment"])
    id = serializers.UUIDField()
    number_display = serializers.CharField(allow_null=True)
    amount_vnd = serializers.IntegerField(help_text="Invoices positive, payments negative.")
    balance_vnd = serializers.IntegerField()


class StatementSerializer(Serializer):
    """The response's shape (documentation only: the view answers the selector's dict)."""

    def get_fields(self):
        return {
            "company": serializers.UUIDField(),
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "opening_balance_vnd": serializers.IntegerField(),
            "entries": StatementEntrySerializer(many=True),
            "closing_balance_vnd": serializers.IntegerField(),
            "credit_vnd": serializers.IntegerField(),
        }


class AgingQuerySerializer(Serializer):
    park = serializers.PrimaryKeyRelatedField(
        queryset=Park.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text=gettext_lazy("The park's id."),
    )
    on = serializers.DateField(required=False, help_text=gettext_lazy("Default: today."))


AGING_BUCKETS = ("current", "1_30", "31_60", "61_90", "over_90", "total")
AGING_CSV_COLUMNS = ["company", "company_name", *AGING_BUCKETS]


class AgingTotalsSerializer(Serializer):
    def get_fields(self):
        return {name: serializers.IntegerField() for name in AGING_BUCKETS}


class AgingCompanySerializer(Serializer):
    def get_fields(self):
        return {
            "company": serializers.UUIDField(),
            "company_name": serializers.CharField(),
            **{name: serializers.IntegerField() for name in AGING_BUCKETS},
        }


class AgingSerializer(Serializer):
    """The response's shape (documentation only: the view answers the selector's dict)."""

    park = serializers.UUIDField()
    on = serializers.DateField()
    totals = AgingTotalsSerializer()
    companies = AgingCompanySerializer(many=True)
