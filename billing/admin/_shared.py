"""Months, days and forms the billing pages share."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.forms import MonthField
from park.models import Park


def today() -> date:
    return timezone.localdate()


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def month_label(month: date | None) -> str:
    return "" if month is None else f"{month:%Y-%m}"


class ParkMonthForm(forms.Form):
    """A park and a month: the invoice run's and the usage grid's question."""

    park = forms.ModelChoiceField(
        label=_("Park"), queryset=Park.objects.order_by("-is_home", "name"), empty_label=None
    )
    month = MonthField(label=_("month"))
