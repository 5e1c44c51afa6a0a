"""Every write to bookings: book, change the title or attendees, cancel; and the calendar
feed tokens. One transaction each, history kept (design/bookings.md).

The allocation rule (no two confirmed bookings of a room share a minute) is kept here under a
lock on the room's unit row, the same lock `park.services.lease_create` and `unit_update`
take, so a parallel booking of the room queues and then sees the first one's booking. On
PostgreSQL an exclusion constraint over `tstzrange(starts_at, ends_at, '[)')` backs it.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, is_manager
from bookings.exceptions import BookingRefused, BookingUnavailable
from bookings.models import BOOKING_WRITABLE, Booking, BookingStatus, CalendarToken
from bookings.selectors import bookings_overlapping
from bookings.tokens import decrypt, encrypt, new_token, token_hash
from core.errors import InvalidTransition, NotPermitted
from core.models import save_changed
from core.services import model_update, writable_data
from park.exceptions import UnitInactive
from park.models import Lease, Park, Unit, UnitKind
from park.selectors import unit_for_update
from tenants.models import Company, CompanyStatus

MAX_LENGTH = timedelta(hours=10)


def _refuse_bad_times(*, park: Park, starts_at: datetime, ends_at: datetime, now: datetime):
    """The time rules of design/bookings.md, in the park's time zone, each a 400 on its
    field: on the half hour, after the start, on one local day, at most 10 hours, inside
    opening hours, not in the past, within the horizon."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    for field, moment in (("starts_at", start), ("ends_at", end)):
        if moment.minute % 30 or moment.second or moment.microsecond:
            raise BookingRefused(
                _("Bookings start and end on the hour or the half hour."),
                field=field,
                code="not_on_half_hour",
            )
    if end <= start:
        raise BookingRefused(
            _("A booking ends after it starts."), field="ends_at", code="ends_before_start"
        )
    if end.date() != start.date():
        raise BookingRefused(
            _("A booking starts and ends on the same day."), field="ends_at", code="across_days"
        )
    if end - start > MAX_LENGTH:
        raise BookingRefused(
            _("A booking lasts at most 10 hours."), field="ends_at", code="too_long"
        )
    hours = {"opens": f"{park.booking_opens:%H:%M}", "closes": f"{park.booking_closes:%H:%M}"}
    outside = _("Rooms may be booked from %(opens)s to %(closes)s.") % hours
    if not park.booking_opens <= start.time() < park.booking_closes:
        raise BookingRefused(outside, field="starts_at", code="outside_opening_hours")
    if end.time() > park.booking_closes:
        raise BookingRefused(outside, field="ends_at", code="outside_opening_hours")
    if starts_at < now:
        raise BookingRefused(_("That time has passed."), field="starts_at", code="in_past")
    last_day = timezone.localdate(now) + timedelta(days=park.booking_horizon_days)
    if start.date() > last_day:
        raise BookingRefused(
            _("Rooms may be booked at most %(days)d days ahead, until %(day)s.")
            % {"days": park.booking_horizon_days, "day": last_day.isoformat()},
            field="starts_at",
            code="beyond_horizon",
        )


def _refuse_bad_attendees(unit: Unit, attendees: int) -> None:
    if attendees < 1:
        raise BookingRefused(
            _("A booking has at least one attendee."), field="attendees", code="min_value"
        )
    if attendees > unit.capacity:
        raise BookingRefused(
            _("%(code)s seats at most %(capacity)d.")
            % {"code": unit.code, "capacity": unit.capacity},
            field="attendees",
            code="max_value",
        )


