"""Money in dong, shared by every app that prices something (billing's lines, bookings'
overage): whole dong, rounded half up as Vietnamese invoices are."""

from decimal import ROUND_HALF_UP, Decimal


def round_vnd(value: Decimal | int) -> int:
    """`value` rounded half up (away from zero) to a whole dong."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
