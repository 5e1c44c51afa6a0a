"""booking_cancel: free until the park's free-cancel window, late (still counted) within it,
refused once the booking has started; and booking_update's two fields."""

from datetime import timedelta

import pytest

from bookings.exceptions import BookingRefused
from bookings.models import Booking
from bookings.services import booking_cancel, booking_update
from core.errors import InvalidTransition
from tests.bookings.factories import DAY, at, book, make_park_with_room, make_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking():
    _park, room = make_park_with_room()
    return book(room, make_tenant(room), at(DAY, 14), at(DAY, 16))


def test_a_cancel_a_day_or_more_ahead_is_free(booking):
    now = booking.starts_at - timedelta(hours=24)
    cancelled = booking_cancel(booking=booking, actor=None, now=now)

    stored = Booking.objects.get()
    assert (stored.status, stored.cancelled_at, stored.late_cancel) == ("cancelled", now, False)
    assert stored.version == booking.version + 1 == cancelled.version
    assert stored.counts is False


def test_a_cancel_within_the_free_window_is_late_and_still_counts(booking):
    now = booking.starts_at - timedelta(hours=23, minutes=59)
    booking_cancel(booking=booking, actor=None, now=now)

    stored = Booking.objects.get()
    assert (stored.status, stored.late_cancel) == ("cancelled", True)
    assert stored.counts is True


def test_the_parks_own_free_cancel_window_applies(booking):
    park = booking.unit.park
    park.booking_free_cancel_hours = 2
    park.save()
    booking_cancel(booking=booking, actor=None, now=booking.starts_at - timedelta(hours=3))
    assert Booking.objects.get().late_cancel is False


@pytest.mark.parametrize("after_start", [timedelta(0), timedelta(minutes=30), timedelta(days=3)])
def test_a_started_or_past_booking_cannot_be_cancelled(booking, after_start):
    with pytest.raises(InvalidTransition) as caught:
        booking_cancel(booking=booking, actor=None, now=booking.starts_at + after_start)

    assert caught.value.extra == {"allowed": []}
    assert Booking.objects.get().status == "confirmed"


def test_a_cancelled_booking_cannot_be_cancelled_again(booking):
    now = booking.starts_at - timedelta(days=2)
    booking_cancel(booking=booking, actor=None, now=now)
    with pytest.raises(InvalidTransition):
        booking_cancel(booking=booking, actor=None, now=now)
    assert Booking.objects.get().cancelled_at == now


def test_the_title_and_attendees_change_within_the_capacity(booking):
    booking_update(booking=booking, data={"title": "Demo day", "attendees": 10}, actor=None)
    stored = Booking.objects.get()
    assert (stored.title, stored.attendees) == ("Demo day", 10)

    with pytest.raises(BookingRefused) as caught:
        booking_update(booking=booking, data={"attendees": 11}, actor=None)
    assert (caught.value.field, caught.value.code) == ("attendees", "max_value")
    assert Booking.objects.get().attendees == 10


def test_times_are_not_among_the_changeable_fields(booking):
    with pytest.raises(TypeError):
        booking_update(booking=booking, data={"starts_at": booking.ends_at}, actor=None)
