"""The invoice run's sources: who is billed in a park's month, and their generated lines.

Every company with a lease of the park's units covering a day of the month, usage of the
park's charges in it, or meeting-room overage (bookings' `overage_by_room`), read in a constant
number of queries whatever the number of leases; what each row bills is
`billing.services.run_lines`. `billing.services.runs` calls this under its `INVOICE_LANGUAGE`,
then compares the lines with the drafts already there and writes them.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from billing.models import BillingSettings, InvoiceLine, Usage
from billing.money import month_last_day
from billing.services.lines import line_build
from billing.services.run_lines import (
    LEASE_COLUMNS,
    USAGE_COLUMNS,
    LeaseRow,
    UsageRow,
    booking_overage_lines,
    lease_lines,
    usage_line,
)
from bookings.selectors import overage_by_room
from park.models import Lease
from tenants.models import Company


@dataclass
class BilledCompany:
    """A company's generated lines for the month (unsaved, positions from 1)."""

    company_id: uuid.UUID
    company_name: str
    lines: list[InvoiceLine] = field(default_factory=list)


def billed_companies(
    *, park, month: date, settings: BillingSettings
) -> dict[uuid.UUID, BilledCompany]:
    """Every company with a lease of the park's units covering a day of `month` (cancelled
    leases are not billed), usage of the park's charges in it, or meeting-room overage: its
    generated lines in invoice order (leases by unit, usage by charge, then overage). Two
    queries, whatever the number of leases."""
    leases = (
        Lease.objects.filter(
            unit__park=park, cancelled_at__isnull=True, start_date__lte=month_last_day(month)
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
        .order_by("unit__code", "start_date", "id")
        .values_list(*LEASE_COLUMNS)
    )
    usage_rows = (
        Usage.objects.filter(charge__park=park, month=month)
        .order_by("charge__code", "id")
        .values_list(*USAGE_COLUMNS)
    )
    billed: dict[uuid.UUID, BilledCompany] = {}

    def lines_of(row) -> list[InvoiceLine]:
        if row.company_id not in billed:
            billed[row.company_id] = BilledCompany(row.company_id, row.company_name)
        return billed[row.company_id].lines

    for lease in map(LeaseRow._make, leases):
        lines = lines_of(lease)
        lines.extend(lease_lines(lease, month=month, settings=settings, position=len(lines) + 1))
    for usage in map(UsageRow._make, usage_rows):
        lines = lines_of(usage)
        lines.append(usage_line(usage, month=month, position=len(lines) + 1))
    overage = booking_overage_lines(overage_by_room(park=park, month=month), month=month)
    if overage:
        names = dict(Company.objects.filter(pk__in=overage).values_list("pk", "legal_name"))
        for company_id, arguments in overage.items():
            if company_id not in billed:
                billed[company_id] = BilledCompany(company_id, names[company_id])
            lines = billed[company_id].lines
            for kwargs in arguments:
                lines.append(line_build(invoice=None, position=len(lines) + 1, **kwargs))
    return billed
