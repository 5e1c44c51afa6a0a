"""Form fields billing's pages and the API's filters share."""

from django import forms
from django.core.exceptions import ValidationError

from billing.money import INVALID_MONTH, parse_month


class MonthField(forms.Field):
    """A month typed `2027-01` (a browser's month input) or `2027-01-01`, cleaned to its first
    day (billing.money.parse_month)."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    default_error_messages = {"invalid": INVALID_MONTH}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        month = parse_month(value)
        if month is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return month
