"""The filters of `/companies/` and of its contacts and reports (the one strict FilterSet)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from api.base.filters import FilterSet
from park.selectors import companies_leasing_in
from tenants.models import Company, CompanyStatus, Contact, Sector, TenantReport
from tenants.selectors import companies_matching


class CompanyFilter(FilterSet):
    status = filters.ChoiceFilter(choices=CompanyStatus.choices)
    sector = filters.ChoiceFilter(choices=Sector.choices)
    # Only `true` and `false`: any other value is a 400, not an unfiltered list.
    directory_visible = filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true"
    )
    search = filters.CharFilter(
        method="filter_search", label=_("Names or tax code, accents ignored")
    )
    park = filters.UUIDFilter(method="filter_park", label=_("Park id: a lease active today"))

    class Meta:
        model = Company
        fields = ["status", "sector", "directory_visible"]

    def filter_search(self, queryset, name, value):
        return companies_matching(queryset, value)

    def filter_park(self, queryset, name, value):
        return queryset.filter(pk__in=companies_leasing_in(value, on=timezone.localdate()))


class ContactFilter(FilterSet):
    class Meta:
        model = Contact
        fields = ["is_primary", "is_billing"]


class ReportFilter(FilterSet):
    # A year the column can hold: out of range is a 400, never a database error.
    year = filters.NumberFilter(min_value=1, max_value=9999, label=_("Year"))

    class Meta:
        model = TenantReport
        fields = ["year", "period"]
