"""Hours used, allowance and overage of a month, computed by hand (design/bookings.md):
two leases, a late cancel and a free cancel; the overage priced room by room in order of
`starts_at`, rounded half up."""

from datetime import date, time
from decimal import Decimal

import pytest

from bookings.selectors import company_hours, month_hours, overage_by_room
from bookings.services import booking_cancel
from tests.bookings.factories import at, book, make_room, make_tenant
from tests.factories import make_floor, make_lease, make_park, make_unit

pytestmark = pytest.mark.django_db

FEB = date(2027, 2, 1)


def day(number: int, month: int = 2) -> date:
    return date(2027, month, number)


@pytest.fixture
def month():
    """Company X's February 2027 in park P, figured by hand:

    allowance: office lease 3 h + second office lease (from 10 Feb) 1.25 h = 4.25 h; a lease
    that ended on 31 January (10 h) does not count.
    bookings counted, by start:
      1 Feb  09:00-11:00  M-1  2.0 h  allowance 4.25 -> 2.25
      2 Feb  09:00-10:30  M-2  1.5 h  allowance 2.25 -> 0.75
      3 Feb  14:00-16:00  M-1  2.0 h  late cancel: 0.75 covered, 1.25 h over at M-1
      5 Feb  10:00-11:30  M-2  1.5 h  1.5 h over at M-2
    not counted: 4 Feb M-2 3 h (cancelled a month ahead), 31 Jan M-1 1 h (January).
    used 7.0 h, overage 2.75 h;
    M-1: 1.25 h x 200 000 = 250 000; M-2: 1.5 h x 150 001 = 225 001.5 -> 225 002 (half up).
    """
    park = make_park()
    floor = make_floor(park=park)
    m1 = make_room(floor=floor, code="M-1", hourly_rate_vnd=200_000)
    m2 = make_room(floor=floor, code="M-2", hourly_rate_vnd=150_001)
    company = make_tenant(m1, hours=3)
    make_lease(
        unit=make_unit(floor=floor),
        company=company,
        start_date=day(10),
        end_date=None,
        meeting_hours_monthly=Decimal("1.25"),
    )
    make_lease(
        unit=make_unit(floor=floor),
        company=company,
        start_date=date(2026, 6, 1),
        end_date=date(2027, 1, 31),
        meeting_hours_monthly=Decimal(10),
    )
    other = make_tenant(m1, hours=0)
    book(m1, company, at(day(31, 1), 9), at(day(31, 1), 10))
    book(m1, company, at(day(1), 9), at(day(1), 11))
    book(m2, company, at(day(2), 9), at(day(2), 10, 30))
    late = book(m1, company, at(day(3), 14), at(day(3), 16))
    free = book(m2, company, at(day(4), 9), at(day(4), 12))
    book(m2, company, at(day(5), 10), at(day(5), 11, 30))
    book(m1, other, at(day(5), 10), at(day(5), 11))
    booking_cancel(booking=late, actor=None, now=at(day(3), 8))
    booking_cancel(booking=free, actor=None, now=at(day(4, 1), 9))
    return {"park": park, "company": company, "other": other, "m1": m1, "m2": m2}


def test_the_months_hours_are_those_worked_out_by_hand(month):
    assert company_hours(company=month["company"], month=FEB) == {
        "allowance": Decimal("4.25"),
        "used": Decimal("7.00"),
        "overage": Decimal("2.75"),
        "overage_vnd": 475_002,
    }


def test_the_overage_is_priced_room_by_room_for_the_invoice(month):
    assert overage_by_room(park=month["park"], month=FEB) == {
        month["company"].pk: [
            (month["m1"], Decimal("1.25"), 250_000),
            (month["m2"], Decimal("1.50"), 225_002),
        ],
        month["other"].pk: [(month["m1"], Decimal("1.00"), 200_000)],
    }


def test_another_parks_invoice_run_sees_no_overage_of_these_rooms(month):
    assert overage_by_room(park=make_park(), month=FEB) == {}


def test_january_has_its_own_allowance_and_hours(month):
    assert company_hours(company=month["company"], month=date(2027, 1, 1)) == {
        "allowance": Decimal("13.00"),
        "used": Decimal("1.00"),
        "overage": Decimal("0.00"),
        "overage_vnd": 0,
    }


def test_a_month_is_the_parks_local_month(month):
    # 1 March 00:30 in the park is still 28 February in UTC: it counts in March.
    company, m1 = month["company"], month["m1"]
    park = m1.park
    park.booking_opens = time(0, 0)
    park.save()
    book(m1, company, at(date(2027, 3, 1), 0, 30), at(date(2027, 3, 1), 1, 30))
    assert company_hours(company=company, month=FEB)["used"] == Decimal("7.00")
    assert company_hours(company=company, month=date(2027, 3, 1))["used"] == Decimal("1.00")


def test_the_admins_month_lists_each_company_with_its_figures(month):
    rows = month_hours(month=FEB)
    figures = {row["company"]: (row["used"], row["overage_vnd"]) for row in rows}
    assert figures == {
        month["company"]: (Decimal("7.00"), 475_002),
        month["other"]: (Decimal("1.00"), 200_000),
    }
