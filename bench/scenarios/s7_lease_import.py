"""S7: a spreadsheet of 20,000 leases imported (`imports`: a dry run, then a commit) against
`bulk_create` of the same 20,000 leases.

The park of the setup (untimed): 1,800 offices and 200 coworking pools of 20 desks, 1,000
companies with valid tax codes. The file is a CSV as a Vietnamese park writes it: Vietnamese
headers, `dd/mm/yyyy` dates, money as `8.000.000`, a contract number on every row. Each office
holds 10 leases of a quarter one after the other (18,000 rows), each pool 10 leases of 4 desks
(5 at a time: 2,000 rows); the rows are shuffled, so no unit's leases follow each other. The
leases start in 2040, so no company becomes active (every run does the same work).

Ours, each side timed from the file's bytes to the report: `imports.reading.read_table` and
`imports.resources.base.run_import` of the `leases` resource, which parses every cell, refuses
duplicate contract numbers, looks up the park, units, companies and existing leases, and
checks every lease rule (dates, desks, overlaps with the database and with earlier rows, pool
capacity, contract numbers) before inserting the leases and their history rows through
`park.services.leases_create_many`. The dry run does all of that and rolls back; the commit
keeps it.

The baseline (the same for both rows): in one transaction, `Lease` objects built from the
same rows already turned into Python values (the unit and company instances, dates, desks,
rents), inserted with `simple_history.utils.bulk_create_with_history` in batches of 1,000,
as the import inserts them: the same leases and the same history rows, with no parsing and
no rule checked.

Every commit, ours and the baseline's alike, starts from a park without leases: the leases
and history rows it wrote are deleted afterwards, outside the timing. `check()` commits the
file and the baseline in turn and compares every field of the leases they wrote.
"""

import random
from datetime import date, timedelta

from django.db import connection, transaction

from bench.timing import Row

NAME = "S7 import 20,000 leases"
TARGET = 8.0  # the price of running every rule, on every row
REPEAT = 3

OFFICES, POOLS, POOL_DESKS, DESKS_EACH = 1_800, 200, 20, 4
PERIODS = 10  # leases per unit, one after the other
COMPANIES = 1_000
ROWS = (OFFICES + POOLS) * PERIODS  # 20,000
FIRST = date(2040, 1, 1)
HEADERS = [
    "Khu",
    "Mã phòng",
    "Mã số thuế",
    "Ngày bắt đầu",
    "Ngày kết thúc",
    "Số chỗ",
    "Giá thuê/tháng",
    "Tiền đặt cọc",
    "Số hợp đồng",
]
_state: dict = {}


def _tax_codes(count: int) -> list[str]:
    from stdnum.vn import mst

    codes, serial = [], 0
    while len(codes) < count:
        serial += 1
        first_nine = f"12{serial:07d}"
        check = mst.calc_check_digit(first_nine)
        if len(check) == 1:
            codes.append(first_nine + check)
    return codes


def _quarter(period: int) -> tuple[date, date]:
    start = FIRST + timedelta(days=91 * period)
    return start, start + timedelta(days=90)


