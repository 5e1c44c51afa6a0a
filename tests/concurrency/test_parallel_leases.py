"""Races on real parallel connections: PostgreSQL and the file-based SQLite test database."""

from datetime import date

import pytest

from park.exceptions import UnitUnavailable
from park.models import Lease
from park.services import lease_create
from tests.concurrency.race import run_together
from tests.factories import make_company, make_pool, make_unit

THREADS = 16


def _race(unit, companies, **lease_fields) -> list[str]:
    return run_together(
        lambda company: lease_create(unit=unit, company=company, actor=None, **lease_fields),
        companies,
    )


@pytest.mark.django_db(transaction=True)
def test_sixteen_parallel_bookings_of_one_office_leave_exactly_one_lease():
    office = make_unit()
    companies = [make_company() for _ in range(THREADS)]

    outcomes = _race(office, companies, start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))

    assert outcomes == ["done"] + [UnitUnavailable.code] * (THREADS - 1)
    assert Lease.objects.filter(unit=office).count() == 1


@pytest.mark.django_db(transaction=True)
def test_sixteen_parallel_one_desk_leases_fill_a_ten_desk_pool_exactly():
    pool = make_pool(desks=10)
    companies = [make_company() for _ in range(THREADS)]

    outcomes = _race(pool, companies, start_date=date(2027, 1, 1), end_date=None, desks=1)

    assert outcomes == ["done"] * 10 + [UnitUnavailable.code] * (THREADS - 10)
    assert sum(Lease.objects.filter(unit=pool).values_list("desks", flat=True)) == 10


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_an_overlapping_exclusive_lease_even_past_the_service():
    from django.db import IntegrityError

    office = make_unit()
    company = make_company()
    lease_create(
        unit=office, company=company, start_date=date(2027, 1, 1), end_date=None, actor=None
    )

    with pytest.raises(IntegrityError):
        Lease.objects.create(  # straight to the table, as a buggy service would
            unit=office,
            company=company,
            desks=office.capacity,
            is_exclusive=True,
            start_date=date(2028, 1, 1),
            end_date=date(2028, 1, 31),
        )
