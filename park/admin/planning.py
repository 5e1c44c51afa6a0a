"""Planning pages of the unit list: the range availability search (`admin/park/unit/
availability/`: the units free for a whole range, the API's available_from/available_to/desks)
and the lease timeline (`admin/park/unit/timeline/`: units as rows, months as columns).
Both only read (park.selectors, park.occupancy) and are for managers only."""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import is_manager
from core.formatting import format_vnd
from park.admin._shared import today
from park.models import Building, Park, Unit, UnitKind
from park.occupancy import lease_timeline
from park.selectors import units_available

TIMELINE_MONTHS = 12


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitFilterForm(forms.Form):
    """The park / building / kind filters both pages share."""

    park = forms.ModelChoiceField(
        label=_("Park"), queryset=Park.objects.order_by("name"), required=False
    )
    building = forms.ModelChoiceField(
        label=_("Building"),
        queryset=Building.objects.select_related("park").order_by("park__name", "code"),
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "---------"), *UnitKind.choices], required=False
    )

    def units(self):
        units = Unit.objects.select_related("floor__building")
        if self.cleaned_data.get("park"):
            units = units.filter(park=self.cleaned_data["park"])
        if self.cleaned_data.get("building"):
            units = units.filter(floor__building=self.cleaned_data["building"])
        if self.cleaned_data.get("kind"):
            units = units.filter(kind=self.cleaned_data["kind"])
        return units.order_by("code", "pk")


class AvailabilityForm(UnitFilterForm):
    start_date = forms.DateField(label=_("From"), widget=_date_input())
    end_date = forms.DateField(label=_("To (inclusive)"), widget=_date_input())
    desks = forms.IntegerField(label=_("Desks"), min_value=1, initial=1, required=False)

    field_order = ["start_date", "end_date", "desks", "park", "building", "kind"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return data


class TimelineForm(UnitFilterForm):
    start_month = forms.DateField(
        label=_("First month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    field_order = ["start_month", "park", "building", "kind"]


def _refuse_unless_manager(request):
    if not is_manager(request.user):
        raise PermissionDenied


def _context(model_admin, request, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        **extra,
    }


def lease_link(unit: Unit, *, start_date: date, end_date: date, desks: int) -> str:
    """The lease add form prefilled with the unit, the range and (for a pool) the desks."""
    query = {"unit": unit.pk, "start_date": start_date, "end_date": end_date}
    if not unit.is_exclusive:
        query["desks"] = desks
    return reverse("admin:park_lease_add") + "?" + urlencode(query)


def availability_view(model_admin, request):
    """Units with `desks` desks free on every day of [from, to], the API's rule
    (park.selectors.units_available)."""
    _refuse_unless_manager(request)
    asked = "start_date" in request.GET or "end_date" in request.GET
    form = AvailabilityForm(request.GET if asked else None, initial={"desks": 1})
    results = None
    if form.is_valid():
        start, end = form.cleaned_data["start_date"], form.cleaned_data["end_date"]
        desks = form.cleaned_data.get("desks") or 1
        units = units_available(form.units(), start_date=start, end_date=end, desks=desks)
        results = [
            {
                "unit": unit,
                "rate": format_vnd(unit.monthly_rate_vnd),
                "lease_url": lease_link(unit, start_date=start, end_date=end, desks=desks),
            }
            for unit in units
        ]
    context = _context(
        model_admin, request, title=gettext("Units free for a whole range"), form=form
    )
    context["results"] = results
    return TemplateResponse(request, "admin/park/availability.html", context)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def timeline_view(model_admin, request):
    """Units as rows and TIMELINE_MONTHS months as columns, each cell naming who holds the
    unit (a pool: leased/capacity desks at the month's busiest), free runs marked free."""
    _refuse_unless_manager(request)
    form = TimelineForm(request.GET)
    if not form.is_valid():  # a bad month or filter: said, then left out (never a 500)
        wrong = ", ".join(str(form.fields[name].label) for name in form.errors)
        model_admin.message_user(
            request, gettext("Ignored, not valid: %(fields)s.") % {"fields": wrong}, messages.ERROR
        )
        kept = {key: value for key, value in request.GET.items() if key not in form.errors}
        form = TimelineForm(kept)
        form.is_valid()
    first_month = _month_start(form.cleaned_data.get("start_month") or today())
    timeline = lease_timeline(units=form.units(), first_month=first_month, months=TIMELINE_MONTHS)
    context = _context(
        model_admin,
        request,
        title=gettext("Lease timeline"),
        form=form,
        first_month=first_month,
        timeline=timeline,
    )
    return TemplateResponse(request, "admin/park/timeline.html", context)
