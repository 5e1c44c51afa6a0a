"""The query filters of the billing lists, each on the one strict FilterSet: a bad value of
any of them (a month that is not one, `overdue=maybe`) is a 400 naming it."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from api.base.filters import FilterSet, StrictBooleanFilter
from billing.forms import MonthField
from billing.models import (
    Charge,
    Invoice,
    InvoiceKind,
    InvoiceSeries,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    Usage,
)
from billing.selectors import overdue_q


class MonthFilter(filters.Filter):
    field_class = MonthField


class SeriesFilter(FilterSet):
    park = filters.UUIDFilter(field_name="park_id", label=_("Park id"))
    # A year the column can hold: out of range is a 400, never a database error.
    year = filters.NumberFilter(min_value=1, max_value=9999, label=_("Year"))

    class Meta:
        model = InvoiceSeries
        fields = ["park", "year", "is_active"]


class ChargeFilter(FilterSet):
    park = filters.UUIDFilter(field_name="park_id", label=_("Park id"))

    class Meta:
        model = Charge
        fields = ["park", "is_active"]


class UsageFilter(FilterSet):
    company = filters.UUIDFilter(field_name="company_id", label=_("Company id"))
    charge = filters.UUIDFilter(field_name="charge_id", label=_("Charge id"))
    park = filters.UUIDFilter(field_name="charge__park_id", label=_("Park id"))
    month = MonthFilter(field_name="month", label=_("Month: 2027-01 or 2027-01-01"))

    class Meta:
        model = Usage
        fields = ["company", "charge", "park", "month"]


class InvoiceFilter(FilterSet):
    park = filters.UUIDFilter(field_name="park_id", label=_("Park id"))
    company = filters.UUIDFilter(field_name="company_id", label=_("Company id"))
    month = MonthFilter(field_name="month", label=_("Month: 2027-01 or 2027-01-01"))
    status = filters.ChoiceFilter(choices=InvoiceStatus.choices)
    kind = filters.ChoiceFilter(choices=InvoiceKind.choices)
    overdue = StrictBooleanFilter(
        method="filter_overdue", label=_("Issued, unpaid and past its due date today")
    )
    issued_from = filters.DateFilter(
        field_name="issue_date", lookup_expr="gte", label=_("Issued on or after")
    )
    issued_to = filters.DateFilter(
        field_name="issue_date", lookup_expr="lte", label=_("Issued on or before")
    )

    class Meta:
        model = Invoice
        fields = ["park", "company", "month", "status", "kind"]

    def filter_overdue(self, queryset, name, value):
        overdue = overdue_q(on=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PaymentFilter(FilterSet):
    park = filters.UUIDFilter(field_name="park_id", label=_("Park id"))
    company = filters.UUIDFilter(field_name="company_id", label=_("Company id"))
    method = filters.ChoiceFilter(choices=PaymentMethod.choices)
    received_from = filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("Received on or after")
    )
    received_to = filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("Received on or before")
    )

    class Meta:
        model = Payment
        fields = ["park", "company", "method"]
