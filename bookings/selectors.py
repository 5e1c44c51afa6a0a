"""Reads of bookings: who sees which, the free slots of a room's day, and the month's hours
(allowance, used, overage) that the invoice run bills (billing reads this module; bookings
never import billing)."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User, is_manager
from bookings.models import Booking, BookingStatus, CalendarToken
from bookings.tokens import token_hash
from core.money import round_vnd
from park.models import Lease, Park, Unit
from tenants.models import Company, CompanyMember

# Cancelled bookings stay in the feeds (as STATUS:CANCELLED) this long after their start, so
# calendars that saw them remove them.
CANCELLED_IN_FEEDS = timedelta(days=30)
HALF_HOUR = timedelta(minutes=30)


def local_start(day: date) -> datetime:
    """The park's midnight starting `day` (TIME_ZONE; Vietnam has no DST)."""
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def month_start(month: date) -> date:
    return month.replace(day=1)


def next_month(month: date) -> date:
    month = month_start(month)
    return (
        month.replace(year=month.year + 1, month=1)
        if month.month == 12
        else month.replace(month=month.month + 1)
    )


# --- visibility -----------------------------------------------------------------------------


def bookings_visible_to(user: User) -> QuerySet[Booking]:
    """Managers see every booking; a representative their companies'; others none."""
    bookings = Booking.objects.select_related("unit__floor__building", "company", "booked_by")
    if not is_manager(user):
        mine = CompanyMember.objects.filter(user=user).values("company")
        bookings = bookings.filter(company__in=mine)
    return bookings.order_by("starts_at", "pk")


def companies_booking_for(user: User) -> QuerySet[Company]:
    """The companies `user` may book for: all for a manager, their own for a representative."""
    companies = Company.objects.order_by("legal_name", "pk")
    if not is_manager(user):
        companies = companies.filter(members__user=user)
    return companies


def may_read_company_hours(user: User, company: Company) -> bool:
    if is_manager(user):
        return True
    return CompanyMember.objects.filter(user=user, company=company).exists()


def may_read_room_feed(user: User) -> bool:
    """Managers, and representatives (another company's bookings show as Busy)."""
    return is_manager(user) or CompanyMember.objects.filter(user=user).exists()


