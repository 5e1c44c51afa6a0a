"""S4: 16 parallel clients creating leases through `park.services.lease_create`, against
bare INSERTs of the same rows by 16 parallel clients.

Each round, each client (a thread with its own database connection) leases 6 offices of its
own, then the one office every client wants for the same month, then one desk of a 10-desk
pool: 96 + 1 + 10 leases are created and 6 + 15 + 6 refused. The baseline inserts the rows
that round creates, one bare autocommitted INSERT each, with no lock and no check. Every
round uses a new month, so rounds never collide. `check()` runs a round and then counts
overlapping leases and overfull pools in the database: any is a failure.
"""

import itertools
import threading
import uuid
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

NAME = "S4 parallel leases, 16 clients, 128 tries"
TARGET = 3.0  # design/README.md
REPEAT = 5

CLIENTS, OWN_OFFICES, POOL_DESKS = 16, 6, 10
_rounds = itertools.count()
_state: dict = {}


def setup() -> None:
    from park.models import Building, Floor, Park, Unit
    from tenants.models import Company

    park = Park.objects.create(name="Bench S4 park", slug="bench-s4")
    building = Building.objects.create(park=park, code="S4", name="Tòa S4")
    floor = Floor.objects.create(building=building, level=1)
    offices = Unit.objects.bulk_create(
        Unit(floor=floor, park=park, code=f"S4-{n:03d}", kind="office", capacity=4)
        for n in range(CLIENTS * OWN_OFFICES + 1)
    )
    pool = Unit.objects.create(
        floor=floor, code="S4-POOL", kind="coworking", capacity=POOL_DESKS, monthly_rate_vnd=1
    )
    companies = Company.objects.bulk_create(
        Company(legal_name=f"Bench S4 {n}", search_text=f"bench s4 {n}") for n in range(CLIENTS)
    )
    _state.update(park=park, offices=offices, hot=offices[-1], pool=pool, companies=companies)


def _month(round_number: int) -> tuple[date, date]:
    start = date(2040, 1, 1) + timedelta(days=31 * round_number)
    return start, start + timedelta(days=27)


def _tries(client: int, start: date, end: date) -> list[dict]:
    """What client `client` asks for in a round: its own offices, the hot office, a desk."""
    own = _state["offices"][client * OWN_OFFICES : (client + 1) * OWN_OFFICES]
    company = _state["companies"][client]
    wanted = [*own, _state["hot"]]
    tries = [{"unit": unit, "company": company, "desks": None} for unit in wanted]
    tries.append({"unit": _state["pool"], "company": company, "desks": 1})
    return [{**item, "start_date": start, "end_date": end} for item in tries]


def _in_parallel(work) -> list:
    """Run work(client) on CLIENTS threads, each with its own connection, started together."""
    start_together, results, lock = threading.Barrier(CLIENTS), [], threading.Lock()

    def run(client: int) -> None:
        try:
            start_together.wait()
            outcome = work(client)
            with lock:
                results.append(outcome)
        finally:
            connection.close()  # each thread opened its own

    threads = [threading.Thread(target=run, args=(client,)) for client in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == CLIENTS, "a client failed"
    return results


def ours() -> int:
    from park.exceptions import UnitUnavailable
    from park.services import lease_create

    start, end = _month(next(_rounds))

    def client(number: int) -> int:
        created = 0
        for item in _tries(number, start, end):
            try:
                lease_create(**item, actor=None)
                created += 1
            except UnitUnavailable:
                pass
        return created

    created = sum(_in_parallel(client))
    # In memory, for every timed round: exactly one hot office and POOL_DESKS desks won.
    assert created == CLIENTS * OWN_OFFICES + 1 + POOL_DESKS, created
    return created


def baseline() -> int:
    start, end = _month(next(_rounds))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    as_id = (lambda value: value.hex) if connection.vendor == "sqlite" else (lambda value: value)

    def client(number: int) -> int:
        rows = _tries(number, start, end)
        if number != 0:
            rows = [row for row in rows if row["unit"] != _state["hot"]]  # client 0 won it
        if number >= POOL_DESKS:
            rows = [row for row in rows if row["unit"] != _state["pool"]]  # the pool is full
        with connection.cursor() as cursor:
            for row in rows:
                unit = row["unit"]
                cursor.execute(
                    "INSERT INTO park_lease (id, created_at, updated_at, version, unit_id, "
                    "company_id, desks, is_exclusive, start_date, end_date, "
                    "monthly_rent_vnd, deposit_vnd, note, meeting_hours_monthly) "
                    "VALUES (%s, %s, %s, 1, %s, %s, %s, %s, %s, %s, 0, 0, '', 0)",
                    [
                        as_id(uuid.uuid4()),
                        now,
                        now,
                        as_id(unit.pk),
                        as_id(row["company"].pk),
                        row["desks"] or unit.capacity,
                        unit.kind != "coworking",
                        row["start_date"],
                        row["end_date"],
                    ],
                )
        return len(rows)

    return sum(_in_parallel(client))


_OVERLAPS = """
SELECT COUNT(*) FROM park_lease a
JOIN park_lease b ON b.unit_id = a.unit_id AND a.id < b.id
JOIN park_unit u ON u.id = a.unit_id
WHERE u.park_id = %s AND u.kind <> 'coworking'
  AND a.cancelled_at IS NULL AND b.cancelled_at IS NULL
  AND (b.end_date IS NULL OR a.start_date <= b.end_date)
  AND (a.end_date IS NULL OR b.start_date <= a.end_date)
"""
# A pool's leased desks peak on some lease's start day: count the start days over capacity.
_OVERFULL = """
SELECT COUNT(*) FROM park_lease l
JOIN park_unit u ON u.id = l.unit_id
WHERE u.park_id = %s AND u.kind = 'coworking' AND l.cancelled_at IS NULL
  AND (SELECT SUM(m.desks) FROM park_lease m
       WHERE m.unit_id = l.unit_id AND m.cancelled_at IS NULL AND m.start_date <= l.start_date
         AND (m.end_date IS NULL OR m.end_date >= l.start_date)) > u.capacity
"""


def overlaps() -> int:
    park_id = _state["park"].pk
    park_id = park_id.hex if connection.vendor == "sqlite" else park_id
    with connection.cursor() as cursor:
        cursor.execute(_OVERLAPS, [park_id])
        [exclusive] = cursor.fetchone()
        cursor.execute(_OVERFULL, [park_id])
        [pools] = cursor.fetchone()
    return exclusive + pools


def check() -> None:
    from park.models import Lease

    assert ours() == baseline()
    assert overlaps() == 0, f"{overlaps()} overlapping leases or overfull pool days"
    assert Lease.objects.filter(unit=_state["hot"]).count() == 2  # one per round
