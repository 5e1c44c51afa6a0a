"""Availability (design/api.md): the units search and `/units/{id}/availability/`."""

from datetime import date

import pytest

from park.models import Unit
from park.selectors import units_available
from park.services import lease_cancel
from tests.factories import make_floor, make_lease, make_pool, make_unit

pytestmark = pytest.mark.django_db


def runs(client, unit, start, end):
    response = client.get(f"/api/v1/units/{unit.pk}/availability/", {"from": start, "to": end})
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_free_exclusive_unit_shows_its_capacity_throughout(user_client):
    office = make_unit(capacity=8)
    assert runs(user_client, office, "2027-01-01", "2027-12-31") == [
        {"start_date": "2027-01-01", "end_date": "2027-12-31", "free_desks": 8}
    ]


def test_an_office_is_free_around_its_lease_with_inclusive_edges(user_client):
    office = make_unit(capacity=8)
    make_lease(unit=office, start_date=date(2027, 3, 1), end_date=date(2027, 6, 30))
    assert runs(user_client, office, "2027-01-01", "2027-12-31") == [
        {"start_date": "2027-01-01", "end_date": "2027-02-28", "free_desks": 8},
        {"start_date": "2027-03-01", "end_date": "2027-06-30", "free_desks": 0},
        {"start_date": "2027-07-01", "end_date": "2027-12-31", "free_desks": 8},
    ]


def test_back_to_back_leases_merge_into_one_taken_run(user_client):
    office = make_unit()
    make_lease(unit=office, start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))
    make_lease(unit=office, start_date=date(2027, 7, 1), end_date=None)
    assert runs(user_client, office, "2026-12-01", "2028-01-31") == [
        {"start_date": "2026-12-01", "end_date": "2026-12-31", "free_desks": 8},
        {"start_date": "2027-01-01", "end_date": "2028-01-31", "free_desks": 0},
    ]


def test_a_pool_shows_the_desks_left_on_each_run(user_client):
    pool = make_pool(desks=10)
    make_lease(unit=pool, desks=3, start_date=date(2027, 1, 1), end_date=date(2027, 3, 31))
    make_lease(unit=pool, desks=4, start_date=date(2027, 2, 1), end_date=None)
    make_lease(unit=pool, desks=3, start_date=date(2027, 4, 1), end_date=date(2027, 4, 30))
    cancelled = make_lease(unit=pool, desks=6, start_date=date(2030, 1, 1), end_date=None)
    lease_cancel(lease=cancelled, actor=None)
    assert runs(user_client, pool, "2026-12-15", "2027-05-31") == [
        {"start_date": "2026-12-15", "end_date": "2026-12-31", "free_desks": 10},
        {"start_date": "2027-01-01", "end_date": "2027-01-31", "free_desks": 7},
        {"start_date": "2027-02-01", "end_date": "2027-04-30", "free_desks": 3},
        {"start_date": "2027-05-01", "end_date": "2027-05-31", "free_desks": 6},
    ]


def test_an_inactive_unit_shows_no_free_desks(user_client):
    office = make_unit(is_active=False)
    assert runs(user_client, office, "2027-01-01", "2027-01-31") == [
        {"start_date": "2027-01-01", "end_date": "2027-01-31", "free_desks": 0}
    ]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"from": "2027-01-01"},
        {"from": "2027-02-01", "to": "2027-01-01"},
        {"from": "yesterday", "to": "2027-01-01"},
        {"from": "2027-01-01", "to": "9999-12-31"},
    ],
)
def test_an_availability_query_without_a_proper_range_is_400(user_client, params):
    office = make_unit()
    response = user_client.get(f"/api/v1/units/{office.pk}/availability/", params)
    assert (response.status_code, response.json()["code"]) == (400, "validation_error")


# --- the search ---------------------------------------------------------------------------


def search(client, **params) -> list[str]:
    response = client.get("/api/v1/units/", params)
    assert response.status_code == 200, response.json()
    return [row["code"] for row in response.json()["results"]]