def user_for_feed_token(token: str | None) -> User | None:
    """The active user whose calendar token this is; None for an unknown or revoked one."""
    if not token:
        return None
    found = (
        CalendarToken.objects.filter(token_hash=token_hash(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    return found.user if found else None


def bookings_overlapping(*, unit: Unit, starts_at: datetime, ends_at: datetime) -> list[Booking]:
    """Confirmed bookings of `unit` sharing a minute with [starts_at, ends_at): half-open, so
    one that ends when this starts (or starts when it ends) is not in the way."""
    return list(
        Booking.objects.filter(
            unit=unit,
            status=BookingStatus.CONFIRMED,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        ).order_by("starts_at", "pk")
    )


def feed_bookings(bookings: QuerySet[Booking], *, now: datetime) -> QuerySet[Booking]:
    """What a feed lists: confirmed bookings, and cancelled ones until 30 days after their
    start (so calendars that showed them drop them)."""
    shown = Q(status=BookingStatus.CONFIRMED) | Q(starts_at__gte=now - CANCELLED_IN_FEEDS)
    return (
        bookings.filter(shown)
        .select_related("unit__floor__building", "company")
        .order_by("starts_at", "pk")
    )


# --- slots ----------------------------------------------------------------------------------


def _ceil_half_hour(moment: datetime) -> datetime:
    moment = timezone.localtime(moment)
    floor = moment.replace(minute=moment.minute - moment.minute % 30, second=0, microsecond=0)
    return floor if floor == moment else floor + HALF_HOUR


def free_slots(*, unit: Unit, day: date, now: datetime | None = None) -> list[dict]:
    """The free `{starts_at, ends_at}` ranges of `unit` on the local `day`, inside the park's
    opening hours, merged; what may still be booked, so none before now (rounded up to the
    half hour) and none beyond the park's horizon."""
    now = now or timezone.now()
    park = Park.objects.get(pk=unit.park_id)
    if day > timezone.localdate(now) + timedelta(days=park.booking_horizon_days):
        return []
    opens = timezone.make_aware(datetime.combine(day, park.booking_opens))
    closes = timezone.make_aware(datetime.combine(day, park.booking_closes))
    cursor = max(opens, _ceil_half_hour(now))
    slots = []
    for booking in bookings_overlapping(unit=unit, starts_at=opens, ends_at=closes):
        if booking.starts_at > cursor:
            slots.append({"starts_at": cursor, "ends_at": min(booking.starts_at, closes)})
        cursor = max(cursor, booking.ends_at)
    if cursor < closes:
        slots.append({"starts_at": cursor, "ends_at": closes})
    return slots


# --- hours and overage ----------------------------------------------------------------------


def allowance_by_company(*, month: date, company_ids=None) -> dict:
    """Per company id: the hours included in `month`, the sum of `meeting_hours_monthly` over
    its leases covering any day of the month (cancelled leases excluded; not prorated)."""
    first = month_start(month)
    last = next_month(first) - timedelta(days=1)
    leases = Lease.objects.filter(cancelled_at__isnull=True, start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    if company_ids is not None:
        leases = leases.filter(company_id__in=company_ids)
    totals = leases.order_by().values("company_id").annotate(hours=Sum("meeting_hours_monthly"))
    return {row["company_id"]: Decimal(row["hours"] or 0) for row in totals}


def counted_bookings(*, month: date) -> QuerySet[Booking]:
    """The bookings whose hours count in `month` (by their local start): confirmed ones and
    late cancels, in order of `starts_at` (the earliest use the allowance first)."""
    first = month_start(month)
    return (
        Booking.objects.filter(
            starts_at__gte=local_start(first), starts_at__lt=local_start(next_month(first))
        )
        .filter(Q(status=BookingStatus.CONFIRMED) | Q(late_cancel=True))
        .select_related("unit")
        .order_by("starts_at", "pk")
    )


def price_vnd(hours: Decimal, rate_vnd: int) -> int:
    """Hours at an hourly rate, in whole dong, rounded half up (as invoice lines are)."""
    return round_vnd(hours * rate_vnd)


def _over_by_room(bookings: list[Booking], allowance: Decimal) -> dict[Unit, Decimal]:
    """The hours over `allowance` per room: bookings in order of `starts_at` use the
    allowance first; what is left of each is overage at its own room's rate."""
    left, over = allowance, {}
    by_id: dict = {}
    for booking in bookings:
        hours = booking.hours
        covered = min(left, hours)
        left -= covered
        if hours > covered:
            unit = by_id.setdefault(booking.unit_id, booking.unit)
            over[unit] = over.get(unit, Decimal(0)) + hours - covered
    return over


def _hours_by_company(*, month: date, company_ids=None) -> dict:
    bookings = counted_bookings(month=month)
    if company_ids is not None:
        bookings = bookings.filter(company_id__in=company_ids)
    grouped: dict = defaultdict(list)
    for booking in bookings:
        grouped[booking.company_id].append(booking)
    return grouped


def overage_by_room(*, park: Park, month: date) -> dict:
    """Per company id: `[(unit, hours, amount_vnd), ...]` for each room of `park` with
    overage in `month`, rooms by code. The allowance is the company's across all its
    leases and its hours across all rooms (company_hours' figures); the invoice run puts one
    `booking` line per room (quantity = hours, unit price = the room's hourly rate)."""
    grouped = _hours_by_company(month=month)
    allowances = allowance_by_company(month=month, company_ids=list(grouped))
    result = {}
    for company_id, bookings in grouped.items():
        over = _over_by_room(bookings, allowances.get(company_id, Decimal(0)))
        rows = [
            (unit, hours, price_vnd(hours, unit.hourly_rate_vnd))
            for unit, hours in sorted(over.items(), key=lambda item: (item[0].code, item[0].pk))
            if unit.park_id == park.pk
        ]
        if rows:
            result[company_id] = rows
    return result


def _figures(bookings: list[Booking], allowance: Decimal) -> dict:
    used = sum((booking.hours for booking in bookings), Decimal(0))
    over = _over_by_room(bookings, allowance)
    two = Decimal("0.01")
    return {
        "allowance": allowance.quantize(two),
        "used": used.quantize(two),
        "overage": max(Decimal(0), used - allowance).quantize(two),
        "overage_vnd": sum(price_vnd(hours, unit.hourly_rate_vnd) for unit, hours in over.items()),
    }


def company_hours(*, company: Company, month: date) -> dict:
    """`{allowance, used, overage, overage_vnd}` of `company` in `month`: hours as Decimals
    with two places, money an int (over all its rooms, in every park)."""
    bookings = _hours_by_company(month=month, company_ids=[company.pk]).get(company.pk, [])
    allowances = allowance_by_company(month=month, company_ids=[company.pk])
    return _figures(bookings, allowances.get(company.pk, Decimal(0)))


def month_hours(*, month: date) -> list[dict]:
    """Every company with an allowance or counted hours in `month`, by name, with its
    company_hours figures (the admin's month page)."""
    grouped = _hours_by_company(month=month)
    allowances = allowance_by_company(month=month)
    ids = set(grouped) | {key for key, hours in allowances.items() if hours}
    companies = Company.objects.filter(pk__in=ids).order_by("legal_name", "pk")
    return [
        {
            "company": company,
            **_figures(grouped.get(company.pk, []), allowances.get(company.pk, Decimal(0))),
        }
        for company in companies
    ]
