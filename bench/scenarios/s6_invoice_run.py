"""S6: the invoice run (`billing.services.runs.invoice_run`) of a park's month, 5,000 leases
over 2,000 companies, against a hand-written SQL script that inserts the same invoices and
lines.

The park charges a management fee per m2 and meters electricity for every company, so a month
is 2,000 drafts of 12,000 lines: a rent and a fee line per lease (4,000 offices, 1,000 leases
of desks in 200 coworking pools) and a usage line per company. Every call bills a month of
its own (ours and the baseline's alike), so each one creates its 2,000 drafts from scratch and
the timing holds nothing but the run. The baseline reads the leases, the usage and the
month's existing invoices with three SELECTs, does the same arithmetic in Python (integer half
up) and inserts with `executemany`; it keeps no history and checks nothing else. `check()`
bills the month where leases start on different days (prorated) both ways and compares every
figure of every invoice and line.
"""

import itertools
import uuid
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

NAME = "S6 invoice run, 5,000 leases, 2,000 companies"
TARGET = 3.0  # design/billing.md
REPEAT = 5

COMPANIES, OFFICES, POOLS, DESK_LEASES_PER_POOL = 2_000, 4_000, 200, 5
FEE_PER_M2, FEE_RATE, RENT_RATE = 22_000, "8", "10"
ELECTRICITY_PRICE = 3_500
CHECK_MONTH = date(2040, 1, 1)  # leases start on the 1st to the 28th: prorated
MONTHS = 30  # months with usage: the check's, then one per timed call
_next_month = itertools.count(1)
_state: dict = {}


