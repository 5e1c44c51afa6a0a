"""What the billing serializers share: the month field, the stamps every representation
ends with, and the bounds on money and quantities."""

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.money import INVALID_MONTH, parse_month

STAMPS = ("version", "created_at", "updated_at")
# Bounds that keep every product and sum within the 64-bit money columns: a line's quantity
# times its price stays under 10**18, so an invoice of a few lines cannot overflow.
PRICE_MAX_VND = 10**12
LINE_QUANTITY_MAX = 10**6
CHARGE_PRICE_MAX_VND = 10**11
USAGE_QUANTITY_MAX = 10**7
PAYMENT_MAX_VND = 10**15
ISSUE_MANY_MAX = 1000  # invoices in one bulk issue (a large park's month)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^[0-9]{4}-[0-9]{2}(-01)?$",
        "example": "2027-01",
        "description": "A month: 2027-01 or 2027-01-01 in requests, 2027-01-01 in answers.",
    }
)
class MonthField(serializers.Field):
    """`2027-01` or `2027-01-01` in, the month's first day out (`2027-01-01`)."""

    default_error_messages = {"invalid": INVALID_MONTH}

    def to_internal_value(self, data):
        month = parse_month(data) if isinstance(data, str) else None
        if month is None:
            self.fail("invalid")
        return month

    def to_representation(self, value: date) -> str:
        return value.isoformat()
