"""Days as the admin reads them from its URLs."""

from datetime import date

from django.utils import timezone
from django.utils.dateparse import parse_date


def today() -> date:
    return timezone.localdate()


def parse_day(text: str | None) -> date | None:
    """`YYYY-MM-DD` as a date; None for anything else (2027-02-30 included)."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None
