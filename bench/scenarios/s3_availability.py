"""S3: the units availability search (`/units/?available_from=&available_to=&desks=`)
through the API's own filter and queryset, against a hand-written SQL query.

10,000 units (8,000 exclusive, 2,000 coworking pools of 20 desks) and 100,000 leases,
bulk-created. The search asks for 2 desks free on every day of a quarter; both sides count
the matches and fetch the first page of 100, as `/units/?page_size=100` does.
"""

import itertools
import random
import uuid
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

NAME = "S3 availability, 10,000 units, 100,000 leases"
TARGET = 1.5  # design/README.md
REPEAT = 15  # ~100 ms a run: more runs steady the median on a busy machine

UNITS, POOLS, LEASES_PER_UNIT = 10_000, 2_000, 10
FROM, TO, DESKS = date(2024, 1, 1), date(2024, 3, 31), 2
_PARAMS = {"available_from": FROM.isoformat(), "available_to": TO.isoformat(), "desks": DESKS}

_SQL = """
SELECT u.id FROM park_unit u
WHERE u.is_active = %s AND u.capacity >= %s
  AND u.id NOT IN (
    SELECT l.unit_id FROM park_lease l
    WHERE l.is_exclusive = %s AND l.cancelled_at IS NULL
      AND l.start_date <= %s AND (l.end_date IS NULL OR l.end_date >= %s))
  AND u.id NOT IN (
    SELECT l.unit_id FROM park_lease l JOIN park_unit p ON p.id = l.unit_id
    WHERE l.is_exclusive = %s AND l.cancelled_at IS NULL
      AND l.start_date <= %s AND (l.end_date IS NULL OR l.end_date >= %s)
      AND (SELECT SUM(m.desks) FROM park_lease m
           WHERE m.unit_id = l.unit_id AND m.cancelled_at IS NULL
             AND m.start_date <= CASE WHEN l.start_date > %s THEN l.start_date ELSE %s END
             AND (m.end_date IS NULL
                  OR m.end_date >= CASE WHEN l.start_date > %s THEN l.start_date ELSE %s END)
          ) > p.capacity - %s)
"""


def setup() -> None:
    from park.models import Building, Floor, Park, Unit
    from tenants.models import Company

    rng = random.Random(3)  # noqa: S311 - benchmark data, not secrets
    park = Park.objects.create(name="Bench S3 park", slug="bench-s3")
    buildings = Building.objects.bulk_create(
        Building(park=park, code=f"S3-{n}", name=f"Tòa {n}") for n in range(10)
    )
    floors = Floor.objects.bulk_create(
        Floor(building=building, level=level, name=f"Tầng {level}")
        for building in buildings
        for level in range(1, 11)
    )
    companies = Company.objects.bulk_create(
        Company(legal_name=f"Bench S3 {n}", search_text=f"bench s3 {n}") for n in range(100)
    )
    kinds = itertools.cycle(["office", "office", "lab", "rack", "meeting_room"])
    units = []
    for n in range(UNITS):
        pool = n % (UNITS // POOLS) == 0
        kind = "coworking" if pool else next(kinds)
        capacity = 20 if pool else (1 if kind == "rack" else rng.randint(1, 12))
        units.append(
            Unit(
                floor=floors[n % len(floors)],
                park=park,
                code=f"S3-{n:05d}",
                kind=kind,
                area_m2=capacity * 6,
                capacity=capacity,
                is_active=n % 97 != 0,
            )
        )
    Unit.objects.bulk_create(units, batch_size=2_000)

    # Leases by executemany: bulk_create's per-value preparation would take most of the
    # setup for 100,000 rows, and the rows need no model logic (no history, no services).
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    as_id = (lambda value: value.hex) if connection.vendor == "sqlite" else (lambda value: value)
    company_ids = [as_id(company.pk) for company in companies]
    rows = []
    for unit in units:
        exclusive = unit.kind != "coworking"
        day = date(2020, 1, 1) + timedelta(days=rng.randint(0, 90))
        for index in range(LEASES_PER_UNIT):
            if exclusive:  # back to back with gaps: never overlapping
                start = day + timedelta(days=rng.randint(0, 60))
                end = start + timedelta(days=rng.randint(30, 200))
                day = end + timedelta(days=1)
                desks = unit.capacity
            else:  # a pool: overlapping leases of a few desks
                start = date(2020, 1, 1) + timedelta(days=rng.randint(0, 2_000))
                end = start + timedelta(days=rng.randint(30, 400))
                desks = rng.randint(1, 4)
            open_ended = exclusive and index == LEASES_PER_UNIT - 1 and rng.random() < 0.2
            rows.append(
                (
                    as_id(uuid.uuid4()),
                    now,
                    now,
                    as_id(unit.pk),
                    rng.choice(company_ids),
                    desks,
                    exclusive,
                    start.isoformat(),
                    None if open_ended else end.isoformat(),
                )
            )
    with transaction.atomic(), connection.cursor() as cursor:  # one commit, not 100,000
        for first in range(0, len(rows), 10_000):
            cursor.executemany(
                "INSERT INTO park_lease (id, created_at, updated_at, version, unit_id, "
                "company_id, desks, is_exclusive, start_date, end_date, monthly_rent_vnd, "
                "deposit_vnd, note, meeting_hours_monthly) "
                "VALUES (%s, %s, %s, 1, %s, %s, %s, %s, %s, %s, 0, 0, '', 0)",
                rows[first : first + 10_000],
            )
    with connection.cursor() as cursor:  # fresh statistics, as a running database has
        cursor.execute("ANALYZE")


PAGE = 100


def ours() -> tuple[int, list[str]]:
    from api.park.filters import UnitFilter
    from park.models import Unit

    # The API's own FilterSet on the API's ordering: what /units/?page_size=100 runs (the
    # count, then the page).
    units = UnitFilter(data=_PARAMS, queryset=Unit.objects.order_by("code", "pk")).qs
    return units.count(), [str(pk) for pk in units.values_list("pk", flat=True)[:PAGE]]


def baseline() -> tuple[int, list[str]]:
    params = [True, DESKS, True, TO, FROM, False, TO, FROM, FROM, FROM, FROM, FROM, DESKS]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({_SQL}) AS available", params)
        count = cursor.fetchone()[0]
        cursor.execute(f"{_SQL} ORDER BY u.code, u.id LIMIT {PAGE}", params)
        return count, [str(uuid.UUID(str(row[0]))) for row in cursor.fetchall()]


def check() -> None:
    from park.models import Unit

    found = ours()
    assert found == baseline()
    assert 100 < found[0] < Unit.objects.count(), found[0]
