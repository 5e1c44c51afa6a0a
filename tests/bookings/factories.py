"""Factories of the booking tests: a park with a bookable room, tenants holding a lease there
(so they may book), and bookings made through the service at a fixed `now`."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bookings.services import booking_create
from tenants.services import company_set_status
from tests.factories import make_company, make_floor, make_lease, make_park, make_unit

# The service tests' clock: Friday 1 January 2027, 09:00 in the park (UTC+7).
NOW = timezone.make_aware(datetime.combine(date(2027, 1, 1), time(9, 0)))
DAY = date(2027, 1, 11)  # a Monday ten days later


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware local (Asia/Ho_Chi_Minh) instant."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_room(floor=None, **overrides):
    fields = {
        "kind": "meeting_room",
        "bookable": True,
        "capacity": 10,
        "hourly_rate_vnd": 200_000,
        "monthly_rate_vnd": 0,
    }
    fields.update(overrides)
    return make_unit(floor=floor or make_floor(), **fields)


def make_tenant(
    room,
    *,
    hours: Decimal | str | int = 0,
    start_date: date = date(2026, 1, 1),
    end_date: date | None = date(2027, 12, 31),
    **company_fields,
):
    """An active company holding an office lease in `room`'s park (so it may book there)."""
    company = make_company(**company_fields)
    office = make_unit(floor=room.floor)
    make_lease(
        unit=office,
        company=company,
        start_date=start_date,
        end_date=end_date,
        meeting_hours_monthly=Decimal(hours),
    )
    company.refresh_from_db()
    if company.status != "active":
        company = company_set_status(company=company, to="active", actor=None)
    return company


def book(room, company, start: datetime, end: datetime, *, now=NOW, **fields):
    options = {"title": "Họp giao ban", "attendees": 4, "actor": None}
    options.update(fields)
    return booking_create(
        unit=room, company=company, starts_at=start, ends_at=end, now=now, **options
    )


def make_park_with_room(**room_fields):
    park = make_park()
    return park, make_room(floor=make_floor(park=park), **room_fields)


def soon(days: int = 7) -> date:
    """A day within the default horizon, for tests that run on the real clock."""
    return timezone.localdate() + timedelta(days=days)
