"""The filters of the exports that have no list of their own to borrow from."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from api.tenants.filters import ContactFilter


class ContactExportFilter(ContactFilter):
    """A company's contacts are listed under it (`/companies/{id}/contacts/`); the export of
    every contact takes the company as a filter."""

    company = filters.UUIDFilter(field_name="company_id", label=_("Company id"))

    class Meta(ContactFilter.Meta):
        fields = ["company", *ContactFilter.Meta.fields]