def test_the_search_keeps_units_free_on_every_day_of_the_range(user_client):
    floor = make_floor()
    taken = make_unit(floor=floor, code="A-taken")
    make_unit(floor=floor, code="B-free")
    make_unit(floor=floor, code="C-idle", is_active=False)
    ends_before = make_unit(floor=floor, code="D-ends-before")
    make_lease(unit=taken, start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))
    make_lease(unit=ends_before, start_date=date(2027, 1, 1), end_date=date(2027, 6, 29))
    cancelled = make_lease(
        unit=make_unit(floor=floor, code="E-cancelled"),
        start_date=date(2030, 1, 1),
        end_date=None,
    )
    lease_cancel(lease=cancelled, actor=None)

    window = {"available_from": "2027-06-30", "available_to": "2027-07-31"}
    assert search(user_client, **window) == ["B-free", "D-ends-before", "E-cancelled"]
    later = {"available_from": "2027-07-01", "available_to": "2031-12-31"}
    assert search(user_client, **later) == ["A-taken", "B-free", "D-ends-before", "E-cancelled"]


def test_the_search_with_desks_finds_pools_with_that_many_and_offices_that_big(user_client):
    floor = make_floor()
    pool = make_pool(desks=10, floor=floor, code="P-pool")
    make_unit(floor=floor, code="O-small", capacity=2)
    make_unit(floor=floor, code="O-big", capacity=6)
    make_lease(unit=pool, desks=3, start_date=date(2027, 1, 1), end_date=date(2027, 3, 31))
    make_lease(unit=pool, desks=4, start_date=date(2027, 3, 1), end_date=None)
    # 2027-03: 7 desks leased, 3 free; from April on: 6 free
    march = {"available_from": "2027-02-15", "available_to": "2027-04-15"}
    assert search(user_client, **march, desks=3) == ["O-big", "P-pool"]
    assert search(user_client, **march, desks=4) == ["O-big"]
    assert search(user_client, **march) == ["O-big", "O-small", "P-pool"]
    april = {"available_from": "2027-04-01", "available_to": "2030-01-01"}
    assert search(user_client, **april, desks=6) == ["O-big", "P-pool"]
    assert search(user_client, **april, desks=7) == []


def test_a_pool_lease_starting_inside_the_range_counts_on_its_first_day(user_client):
    pool = make_pool(desks=5, code="P")
    make_lease(unit=pool, desks=2, start_date=date(2027, 1, 1), end_date=date(2027, 1, 31))
    make_lease(unit=pool, desks=2, start_date=date(2027, 1, 20), end_date=date(2027, 2, 28))
    make_lease(unit=pool, desks=1, start_date=date(2027, 2, 10), end_date=date(2027, 2, 10))
    # busiest day in January: 01-20..01-31 with 4; in February: 02-10 with 3
    assert (
        search(user_client, available_from="2027-01-01", available_to="2027-01-31", desks=2) == []
    )
    assert search(user_client, available_from="2027-01-01", available_to="2027-01-31") == ["P"]
    assert search(user_client, available_from="2027-02-01", available_to="2027-02-28", desks=2) == [
        "P"
    ]
    assert (
        search(user_client, available_from="2027-02-01", available_to="2027-02-28", desks=3) == []
    )


def test_the_search_is_one_query_whatever_the_leases(django_assert_num_queries):
    pool = make_pool(desks=3)
    for day in range(1, 28):
        make_lease(unit=pool, desks=1, start_date=date(2027, 1, day), end_date=date(2027, 1, day))
    with django_assert_num_queries(1):
        found = list(
            units_available(
                Unit.objects.all(), start_date=date(2027, 1, 1), end_date=date(2027, 12, 31)
            )
        )
    assert found == [pool]


@pytest.mark.parametrize("count", [1, 50])
def test_the_availability_runs_take_the_same_queries_for_one_or_fifty_leases(
    user_client, count, django_assert_max_num_queries
):
    pool = make_pool(desks=60)
    for day in range(count):
        make_lease(unit=pool, desks=1, start_date=date(2027, 1, 1 + day % 28), end_date=None)
    # the user's groups, the throttle's 6 (database cache), the unit and its leases
    with django_assert_max_num_queries(9):
        body = runs(user_client, pool, "2027-01-01", "2027-12-31")
    assert body[-1] == {
        "start_date": body[-1]["start_date"],
        "end_date": "2027-12-31",
        "free_desks": 60 - count,
    }
