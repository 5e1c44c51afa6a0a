"""The refusals of design/bookings.md, each with its stable code."""

from django.utils import timezone

from core.errors import Conflict, DomainError


class BookingRefused(DomainError):
    """A booking's field breaks a rule (400 on the field): `code` names the rule
    (not_on_half_hour, ends_before_start, too_long, across_days, outside_opening_hours,
    in_past, beyond_horizon, max_value, not_bookable)."""

    def __init__(self, detail: str, *, field: str, code: str, **extra):
        super().__init__(detail, field=field, **extra)
        self.code = code


class BookingUnavailable(Conflict):
    """The room is booked for some of those minutes. A manager sees who and what; a
    representative only the times (another company's meetings are not theirs to read)."""

    code = "unit_unavailable"

    def __init__(self, detail: str, *, bookings, full: bool, **extra):
        rows = []
        for booking in bookings:
            row = {
                "starts_at": timezone.localtime(booking.starts_at).isoformat(),
                "ends_at": timezone.localtime(booking.ends_at).isoformat(),
            }
            if full:
                row["company"] = str(booking.company_id)
                row["title"] = booking.title
            rows.append(row)
        super().__init__(detail, conflicts=rows, **extra)
        self.bookings = list(bookings)
