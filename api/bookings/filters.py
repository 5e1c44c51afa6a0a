"""The query filters of /bookings/ on the one strict FilterSet: `from` and `to` are local
dates, inclusive, on the booking's start."""

from datetime import date, timedelta

from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters

from api.base.filters import FilterSet
from bookings.models import Booking, BookingStatus
from bookings.selectors import local_start


class BookingFilter(FilterSet):
    unit = filters.UUIDFilter(field_name="unit_id", label=gettext_lazy("Room id"))
    company = filters.UUIDFilter(field_name="company_id", label=gettext_lazy("Company id"))
    status = filters.ChoiceFilter(choices=BookingStatus.choices)

    class Meta:
        model = Booking
        fields = ["unit", "company", "status"]

    @classmethod
    def get_filters(cls):
        found = super().get_filters()
        # `from` is a Python keyword: these two are added by name.
        found["from"] = filters.DateFilter(
            method="filter_from", label=gettext_lazy("Starting on or after this local day")
        )
        found["to"] = filters.DateFilter(
            method="filter_to", label=gettext_lazy("Starting on or before this local day")
        )
        return found

    # The calendar's first and last days would overflow once made UTC instants: no bound.
    def filter_from(self, queryset, name, value):
        if value <= date.min + timedelta(days=1):
            return queryset
        return queryset.filter(starts_at__gte=local_start(value))

    def filter_to(self, queryset, name, value):
        if value >= date.max - timedelta(days=1):
            return queryset
        return queryset.filter(starts_at__lt=local_start(value + timedelta(days=1)))
