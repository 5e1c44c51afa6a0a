"""The query filters of /buildings/, /floors/, /units/ and /leases/: each on the one strict
`api.base.filters.FilterSet`, so a bad value of any of them is a 400 naming it."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters

from api.base.filters import FilterSet, StrictBooleanFilter
from park.models import Building, Floor, Lease, LeaseStatus, Unit, UnitKind
from park.selectors import leases_covering, leases_in_status, units_available

INT_MAX = 2_147_483_647
DAYS_MAX = 36_500


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class BuildingFilter(FilterSet):
    park = filters.UUIDFilter(field_name="park_id", label=gettext_lazy("Park id"))

    class Meta:
        model = Building
        fields = ["park"]


class FloorFilter(FilterSet):
    building = filters.UUIDFilter(field_name="building_id", label=gettext_lazy("Building id"))

    class Meta:
        model = Floor
        fields = ["building"]


class UnitFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_to")
        if (start is None) != (end is None) and not self.errors:
            missing = "available_to" if end is None else "available_from"
            self.add_error(missing, _("Give both available_from and available_to."))
        elif start is not None and end is not None and end < start:
            self.add_error("available_to", _("available_to cannot be before available_from."))
        if data.get("desks") is not None and start is None and not self.errors:
            self.add_error("desks", _("desks needs available_from and available_to."))
        return data


class UnitFilter(FilterSet):
    park = filters.UUIDFilter(field_name="park_id", label=gettext_lazy("Park id"))
    building = filters.UUIDFilter(
        field_name="floor__building_id", label=gettext_lazy("Building id")
    )
    floor = filters.UUIDFilter(field_name="floor_id", label=gettext_lazy("Floor id"))
    kind = filters.ChoiceFilter(choices=UnitKind.choices)
    is_active = StrictBooleanFilter()
    bookable = StrictBooleanFilter()
    min_area = filters.NumberFilter(
        field_name="area_m2", lookup_expr="gte", max_digits=12, decimal_places=2
    )
    max_area = filters.NumberFilter(
        field_name="area_m2", lookup_expr="lte", max_digits=12, decimal_places=2
    )
    min_capacity = IntegerFilter(
        field_name="capacity", lookup_expr="gte", min_value=0, max_value=INT_MAX
    )
    available_from = filters.DateFilter(
        method="filter_nothing", label=gettext_lazy("Free from (inclusive)")
    )
    available_to = filters.DateFilter(
        method="filter_nothing", label=gettext_lazy("Free to (inclusive)")
    )
    desks = IntegerFilter(
        method="filter_nothing",
        min_value=1,
        max_value=INT_MAX,
        label=gettext_lazy("Desks free on every day of the range (default 1)"),
    )

    class Meta:
        model = Unit
        fields = ["park", "building", "floor", "kind", "is_active", "bookable"]
        form = UnitFilterForm

    def filter_nothing(self, queryset, name, value):
        return queryset  # the three availability parameters act together, below

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("available_from") is not None:
            queryset = units_available(
                queryset,
                start_date=data["available_from"],
                end_date=data["available_to"],
                desks=data.get("desks") or 1,
            )
        return queryset


class LeaseFilter(FilterSet):
    unit = filters.UUIDFilter(field_name="unit_id", label=gettext_lazy("Unit id"))
    company = filters.UUIDFilter(field_name="company_id", label=gettext_lazy("Company id"))
    park = filters.UUIDFilter(field_name="unit__park_id", label=gettext_lazy("Park id"))
    status = filters.ChoiceFilter(
        choices=LeaseStatus.choices, method="filter_status", label=gettext_lazy("Status today")
    )
    active_on = filters.DateFilter(
        method="filter_active_on", label=gettext_lazy("Covering this day")
    )
    ending_within_days = IntegerFilter(
        method="filter_ending_within_days",
        min_value=0,
        max_value=DAYS_MAX,
        label=gettext_lazy("Not cancelled, ending between today and today + N days"),
    )

    class Meta:
        model = Lease
        fields = ["unit", "company", "park"]

    def filter_status(self, queryset, name, value):
        return leases_in_status(queryset, value, on=timezone.localdate())

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(pk__in=leases_covering(value).values("pk"))

    def filter_ending_within_days(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(
            cancelled_at__isnull=True,
            end_date__gte=today,
            end_date__lte=today + timedelta(days=value),
        )