def _refuse_unless_may_book(*, company: Company, unit: Unit, starts_at: datetime) -> None:
    """An active company with a lease in the room's park covering the booking's local day."""
    status = Company.objects.values_list("status", flat=True).get(pk=company.pk)
    if status != CompanyStatus.ACTIVE:
        raise InvalidTransition(
            _("Only an active company may book a room; %(company)s is %(status)s.")
            % {"company": company.legal_name, "status": CompanyStatus(status).label},
            allowed=[],
        )
    day = timezone.localdate(starts_at)
    leases = Lease.objects.filter(
        company_id=company.pk,
        unit__park_id=unit.park_id,
        cancelled_at__isnull=True,
        start_date__lte=day,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
    if not leases.exists():
        raise NotPermitted(
            _("%(company)s holds no lease in this park on %(day)s.")
            % {"company": company.legal_name, "day": day.isoformat()}
        )


def booking_create(
    *,
    unit: Unit,
    company: Company,
    starts_at: datetime,
    ends_at: datetime,
    title: str,
    attendees: int = 1,
    actor: User | None,
    now: datetime | None = None,
) -> Booking:
    """Book the meeting room `unit` for `company` over [starts_at, ends_at).

    Refuses (in this order) a room that is not bookable (400 on unit) or under maintenance
    (409 unit_inactive), times off the rules (400 on the field), too many attendees (400
    max_value), a company that is not active (409 invalid_transition) or holds no lease in the
    room's park that day (403), and an overlap (409 unit_unavailable, `conflicts`).
    """
    now = now or timezone.now()
    if not unit.bookable or unit.kind != UnitKind.MEETING_ROOM:
        raise BookingRefused(
            _("%(code)s is not a bookable meeting room.") % {"code": unit.code},
            field="unit",
            code="not_bookable",
        )
    park = Park.objects.get(pk=unit.park_id)
    _refuse_bad_times(park=park, starts_at=starts_at, ends_at=ends_at, now=now)
    _refuse_bad_attendees(unit, attendees)
    _refuse_unless_may_book(company=company, unit=unit, starts_at=starts_at)
    with transaction.atomic():
        # A parallel booking (or lease, or unit change) of this room waits here; the bookings
        # are read once the lock is ours.
        locked = unit_for_update(unit.pk)
        if not locked.is_active:
            raise UnitInactive(_("Room %(code)s is under maintenance.") % {"code": locked.code})
        if not locked.bookable:
            raise BookingRefused(
                _("%(code)s is not a bookable meeting room.") % {"code": locked.code},
                field="unit",
                code="not_bookable",
            )
        _refuse_bad_attendees(locked, attendees)
        taken = bookings_overlapping(unit=locked, starts_at=starts_at, ends_at=ends_at)
        if taken:
            first = taken[0]
            raise BookingUnavailable(
                _("Room %(code)s is booked from %(start)s to %(end)s.")
                % {
                    "code": locked.code,
                    "start": f"{timezone.localtime(first.starts_at):%Y-%m-%d %H:%M}",
                    "end": f"{timezone.localtime(first.ends_at):%H:%M}",
                },
                bookings=taken,
                full=is_manager(actor),
            )
        booking = Booking(
            unit=locked,
            company=company,
            booked_by=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            title=title,
            attendees=attendees,
        )
        booking.full_clean(
            exclude=["unit", "company", "booked_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        booking._history_user = actor
        booking.save(force_insert=True)
    return booking


def _locked_booking(booking: Booking) -> Booking:
    unit_for_update(booking.unit_id)  # the room first: the same order as booking_create
    return (
        Booking.objects.select_related("unit", "company")
        .select_for_update(of=("self",))
        .get(pk=booking.pk)
    )


def booking_update(*, booking: Booking, data: Mapping[str, Any], actor: User | None) -> Booking:
    """Change the title or the attendees (at most the room's capacity); the times change by
    cancelling and booking again."""
    data = writable_data(BOOKING_WRITABLE, data)
    with transaction.atomic():
        booking = _locked_booking(booking)
        if "attendees" in data:
            _refuse_bad_attendees(booking.unit, data["attendees"])
        model_update(instance=booking, fields=BOOKING_WRITABLE, data=data, actor=actor)
    return booking


def booking_cancel(*, booking: Booking, actor: User | None, now: datetime | None = None):
    """Cancel a booking until it starts. Within the park's `booking_free_cancel_hours` of
    its start it is a late cancel: its hours still count. A started, past or cancelled
    booking: 409 invalid_transition."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        if booking.status != BookingStatus.CONFIRMED:
            raise InvalidTransition(_("The booking is already cancelled."), allowed=[])
        if booking.starts_at <= now:
            raise InvalidTransition(
                _("A booking that has started cannot be cancelled."), allowed=[]
            )
        free_hours = Park.objects.values_list("booking_free_cancel_hours", flat=True).get(
            pk=booking.unit.park_id
        )
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.late_cancel = booking.starts_at - now < timedelta(hours=free_hours)
        save_changed(booking, fields=["status", "cancelled_at", "late_cancel"], actor=actor)
    return booking


# --- calendar feed tokens -------------------------------------------------------------------


def calendar_token_get(*, user: User) -> str:
    """The user's feed token: made on the first call, the same afterwards (design/bookings.md).
    One encrypted under a former SECRET_KEY cannot be shown again: it is replaced."""
    existing = CalendarToken.objects.filter(user=user).first()
    if existing is not None:
        token = decrypt(existing.token_encrypted)
        if token is not None:
            return token
    token = new_token()
    try:
        with transaction.atomic():
            CalendarToken.objects.update_or_create(
                user=user,
                defaults={"token_hash": token_hash(token), "token_encrypted": encrypt(token)},
            )
    except IntegrityError:  # a parallel first call made one: that one is the user's
        return calendar_token_get(user=user)
    return token


def calendar_token_revoke(*, user: User) -> None:
    """Revoke the user's feed token: every feed link with it then answers 404."""
    CalendarToken.objects.filter(user=user).delete()
