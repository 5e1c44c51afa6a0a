"""booking_create's rules (design/bookings.md, Rules), each refusal with its code, and the
edges of the issue: back to back, overlaps, opening hours, half hours, midnight, horizon."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bookings.exceptions import BookingRefused, BookingUnavailable
from bookings.models import Booking, BookingStatus
from bookings.selectors import bookings_overlapping
from core.errors import InvalidTransition, NotPermitted
from park.exceptions import UnitInactive
from park.models import Unit
from tenants.services import company_set_status
from tests.bookings.factories import DAY, NOW, at, book, make_park_with_room, make_tenant
from tests.factories import make_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    _park, room = make_park_with_room(code="P-101")
    return room


@pytest.fixture
def tenant(room):
    return make_tenant(room)


def refusal(room, company, start, end, **fields) -> tuple[str, str]:
    """The (field, code) of the refusal; it wrote nothing."""
    before = Booking.objects.count()
    with pytest.raises(BookingRefused) as caught:
        book(room, company, start, end, **fields)
    assert Booking.objects.count() == before
    return caught.value.field, caught.value.code


def test_a_booking_holds_the_room_for_its_company(room, tenant):
    booking = book(room, tenant, at(DAY, 9), at(DAY, 11), title="Sprint review", attendees=6)

    stored = Booking.objects.get()
    assert stored == booking
    assert (stored.unit, stored.company, stored.title, stored.attendees) == (
        room,
        tenant,
        "Sprint review",
        6,
    )
    assert (stored.status, stored.late_cancel, stored.cancelled_at) == ("confirmed", False, None)
    assert stored.hours == 2
    assert stored.history.count() == 1


def test_back_to_back_bookings_both_hold(room, tenant):
    other = make_tenant(room)
    book(room, tenant, at(DAY, 9), at(DAY, 10))
    book(room, other, at(DAY, 10), at(DAY, 11))
    book(room, other, at(DAY, 8, 30), at(DAY, 9))

    assert Booking.objects.filter(unit=room).count() == 3


def test_half_an_hour_of_overlap_is_refused_with_the_booking_in_the_way(room, tenant):
    first = book(room, tenant, at(DAY, 9), at(DAY, 10))
    other = make_tenant(room)

    with pytest.raises(BookingUnavailable) as caught:
        book(room, other, at(DAY, 9, 30), at(DAY, 11))

    assert caught.value.code == "unit_unavailable"
    assert caught.value.extra == {
        "conflicts": [
            {"starts_at": "2027-01-11T09:00:00+07:00", "ends_at": "2027-01-11T10:00:00+07:00"}
        ]
    }
    assert list(Booking.objects.all()) == [first]


def test_a_manager_sees_the_company_and_title_in_the_way(room, tenant):
    first = book(room, tenant, at(DAY, 9), at(DAY, 10), title="Board meeting")

    with pytest.raises(BookingUnavailable) as caught:
        book(room, make_tenant(room), at(DAY, 8), at(DAY, 12), actor=make_manager())

    assert caught.value.extra["conflicts"] == [
        {
            "starts_at": "2027-01-11T09:00:00+07:00",
            "ends_at": "2027-01-11T10:00:00+07:00",
            "company": str(first.company_id),
            "title": "Board meeting",
        }
    ]


def test_one_minute_of_overlap_counts_and_touching_ranges_do_not(room, tenant):
    book(room, tenant, at(DAY, 9), at(DAY, 10))

    assert len(bookings_overlapping(unit=room, starts_at=at(DAY, 9, 59), ends_at=at(DAY, 11))) == 1
    assert len(bookings_overlapping(unit=room, starts_at=at(DAY, 8), ends_at=at(DAY, 9, 1))) == 1
    assert bookings_overlapping(unit=room, starts_at=at(DAY, 10), ends_at=at(DAY, 11)) == []
    assert bookings_overlapping(unit=room, starts_at=at(DAY, 8), ends_at=at(DAY, 9)) == []


def test_a_cancelled_booking_frees_its_time(room, tenant):
    from bookings.services import booking_cancel

    first = book(room, tenant, at(DAY, 9), at(DAY, 10))
    booking_cancel(booking=first, actor=None, now=NOW)

    second = book(room, make_tenant(room), at(DAY, 9), at(DAY, 10))

    assert second.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((9, 15), (10, 0), ("starts_at", "not_on_half_hour")),
        ((9, 0), (10, 10), ("ends_at", "not_on_half_hour")),
        ((9, 0), (10, 0), None),  # on the hour
        ((9, 30), (10, 30), None),  # on the half hour
    ],
)
def test_times_are_on_the_half_hour(room, tenant, start, end, expected):
    if expected is None:
        book(room, tenant, at(DAY, *start), at(DAY, *end))
        assert Booking.objects.count() == 1
    else:
        assert refusal(room, tenant, at(DAY, *start), at(DAY, *end)) == expected


def test_seconds_are_off_the_half_hour(room, tenant):
    start = at(DAY, 9) + timedelta(seconds=30)
    assert refusal(room, tenant, start, at(DAY, 10)) == ("starts_at", "not_on_half_hour")


def test_an_end_at_or_before_the_start_is_refused_on_ends_at(room, tenant):
    assert refusal(room, tenant, at(DAY, 9), at(DAY, 9)) == ("ends_at", "ends_before_start")
    assert refusal(room, tenant, at(DAY, 9), at(DAY, 8)) == ("ends_at", "ends_before_start")


def test_ten_hours_hold_and_ten_and_a_half_are_too_long(room, tenant):
    assert refusal(room, tenant, at(DAY, 8), at(DAY, 18, 30)) == ("ends_at", "too_long")
    book(room, tenant, at(DAY, 8), at(DAY, 18))
    assert Booking.objects.get().hours == 10


def test_a_booking_across_midnight_is_refused(room, tenant):
    start, end = at(DAY, 21), at(DAY + timedelta(days=1), 1)
    assert refusal(room, tenant, start, end) == ("ends_at", "across_days")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((7, 0), (8, 0), None),  # opens at 07:00
        ((6, 30), (8, 0), ("starts_at", "outside_opening_hours")),
        ((21, 0), (22, 0), None),  # closes at 22:00
        ((21, 30), (22, 30), ("ends_at", "outside_opening_hours")),
    ],
)
def test_bookings_fit_the_opening_hours(room, tenant, start, end, expected):
    if expected is None:
        book(room, tenant, at(DAY, *start), at(DAY, *end))
        assert Booking.objects.count() == 1
    else:
        assert refusal(room, tenant, at(DAY, *start), at(DAY, *end)) == expected


def test_the_parks_own_opening_hours_apply(room, tenant):
    from datetime import time

    park = room.park
    park.booking_opens, park.booking_closes = time(8, 30), time(18, 0)
    park.save()
    assert refusal(room, tenant, at(DAY, 8), at(DAY, 9)) == ("starts_at", "outside_opening_hours")
    assert refusal(room, tenant, at(DAY, 17), at(DAY, 18, 30)) == (
        "ends_at",
        "outside_opening_hours",
    )
    book(room, tenant, at(DAY, 8, 30), at(DAY, 18))


def test_a_time_in_the_past_is_refused(room, tenant):
    today = timezone.localdate(NOW)
    assert refusal(room, tenant, at(today, 8), at(today, 9)) == ("starts_at", "in_past")


def test_the_horizon_is_ninety_days_ahead(room, tenant):
    last = date(2027, 1, 1) + timedelta(days=90)
    book(room, tenant, at(last, 9), at(last, 10))
    after = last + timedelta(days=1)
    assert refusal(room, tenant, at(after, 9), at(after, 10)) == (
        "starts_at",
        "beyond_horizon",
    )


def test_attendees_beyond_the_rooms_capacity_are_refused(room, tenant):
    assert refusal(room, tenant, at(DAY, 9), at(DAY, 10), attendees=11) == (
        "attendees",
        "max_value",
    )
    book(room, tenant, at(DAY, 9), at(DAY, 10), attendees=10)


def test_a_room_that_is_not_bookable_is_refused_on_unit(room, tenant):
    Unit.objects.filter(pk=room.pk).update(bookable=False)
    room.refresh_from_db()
    assert refusal(room, tenant, at(DAY, 9), at(DAY, 10)) == ("unit", "not_bookable")


def test_a_room_under_maintenance_is_refused(room, tenant):
    Unit.objects.filter(pk=room.pk).update(is_active=False)
    with pytest.raises(UnitInactive):
        book(room, tenant, at(DAY, 9), at(DAY, 10))
    assert Booking.objects.count() == 0


def test_a_suspended_company_may_not_book(room, tenant):
    company_set_status(company=tenant, to="suspended", actor=None)
    with pytest.raises(InvalidTransition) as caught:
        book(room, tenant, at(DAY, 9), at(DAY, 10))
    assert caught.value.extra == {"allowed": []}
    assert Booking.objects.count() == 0


def test_a_company_without_a_lease_that_day_may_not_book(room):
    tenant = make_tenant(room, start_date=date(2026, 1, 1), end_date=DAY - timedelta(days=1))
    with pytest.raises(NotPermitted):
        book(room, tenant, at(DAY, 9), at(DAY, 10))
    assert Booking.objects.count() == 0


def test_a_lease_in_another_park_does_not_open_this_parks_rooms(room):
    _other_park, elsewhere = make_park_with_room()
    tenant = make_tenant(elsewhere)
    with pytest.raises(NotPermitted):
        book(room, tenant, at(DAY, 9), at(DAY, 10))
    assert Booking.objects.count() == 0