def _dots(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def setup() -> None:
    from park.models import Building, Floor, Park, Unit
    from tenants.models import Company

    park = Park.objects.create(name="Bench S7 park", slug="bench-s7")
    building = Building.objects.create(park=park, code="S7", name="Tòa S7")
    floors = Floor.objects.bulk_create(Floor(building=building, level=n) for n in range(1, 21))
    units = Unit.objects.bulk_create(
        [
            Unit(
                floor=floors[n % 20],
                park=park,
                code=f"S7-{n:04d}",
                kind="office",
                area_m2=60,
                capacity=6,
                monthly_rate_vnd=12_000_000,
            )
            for n in range(OFFICES)
        ]
        + [
            Unit(
                floor=floors[n % 20],
                park=park,
                code=f"S7-CW-{n:03d}",
                kind="coworking",
                area_m2=120,
                capacity=POOL_DESKS,
                monthly_rate_vnd=1_500_000,
            )
            for n in range(POOLS)
        ],
        batch_size=1_000,
    )
    companies = Company.objects.bulk_create(
        (
            Company(legal_name=f"Công ty TNHH Bench S7 {n:04d}", tax_code=code)
            for n, code in enumerate(_tax_codes(COMPANIES))
        ),
        batch_size=1_000,
    )
    rng = random.Random(7)  # noqa: S311 - a fixed shuffle, not a secret
    specs = []  # (unit, company, start, end, desks, rent, deposit, contract number)
    for index, unit in enumerate(units):
        pool = unit.kind == "coworking"
        for period in range(PERIODS):
            company = companies[(index * PERIODS + period) % COMPANIES]
            if pool:  # 5 leases of 4 desks at a time: two half-years of 5 each
                start = FIRST + timedelta(days=182 * (period // 5))
                end = start + timedelta(days=181)
                desks, rent = DESKS_EACH, DESKS_EACH * unit.monthly_rate_vnd
            else:
                start, end = _quarter(period)
                desks, rent = unit.capacity, unit.monthly_rate_vnd - 1_000 * (index % 97)
            number = f"HĐ-S7-{len(specs) + 1:05d}"
            specs.append((unit, company, start, end, desks, rent, 2 * rent, number))
    rng.shuffle(specs)
    rows = [
        [
            "bench-s7",
            unit.code,
            company.tax_code,
            start.strftime("%d/%m/%Y"),
            end.strftime("%d/%m/%Y"),
            str(desks) if unit.kind == "coworking" else "",
            _dots(rent),
            f"{_dots(deposit)} đ",
            number,
        ]
        for unit, company, start, end, desks, rent, deposit, number in specs
    ]
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    _state.update(park=park, specs=specs, data=buffer.getvalue().encode("utf-8"))


def _import(*, commit: bool):
    from imports.reading import read_table
    from imports.resources import resource_for
    from imports.resources.base import run_import

    table = read_table(_state["data"], file_name="hop-dong.csv")
    report = run_import(resource_for("leases"), table, commit=commit, actor=None)
    assert (report.new, report.errors, report.committed) == (ROWS, [], commit), (
        report.new,
        report.errors[:3],
    )
    return report


def ours_dry_run():
    return _import(commit=False)


def ours_commit():
    return _import(commit=True)


def baseline() -> int:
    from simple_history.utils import bulk_create_with_history

    from park.models import Lease

    with transaction.atomic():
        leases = [
            Lease(
                unit=unit,
                company=company,
                start_date=start,
                end_date=end,
                desks=desks,
                is_exclusive=unit.kind != "coworking",
                monthly_rent_vnd=rent,
                deposit_vnd=deposit,
                contract_number=number,
            )
            for unit, company, start, end, desks, rent, deposit, number in _state["specs"]
        ]
        bulk_create_with_history(leases, Lease, batch_size=1_000, default_user=None)
    return len(leases)


def _reset() -> None:
    """Delete the park's leases and their history rows (the next commit starts clean)."""
    from park.models import Lease, Unit

    park_id = _state["park"].pk
    park_id = park_id.hex if connection.vendor == "sqlite" else park_id
    units = f"SELECT id FROM {Unit._meta.db_table} WHERE park_id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (Lease.history.model._meta.db_table, Lease._meta.db_table):
            cursor.execute(f"DELETE FROM {table} WHERE unit_id IN ({units})", [park_id])


FIELDS = (
    "unit_id",
    "company_id",
    "start_date",
    "end_date",
    "desks",
    "is_exclusive",
    "monthly_rent_vnd",
    "deposit_vnd",
    "contract_number",
    "meeting_hours_monthly",
    "cancelled_at",
    "note",
)


def _written() -> tuple[set, int]:
    from park.models import Lease

    park = _state["park"]
    leases = set(Lease.objects.filter(unit__park=park).values_list(*FIELDS))
    return leases, Lease.history.filter(unit__park=park).count()


def check() -> None:
    _reset()
    ours_commit()
    mine = _written()
    _reset()
    baseline()
    theirs = _written()
    _reset()
    assert len(mine[0]) == ROWS, len(mine[0])
    assert mine[1] == ROWS, mine[1]
    assert mine == theirs, "the import and the baseline wrote different leases"


def _turns(ours, *, repeat: int) -> tuple[float, float]:
    """Median seconds of ours and of the baseline, in turns (ours first on even turns),
    each commit followed, untimed, by `_reset`."""
    import statistics
    import time

    def run(side) -> float:
        started = time.perf_counter()
        side()
        seconds = time.perf_counter() - started
        _reset()
        return seconds

    run(ours), run(baseline)  # warm caches and connections once
    ours_timings, baseline_timings = [], []
    for turn in range(repeat):
        if turn % 2 == 0:
            ours_timings.append(run(ours))
            baseline_timings.append(run(baseline))
        else:
            baseline_timings.append(run(baseline))
            ours_timings.append(run(ours))
    return statistics.median(ours_timings), statistics.median(baseline_timings)


def measure() -> list[Row]:
    rows = []
    for label, ours in (("dry run", ours_dry_run), ("commit", ours_commit)):
        mine, theirs = _turns(ours, repeat=REPEAT)
        rows.append(Row(f"{NAME}, {label}", mine, theirs, TARGET))
    return rows


ours = ours_commit  # what the runner's contract names; measure() times both sides itself
