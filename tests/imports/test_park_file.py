"""A whole park moves in from its spreadsheets, and one bad row among 10,000 writes nothing."""

import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from imports.models import Import, ImportStatus
from imports.services import TASK_THRESHOLD, import_file, import_run_queued
from park.models import Building, Floor, Lease, Park, Unit
from park.occupancy import occupancy_rows
from park.services import park_create
from tenants.models import Company
from tests.factories import make_manager
from tests.imports.parkfile import (
    LEASE_HEADERS,
    PARK_SLUG,
    build_park,
    csv_bytes,
    tax_code,
)

pytestmark = pytest.mark.django_db

FIGURES = ("units", "capacity", "leased", "area_m2", "leased_area_m2", "rate")


def _mekong(manager) -> Park:
    return park_create(
        data={
            "name": "Khu Công viên Phần mềm Mê Kông",
            "slug": PARK_SLUG,
            "city": "Mỹ Tho",
            "province": "Tiền Giang",
            "land_area_m2": "45000.00",
        },
        actor=manager,
    )


def _committed(resource: str, data: bytes, file_name: str, manager, rows: int) -> None:
    record, report = import_file(
        resource=resource,
        data=data,
        file_name=file_name,
        commit=True,
        actor=manager,
        run_now=True,
    )
    assert report.as_dict() == {
        "resource": resource,
        "rows": rows,
        "new": rows,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "errors": [],
        "committed": True,
    }
    assert (record.status, record.committed, record.user) == (ImportStatus.DONE, True, manager)


def _app_occupancy(park: Park, *, on: date, group_by: str) -> dict[str, dict]:
    rows = occupancy_rows(park=park, on=on, group_by=group_by)
    if group_by == "building":
        named = {row["label"]: row for row in rows}  # a building made by an import: its code
    elif group_by == "floor":
        named = {row["label"]: row for row in rows}  # "A · 3": the floor's name is its level
    elif group_by == "kind":
        named = {row["key"]: row for row in rows}
    else:
        [row] = rows
        named = {"park": row}
    return {key: {name: row[name] for name in FIGURES} for key, row in named.items()}


def test_a_realistic_park_moves_in_with_one_commit_per_file_and_its_occupancy_is_the_files():
    today = timezone.localdate()  # the day the app's occupancy and the lease rules use
    files = build_park(today=today)
    manager = make_manager()
    park = _mekong(manager)

    # The file is what it claims: past, current and future leases, pools shared at once.
    assert sum(lease.end_date is not None and lease.end_date < today for lease in files.leases)
    assert sum(lease.covers(today) for lease in files.leases) > 100
    assert sum(lease.start_date > today for lease in files.leases)
    pools = {unit.code for unit in files.units if unit.kind == "coworking"}
    sharing: dict[str, set] = {}
    for lease in files.leases:
        if lease.unit in pools and lease.covers(today):
            sharing.setdefault(lease.unit, set()).add(lease.tax_code)
    assert max(len(companies) for companies in sharing.values()) >= 3

    started = time.monotonic()
    _committed("units", files.units_xlsx(), "units.xlsx", manager, 400)
    _committed("companies", files.companies_csv(), "companies.csv", manager, 250)
    _committed("leases", files.leases_xlsx(), "leases.xlsx", manager, 450)
    elapsed = time.monotonic() - started

    assert sorted(Building.objects.filter(park=park).values_list("code", "name")) == [
        ("A", "A"),
        ("B", "B"),
        ("C", "C"),
    ]
    assert Floor.objects.filter(building__park=park).count() == 19
    assert set(
        Unit.objects.filter(park=park).values_list(
            "floor__building__code",
            "floor__level",
            "code",
            "kind",
            "area_m2",
            "capacity",
            "monthly_rate_vnd",
            "is_active",
        )
    ) == {
        (
            unit.building,
            unit.floor,
            unit.code,
            unit.kind,
            unit.area_m2,
            unit.capacity,
            unit.monthly_rate_vnd,
            unit.is_active,
        )
        for unit in files.units
    }
    assert set(
        Company.objects.values_list(
            "tax_code", "legal_name", "short_name", "sector", "founded_on", "headcount"
        )
    ) == {
        (c.tax_code, c.legal_name, c.short_name, c.sector, c.founded_on, c.headcount)
        for c in files.companies
    }
    assert set(
        Lease.objects.values_list(
            "unit__code",
            "company__tax_code",
            "start_date",
            "end_date",
            "desks",
            "monthly_rent_vnd",
            "deposit_vnd",
            "contract_number",
        )
    ) == {
        (
            lease.unit,
            lease.tax_code,
            lease.start_date,
            lease.end_date,
            lease.desks,
            lease.monthly_rent_vnd,
            lease.deposit_vnd,
            lease.contract_number,
        )
        for lease in files.leases
    }
    assert Lease.history.filter(history_user=manager).count() == 450

    for group_by in ("park", "building", "floor", "kind"):
        assert _app_occupancy(park, on=today, group_by=group_by) == files.occupancy(
            on=today, group_by=group_by
        ), group_by
    # A year on, the file says something else, and the app agrees again.
    later = today + timedelta(days=365)
    assert _app_occupancy(park, on=later, group_by="building") == files.occupancy(
        on=later, group_by="building"
    )
    assert elapsed < 60, f"the three files took {elapsed:.1f} s"

    # The same leases again: every row unchanged, nothing written.
    history = Lease.history.count()
    _record, again = import_file(
        resource="leases", data=files.leases_xlsx(), file_name="leases.xlsx", commit=True,
        actor=manager, run_now=True,
    )  # fmt: skip
    assert (again.unchanged, again.new, again.updated, again.errors) == (450, 0, 0, [])
    assert Lease.history.count() == history


