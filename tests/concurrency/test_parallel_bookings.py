"""Races of meeting-room bookings on real parallel connections (PostgreSQL and the file-based
SQLite test database): the room's row lock lets exactly one of sixteen bookings of the same
time through, and sixteen adjacent half hours all hold (half-open ranges)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from bookings.exceptions import BookingUnavailable
from bookings.models import Booking
from tests.bookings.factories import DAY, at, book, make_park_with_room, make_tenant
from tests.concurrency.race import run_together

THREADS = 16


@pytest.mark.django_db(transaction=True)
def test_sixteen_parallel_bookings_of_one_room_and_time_leave_exactly_one():
    _park, room = make_park_with_room()
    companies = [make_tenant(room) for _ in range(THREADS)]

    outcomes = run_together(lambda company: book(room, company, at(DAY, 9), at(DAY, 11)), companies)

    assert outcomes == ["done"] + [BookingUnavailable.code] * (THREADS - 1)
    assert Booking.objects.filter(unit=room, status="confirmed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_sixteen_parallel_bookings_of_adjacent_half_hours_all_hold():
    _park, room = make_park_with_room()
    companies = [make_tenant(room) for _ in range(THREADS)]
    first = at(DAY, 8)
    half_hours = [
        (company, first + timedelta(minutes=30 * index), first + timedelta(minutes=30 * index + 30))
        for index, company in enumerate(companies)
    ]

    outcomes = run_together(lambda item: book(room, *item), half_hours)

    assert outcomes == ["done"] * THREADS
    starts = sorted(Booking.objects.filter(unit=room).values_list("starts_at", flat=True))
    assert starts == [start for _company, start, _end in half_hours]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_an_overlapping_booking_even_past_the_service():
    _park, room = make_park_with_room()
    company = make_tenant(room)
    first = book(room, company, at(DAY, 9), at(DAY, 10))
    row = {"unit": room, "company": company, "title": "Bypass", "attendees": 1}

    with pytest.raises(IntegrityError), transaction.atomic():  # one minute of overlap
        Booking.objects.create(starts_at=at(DAY, 9, 59), ends_at=at(DAY, 11), **row)

    # Back to back, and over a cancelled booking's time, the constraint lets it through.
    Booking.objects.create(starts_at=at(DAY, 10), ends_at=at(DAY, 11), **row)
    Booking.objects.filter(pk=first.pk).update(status="cancelled")
    Booking.objects.create(starts_at=at(DAY, 9), ends_at=at(DAY, 10), **row)
    assert Booking.objects.filter(unit=room).count() == 3
