"""The iCalendar (RFC 5545) feeds of design/bookings.md, built with the `icalendar` library:
one VEVENT per booking (UID `<id>@softpark`, DTSTART/DTEND in UTC, SUMMARY the title,
LOCATION the room and its building), cancelled ones as STATUS:CANCELLED.

What a feed holds depends on the token's user: a manager reads every booking's title and
company; a representative reads their own company's and sees other companies' as "Busy".
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.models import User, is_manager
from bookings.models import Booking, BookingStatus
from bookings.selectors import feed_bookings
from park.models import Unit
from tenants.models import Company, CompanyMember

PRODID = "-//softpark//Meeting-room bookings//EN"
BUSY = "Busy"  # what calendars show for another company's booking: not translated, a status


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(booking: Booking, *, readable: bool, now: datetime) -> Event:
    unit = booking.unit
    event = Event()
    event.add("uid", f"{booking.pk}@softpark")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    event.add("summary", booking.title if readable else BUSY)
    event.add("location", f"{unit.code}, {unit.floor.building}")
    if readable:
        event.add("description", booking.company.legal_name)
    event.add("sequence", booking.version)
    cancelled = booking.status == BookingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _ics(name: str, bookings: Iterable[Booking], *, readable, now: datetime) -> bytes:
    calendar = _calendar(name)
    for booking in bookings:
        calendar.add_component(_event(booking, readable=readable(booking), now=now))
    return calendar.to_ical()


def room_feed(*, unit: Unit, user: User, now: datetime | None = None) -> bytes:
    """The room's bookings; for a representative, other companies' read "Busy"."""
    now = now or timezone.now()
    bookings = feed_bookings(Booking.objects.filter(unit=unit), now=now)
    if is_manager(user):
        mine = None
    else:
        mine = set(CompanyMember.objects.filter(user=user).values_list("company_id", flat=True))
    name = _("Room %(code)s") % {"code": unit.code}
    return _ics(name, bookings, readable=lambda b: mine is None or b.company_id in mine, now=now)


def company_feed(*, company: Company, now: datetime | None = None) -> bytes:
    """The company's bookings in every room (for its representatives and managers)."""
    now = now or timezone.now()
    bookings = feed_bookings(Booking.objects.filter(company=company), now=now)
    name = _("Bookings of %(company)s") % {"company": company.short_name or company.legal_name}
    return _ics(name, bookings, readable=lambda b: True, now=now)