# -- one bad row among 10,000 ------------------------------------------------------------

ROWS = 10_000
UNITS = 1_000  # 10 leases of a quarter each, one after another, per office
BAD = 5_001  # the spreadsheet row that overlaps row 17 (its unit, a few days later)
FIRST = date(2030, 1, 1)


def _offices_and_companies(park: Park) -> tuple[list[Unit], list[Company]]:
    """1,000 offices and 200 companies, inserted in bulk: what is checked is the lease file."""
    import random

    building = Building.objects.create(park=park, code="X", name="X")
    floor = Floor.objects.create(building=building, level=1, name="1")
    units = Unit.objects.bulk_create(
        Unit(floor=floor, park=park, code=f"X-{n:04d}", kind="office", capacity=4,
             monthly_rate_vnd=8_000_000)
        for n in range(UNITS)
    )  # fmt: skip
    rng, taken = random.Random(10_000), set()  # noqa: S311 - fixed tax codes, not a secret
    companies = Company.objects.bulk_create(
        Company(legal_name=f"Công ty TNHH Số {n}", tax_code=tax_code(rng, taken=taken))
        for n in range(200)
    )
    return units, companies


def _quarter(period: int) -> tuple[date, date]:
    start = FIRST + timedelta(days=91 * period)
    return start, start + timedelta(days=90)


def _big_lease_file(units: list[Unit], companies: list[Company]) -> bytes:
    rows = []
    for index in range(ROWS):
        unit, (start, end) = units[index % UNITS], _quarter(index // UNITS)
        rows.append([
            PARK_SLUG, unit.code, companies[index % len(companies)].tax_code,
            start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y"), "",
            "8.000.000", "16.000.000", f"HĐ-X-{index + 2:05d}",
        ])  # fmt: skip
    # Row 17 is data row 15: unit 15's first quarter. Row 5,001 takes the same unit from
    # 10 days into that quarter to its end.
    bad = rows[BAD - 2]
    start, end = _quarter(0)[0] + timedelta(days=10), _quarter(0)[1]
    bad[1], bad[3], bad[4] = units[15].code, start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y")
    return csv_bytes(LEASE_HEADERS, rows)


def test_one_bad_row_among_10000_writes_nothing_and_is_the_only_error():
    manager = make_manager()
    park = _mekong(manager)
    units, companies = _offices_and_companies(park)
    data = _big_lease_file(units, companies)
    leases, history = Lease.objects.count(), Lease.history.count()

    started = time.monotonic()
    record, report = import_file(
        resource="leases", data=data, file_name="hop-dong.csv", commit=True, actor=manager
    )
    assert ROWS > TASK_THRESHOLD
    assert report is None  # a task: the API answers 202
    assert (record.status, record.progress_total) == (ImportStatus.QUEUED, ROWS)
    record = import_run_queued(import_id=record.pk)
    elapsed = time.monotonic() - started

    assert record.status == ImportStatus.DONE
    assert record.progress_done == ROWS
    assert record.committed is False
    body = record.report
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (BAD, "Mã phòng", "unit_unavailable")
    ]
    assert body["errors"][0]["message"].endswith("Overlaps row 17.")
    assert (body["rows"], body["committed"]) == (ROWS, False)
    assert body["new"] == ROWS - 1  # what would have been written, had the file been good
    assert (Lease.objects.count(), Lease.history.count()) == (leases, history)
    assert Import.objects.get().payload is None
    assert elapsed < 60, f"10,000 rows took {elapsed:.1f} s"