def _month(number: int) -> date:
    return date(2040 + number // 12, number % 12 + 1, 1)


def setup() -> None:
    from billing.models import BillingSettings, Charge, Usage
    from park.models import Building, Floor, Lease, Park, Unit
    from tenants.models import Company

    park = Park.objects.create(name="Bench S6 park", slug="bench-s6")
    BillingSettings.objects.create(
        park=park,
        legal_name="Công ty Bench S6",
        tax_code="0312345675",
        address="Mỹ Tho",
        rent_vat_rate=RENT_RATE,
        management_fee_vnd_per_m2=FEE_PER_M2,
        management_fee_vat_rate=FEE_RATE,
    )
    building = Building.objects.create(park=park, code="S6", name="Tòa S6")
    floors = Floor.objects.bulk_create(Floor(building=building, level=n) for n in range(1, 21))
    offices = Unit.objects.bulk_create(
        (
            Unit(
                floor=floors[n % 20],
                park=park,
                code=f"S6-{n:04d}",
                kind="office",
                area_m2=Decimal(20 + n % 80) + Decimal("0.5") * (n % 2),
                capacity=4,
                monthly_rate_vnd=10_000_000,
            )
            for n in range(OFFICES)
        ),
        batch_size=1_000,
    )
    pools = Unit.objects.bulk_create(
        Unit(
            floor=floors[n % 20],
            park=park,
            code=f"S6-CW-{n:03d}",
            kind="coworking",
            area_m2=Decimal(120),
            capacity=20,
            monthly_rate_vnd=1_500_000,
        )
        for n in range(POOLS)
    )
    companies = Company.objects.bulk_create(
        (
            Company(legal_name=f"Bench S6 {n:04d}", search_text=f"bench s6 {n}")
            for n in range(COMPANIES)
        ),
        batch_size=1_000,
    )
    leases = []
    for n, office in enumerate(offices):
        leases.append(
            Lease(
                unit=office,
                company=companies[n % COMPANIES],
                desks=office.capacity,
                is_exclusive=True,
                start_date=date(2040, 1, 1 + n % 28),
                monthly_rent_vnd=8_000_000 + 1_001 * (n % 997),
            )
        )
    for n in range(POOLS * DESK_LEASES_PER_POOL):
        desks = 1 + n % 4  # at most 5 * 4 = 20 desks of a pool of 20
        leases.append(
            Lease(
                unit=pools[n % POOLS],
                company=companies[(OFFICES + n) % COMPANIES],
                desks=desks,
                is_exclusive=False,
                start_date=date(2040, 1, 1 + n % 28),
                monthly_rent_vnd=1_500_000 * desks,
            )
        )
    Lease.objects.bulk_create(leases, batch_size=1_000)
    electricity = Charge.objects.create(
        park=park,
        code="dien",
        name="Điện năng",
        unit_of_measure="kWh",
        unit_price_vnd=ELECTRICITY_PRICE,
        vat_rate="10",
    )
    Usage.objects.bulk_create(
        (
            Usage(
                company=company,
                charge=electricity,
                month=_month(month),
                quantity=Decimal(100 + n % 900) + Decimal("0.125"),
            )
            for month in range(MONTHS)
            for n, company in enumerate(companies)
        ),
        batch_size=2_000,
    )
    _state.update(park=park)


def _take_month() -> date:
    number = next(_next_month)
    assert number < MONTHS, "more timed calls than months with usage"
    return _month(number)


def ours(month: date | None = None) -> int:
    from billing.services.runs import invoice_run

    summary = invoice_run(park=_state["park"], month=month or _take_month())
    assert summary.created == COMPANIES, summary.as_dict()
    return summary.created


# --- the baseline: a hand-written script --------------------------------------------------

_LEASES = """
SELECT l.id, l.company_id, l.desks, l.start_date, l.end_date, l.monthly_rent_vnd,
       u.code, u.kind, u.area_m2, u.capacity
FROM park_lease l JOIN park_unit u ON u.id = l.unit_id
WHERE u.park_id = %s AND l.cancelled_at IS NULL AND l.start_date <= %s
  AND (l.end_date IS NULL OR l.end_date >= %s)
ORDER BY u.code, l.start_date, l.id
"""
_USAGE = """
SELECT s.id, s.company_id, s.quantity, c.id, c.name, c.unit_of_measure, c.unit_price_vnd,
       c.vat_rate
FROM billing_usage s JOIN billing_charge c ON c.id = s.charge_id
WHERE c.park_id = %s AND s.month = %s
ORDER BY c.code, s.id
"""
_BILLED = """
SELECT company_id FROM billing_invoice
WHERE park_id = %s AND month = %s AND kind IN ('normal', 'replacement')
"""
_INSERT_INVOICE = """
INSERT INTO billing_invoice (id, created_at, updated_at, version, park_id, company_id, month,
  kind, status, buyer_legal_name, buyer_tax_code, buyer_address, subtotal_vnd, vat_vnd,
  total_vnd, paid_vnd, note, void_reason)
VALUES (%s, %s, %s, 1, %s, %s, %s, 'normal', 'draft', '', '', '', %s, %s, %s, 0, '', '')
"""
_INSERT_LINE = """
INSERT INTO billing_invoiceline (id, invoice_id, position, kind, description, lease_id,
  charge_id, usage_id, quantity, unit_of_measure, unit_price_vnd, amount_vnd, vat_rate, vat_vnd)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, both positive: integers only."""
    return (2 * numerator + denominator) // (2 * denominator)


def _vat(amount: int, rate: str) -> int:
    return 0 if rate == "KCT" else _half_up(amount * int(rate), 100)


def baseline(month: date | None = None) -> int:
    month = month or _take_month()
    next_month = _month((month.year - 2040) * 12 + month.month)
    last = date.fromordinal(next_month.toordinal() - 1)
    days_in_month = last.day
    vendor_sqlite = connection.vendor == "sqlite"
    as_id = (lambda value: value.hex) if vendor_sqlite else (lambda value: value)
    park_id = as_id(_state["park"].pk)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    lines_of: dict = defaultdict(list)
    with transaction.atomic(), connection.cursor() as cursor:  # one commit, as ours
        cursor.execute(_LEASES, [park_id, last, month])
        leases = cursor.fetchall()
        cursor.execute(_USAGE, [park_id, month])
        usage = cursor.fetchall()
        cursor.execute(_BILLED, [park_id, month])
        billed = {row[0] for row in cursor.fetchall()}
        for lease_id, company_id, desks, start, end, rent, code, kind, area, capacity in leases:
            first_day = max(start, month)
            last_day = min(end, last) if end else last
            days = (last_day - first_day).days + 1
            period = f"{first_day:%d/%m/%Y} - {last_day:%d/%m/%Y}"
            prorated_rent = _half_up(rent * days, days_in_month)
            lines = lines_of[company_id]
            lines.append(
                (
                    "rent",
                    f"Thuê {code}, {period} (giá thuê tháng {rent:,} VND)",
                    lease_id,
                    None,
                    None,
                    Decimal(1),
                    "tháng",
                    prorated_rent,
                    RENT_RATE,
                )
            )
            area = Decimal(str(area))  # SQLite answers a float
            if kind != "coworking":
                monthly_fee = FEE_PER_M2 * area
            else:
                monthly_fee = FEE_PER_M2 * area * desks / capacity
            monthly_fee = int(monthly_fee.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            lines.append(
                (
                    "management_fee",
                    f"Phí quản lý {code}, {period} ({monthly_fee:,} VND một tháng)",
                    lease_id,
                    None,
                    None,
                    Decimal(1),
                    "tháng",
                    _half_up(monthly_fee * days, days_in_month),
                    FEE_RATE,
                )
            )
        for usage_id, company_id, quantity, charge_id, name, unit, price, rate in usage:
            lines_of[company_id].append(
                (
                    "usage",
                    f"{name}, {month:%m/%Y}",
                    None,
                    charge_id,
                    usage_id,
                    quantity,
                    unit,
                    price,
                    rate,
                )
            )
        invoice_rows, line_rows = [], []
        for company_id, lines in lines_of.items():
            if company_id in billed:
                continue
            invoice_id = as_id(uuid.uuid4())
            subtotal = vat_total = 0
            for position, (
                kind,
                text,
                lease,
                charge,
                usage_id,
                quantity,
                unit,
                price,
                rate,
            ) in enumerate(lines, start=1):
                quantity = Decimal(str(quantity))
                amount = int((quantity * price).quantize(Decimal(1), rounding=ROUND_HALF_UP))
                vat = _vat(amount, rate)
                subtotal += amount
                vat_total += vat
                line_rows.append(
                    (
                        as_id(uuid.uuid4()),
                        invoice_id,
                        position,
                        kind,
                        text,
                        lease,
                        charge,
                        usage_id,
                        quantity,
                        unit,
                        price,
                        amount,
                        rate,
                        vat,
                    )
                )
            invoice_rows.append(
                (
                    invoice_id,
                    now,
                    now,
                    park_id,
                    company_id,
                    month,
                    subtotal,
                    vat_total,
                    subtotal + vat_total,
                )
            )
        cursor.executemany(_INSERT_INVOICE, invoice_rows)
        cursor.executemany(_INSERT_LINE, line_rows)
    assert len(invoice_rows) == COMPANIES, len(invoice_rows)
    return len(invoice_rows)


def _figures(month: date) -> dict:
    """Every figure of the month's invoices and lines, by company (descriptions aside: ours
    are translated)."""
    from billing.models import Invoice, InvoiceLine

    park = _state["park"]
    figures = {
        company_id: [totals, []]
        for company_id, *totals in Invoice.objects.filter(park=park, month=month).values_list(
            "company_id", "subtotal_vnd", "vat_vnd", "total_vnd"
        )
    }
    for company_id, *line in (
        InvoiceLine.objects.filter(invoice__park=park, invoice__month=month)
        .order_by("invoice__company_id", "position")
        .values_list(
            "invoice__company_id",
            "position",
            "kind",
            "lease_id",
            "charge_id",
            "usage_id",
            "quantity",
            "unit_of_measure",
            "unit_price_vnd",
            "amount_vnd",
            "vat_rate",
            "vat_vnd",
        )
    ):
        figures[company_id][1].append(tuple(line))
    return figures


def _delete_month(month: date) -> None:
    from billing.models import Invoice, InvoiceLine

    park = _state["park"]
    InvoiceLine.objects.filter(invoice__park=park, invoice__month=month).delete()
    Invoice.history.filter(park=park, month=month).delete()
    Invoice.objects.filter(park=park, month=month).delete()


def check() -> None:
    ours(CHECK_MONTH)
    mine = _figures(CHECK_MONTH)
    _delete_month(CHECK_MONTH)
    baseline(CHECK_MONTH)
    theirs = _figures(CHECK_MONTH)
    assert len(mine) == COMPANIES
    assert (
        sum(len(lines) for _totals, lines in mine.values()) == 2 * (OFFICES + POOLS * 5) + COMPANIES
    )
    assert mine == theirs, "the run and the baseline bill different figures"
    # The check month is prorated: some leases start after the 1st.
    assert any(
        line[1] == "rent" and line[8] < 8_000_000 for _t, lines in mine.values() for line in lines
    )
