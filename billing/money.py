"""Whole dong, months and VAT: the arithmetic every invoice rests on.

Rounding is `ROUND_HALF_UP` as Python's `decimal` defines it (ties away from zero), so a
negative credit line rounds as its positive twin does.
"""

import calendar
import re
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy

from billing.models import vat_percent
from core.money import round_vnd

# The one message for a month that is not one, wherever a month is typed.
INVALID_MONTH = gettext_lazy("A month is written YYYY-MM or YYYY-MM-01 (e.g. 2027-01).")

_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")


def line_amounts(*, quantity: Decimal, unit_price_vnd: int, vat_rate: str) -> tuple[int, int]:
    """A line's (amount_vnd, vat_vnd): amount = quantity * price, VAT = amount * rate / 100,
    each rounded half up; 0 VAT for 0 % and KCT."""
    amount = round_vnd(Decimal(quantity) * unit_price_vnd)
    vat = round_vnd(Decimal(amount) * vat_percent(vat_rate) / 100)
    return amount, vat


def parse_month(value: str | date) -> date | None:
    """`2027-01` or `2027-01-01` (or a date on the first) as the month's first day; None when
    it is not one."""
    if isinstance(value, date):
        return value if value.day == 1 else None
    match = _MONTH.match(str(value).strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        return None
    return date(year, month, 1)


def month_last_day(month: date) -> date:
    return date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def month_days(month: date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def covered_days(*, month: date, start: date, end: date | None) -> tuple[date, date, int]:
    """The part of `month` within [start, end] (end None: open): its first day, last day and
    count of days (0 when they do not meet)."""
    first = max(month, start)
    last = month_last_day(month) if end is None else min(month_last_day(month), end)
    return first, last, max(0, (last - first).days + 1)
