"""The invoice run bills meeting-room overage: one `booking` line per room with overage, at
the room's hourly rate and 10 % VAT (figures of tests/bookings/test_hours.py's month)."""

from decimal import Decimal

import pytest

from billing.models import Invoice, LineKind
from billing.services.runs import invoice_run
from tests.bookings.test_hours import FEB, month  # noqa: F401 - the month, worked out by hand

pytestmark = pytest.mark.django_db


def booking_lines(company):
    invoice = Invoice.objects.get(company=company, month=FEB)
    return [
        (
            line.unit_of_measure != "",
            line.quantity,
            line.unit_price_vnd,
            line.amount_vnd,
            line.vat_vnd,
        )
        for line in invoice.lines.filter(kind=LineKind.BOOKING).order_by("position")
    ]


def test_the_overage_is_one_line_per_room_on_the_months_invoice(month):  # noqa: F811
    summary = invoice_run(park=month["park"], month=FEB)
    assert summary.created == 2
    # M-1: 1.25 h x 200,000 = 250,000, VAT 25,000; M-2: 1.5 h x 150,001 = 225,001.5 -> 225,002,
    # VAT 22,500.2 -> 22,500.
    assert booking_lines(month["company"]) == [
        (True, Decimal("1.250"), 200_000, 250_000, 25_000),
        (True, Decimal("1.500"), 150_001, 225_002, 22_500),
    ]
    # The other company has no lease in this park's rooms but M-1's: 1 h x 200,000.
    assert booking_lines(month["other"]) == [(True, Decimal("1.000"), 200_000, 200_000, 20_000)]
    descriptions = Invoice.objects.get(company=month["company"], month=FEB).lines.filter(
        kind=LineKind.BOOKING
    )
    assert ["M-1" in line.description for line in descriptions] == [True, False]


def test_a_second_run_leaves_the_overage_lines_unchanged(month):  # noqa: F811
    invoice_run(park=month["park"], month=FEB)
    again = invoice_run(park=month["park"], month=FEB)
    assert (again.created, again.refreshed, again.unchanged) == (0, 0, 2)
