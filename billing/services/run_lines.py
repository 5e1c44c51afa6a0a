"""The invoice run's lines: what one lease, one usage row or a month's meeting-room overage
bills, as unsaved `InvoiceLine`s (or `line_build` arguments), and the figures behind them.

Pure: no query, no write. `billing.services.run_sources` reads the rows (`LEASE_COLUMNS`,
`USAGE_COLUMNS`, bookings' overage) and calls these, under `billing.services.runs`'
`INVOICE_LANGUAGE` so the descriptions are in the invoice's language; `runs` then compares and
writes the result. The figures (billing.md, "Invoice run"): rent prorated by day
(`prorated_vnd`), the management fee on the billed area (`billed_area_m2`,
`management_fee_monthly_vnd`) prorated the same way.
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from billing.models import BillingSettings, InvoiceLine, LineKind, VatRate
from billing.money import covered_days, month_days, round_vnd
from billing.services.lines import line_build
from park.models import EXCLUSIVE_KINDS

MONTH_UNIT = "tháng"


def _vnd(amount: int) -> str:
    """15.000.000: Vietnamese groups thousands with dots."""
    return f"{amount:,}".replace(",", ".")


def _m2(area: Decimal) -> str:
    """12,5: at most two decimals, Vietnamese decimal comma."""
    text = f"{area.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _period(first: date, last: date) -> dict[str, str]:
    return {"first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"}


def prorated_vnd(monthly_vnd: int, *, days: int, month_length: int) -> int:
    """A monthly figure for `days` of a month of `month_length` days, rounded half up."""
    return round_vnd(Decimal(monthly_vnd) * days / month_length)


class LeaseRow(NamedTuple):
    """What the run reads of a lease, its unit and its company (one query, no models)."""

    id: uuid.UUID
    company_id: uuid.UUID
    company_name: str
    desks: int
    start_date: date
    end_date: date | None
    monthly_rent_vnd: int
    unit_code: str
    unit_kind: str
    unit_area_m2: Decimal
    unit_capacity: int


LEASE_COLUMNS = (
    "id",
    "company_id",
    "company__legal_name",
    "desks",
    "start_date",
    "end_date",
    "monthly_rent_vnd",
    "unit__code",
    "unit__kind",
    "unit__area_m2",
    "unit__capacity",
)


def billed_area_m2(*, area_m2: Decimal, kind: str, capacity: int, desks: int) -> Decimal:
    """The area a lease pays the management fee on: its unit's, or for a coworking lease its
    desks' share of the pool's (area * desks / capacity)."""
    area = Decimal(area_m2)
    if kind in EXCLUSIVE_KINDS:
        return area
    return area * desks / capacity


def management_fee_monthly_vnd(*, fee_vnd_per_m2: int, area_m2: Decimal) -> int:
    """The fee per m2 times the billed area, rounded to the dong before prorating, so the
    description can name the whole month's figure, as it does for the rent."""
    return round_vnd(fee_vnd_per_m2 * area_m2)


def lease_lines(lease: LeaseRow, *, month: date, settings: BillingSettings, position: int):
    """The rent line of `lease` and, when the park charges one, its management fee line."""
    first, last, days = covered_days(month=month, start=lease.start_date, end=lease.end_date)
    length = month_days(month)
    period = _period(first, last)
    if lease.unit_kind in EXCLUSIVE_KINDS:
        what = _("Rent of %(unit)s") % {"unit": lease.unit_code}
    else:
        what = _("Rent of %(desks)s desk(s) in %(unit)s") % {
            "desks": lease.desks,
            "unit": lease.unit_code,
        }
    rent_line = line_build(
        invoice=None,
        position=position,
        kind=LineKind.RENT,
        description=_("%(what)s, %(first)s - %(last)s (monthly rent %(rent)s VND)")
        % {**period, "what": what, "rent": _vnd(lease.monthly_rent_vnd)},
        quantity=Decimal(1),
        unit_of_measure=MONTH_UNIT,
        unit_price_vnd=prorated_vnd(lease.monthly_rent_vnd, days=days, month_length=length),
        vat_rate=settings.rent_vat_rate,
    )
    rent_line.lease_id = lease.id
    lines = [rent_line]
    fee_per_m2 = settings.management_fee_vnd_per_m2
    if fee_per_m2 > 0:
        area = billed_area_m2(
            area_m2=lease.unit_area_m2,
            kind=lease.unit_kind,
            capacity=lease.unit_capacity,
            desks=lease.desks,
        )
        monthly = management_fee_monthly_vnd(fee_vnd_per_m2=fee_per_m2, area_m2=area)
        description = _(
            "Management fee of %(unit)s, %(first)s - %(last)s "
            "(%(area)s m² at %(fee)s VND/m² a month: %(monthly)s VND)"
        ) % {
            **period,
            "unit": lease.unit_code,
            "area": _m2(area),
            "fee": _vnd(fee_per_m2),
            "monthly": _vnd(monthly),
        }
        fee_line = line_build(
            invoice=None,
            position=position + 1,
            kind=LineKind.MANAGEMENT_FEE,
            description=description,
            quantity=Decimal(1),
            unit_of_measure=MONTH_UNIT,
            unit_price_vnd=prorated_vnd(monthly, days=days, month_length=length),
            vat_rate=settings.management_fee_vat_rate,
        )
        fee_line.lease_id = lease.id
        lines.append(fee_line)
    return lines


class UsageRow(NamedTuple):
    id: uuid.UUID
    company_id: uuid.UUID
    company_name: str
    quantity: Decimal
    note: str
    charge_id: uuid.UUID
    charge_name: str
    unit_of_measure: str
    unit_price_vnd: int
    vat_rate: str


USAGE_COLUMNS = (
    "id",
    "company_id",
    "company__legal_name",
    "quantity",
    "note",
    "charge_id",
    "charge__name",
    "charge__unit_of_measure",
    "charge__unit_price_vnd",
    "charge__vat_rate",
)


def usage_line(usage: UsageRow, *, month: date, position: int) -> InvoiceLine:
    description = _("%(charge)s, %(month)s") % {
        "charge": usage.charge_name,
        "month": f"{month:%m/%Y}",
    }
    if usage.note:
        description = f"{description}: {usage.note}"
    line = line_build(
        invoice=None,
        position=position,
        kind=LineKind.USAGE,
        description=description,
        quantity=usage.quantity,
        unit_of_measure=usage.unit_of_measure,
        unit_price_vnd=usage.unit_price_vnd,
        vat_rate=usage.vat_rate,
    )
    line.charge_id, line.usage_id = usage.charge_id, usage.id
    return line


def booking_overage_lines(overage: dict, *, month: date) -> dict[uuid.UUID, list[dict]]:
    """Meeting-room overage per company: one `booking` line per room with hours booked beyond
    the company's included hours (bookings.md: the earliest hours use the allowance first),
    priced at the room's hourly rate, VAT 10 %. `overage` is bookings.selectors'
    `overage_by_room` of the park's month; the answer is the `line_build` arguments of each
    line."""
    lines: dict[uuid.UUID, list[dict]] = {}
    for company_id, rooms in overage.items():
        lines[company_id] = [
            {
                "kind": LineKind.BOOKING,
                "description": _("Meeting room %(room)s, %(month)s: hours beyond those included")
                % {"room": unit.code, "month": f"{month:%m/%Y}"},
                "quantity": hours,
                "unit_of_measure": _("hour"),
                "unit_price_vnd": unit.hourly_rate_vnd,
                "vat_rate": VatRate.TEN,
            }
            for unit, hours, _amount_vnd in rooms
        ]
    return lines
