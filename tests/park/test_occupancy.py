"""Occupancy (design/api.md, "Occupancy rows"): figures computed by hand."""

from datetime import date
from decimal import Decimal

import pytest

from park.models import Building
from park.occupancy import leases_ending_within, occupancy_rows, occupancy_series, rate_of
from park.services import lease_cancel
from tests.factories import make_company, make_floor, make_lease, make_park, make_pool, make_unit

pytestmark = pytest.mark.django_db

ON = date(2027, 3, 15)


@pytest.fixture
def park():
    """Building A: floor 1 with an office (8, 50 m2) leased whole on ON and a pool (10 desks,
    40 m2) with 3 + 2 desks leased; floor 2 with a lab (4, 30 m2) whose lease ended the day
    before. Building B: an inactive rack (1, 2 m2) still leased, and a meeting room (12,
    25 m2) leased from the day after. Another park's leased office is left out."""
    park = make_park(name="Mekong")
    a = Building.objects.create(park=park, code="A", name="Tòa A")
    b = Building.objects.create(park=park, code="B", name="Tòa B")
    a1 = make_floor(building=a, level=1, name="Tầng 1")
    a2 = make_floor(building=a, level=2, name="Tầng 2")
    b1 = make_floor(building=b, level=1, name="Tầng 1")
    office = make_unit(floor=a1, code="A-1-01", capacity=8, area_m2="50.00")
    pool = make_pool(desks=10, floor=a1, code="A-1-02", area_m2="40.00")
    lab = make_unit(floor=a2, code="A-2-01", kind="lab", capacity=4, area_m2="30.00")
    rack = make_unit(floor=b1, code="B-1-01", kind="rack", capacity=1, area_m2="2.00")
    room = make_unit(floor=b1, code="B-1-02", kind="meeting_room", capacity=12, area_m2="25.00")
    make_lease(unit=office, start_date=date(2027, 1, 1), end_date=ON)
    make_lease(unit=pool, desks=3, start_date=ON, end_date=None)
    make_lease(unit=pool, desks=2, start_date=date(2026, 1, 1), end_date=date(2027, 12, 31))
    make_lease(unit=lab, start_date=date(2026, 1, 1), end_date=date(2027, 3, 14))
    make_lease(unit=rack, start_date=date(2026, 1, 1), end_date=None)
    rack.is_active = False
    rack.save()
    make_lease(unit=room, start_date=date(2027, 3, 16), end_date=None)
    cancelled = make_lease(unit=room, start_date=date(2027, 3, 1), end_date=date(2027, 3, 15))
    lease_cancel(lease=cancelled, actor=None)
    make_lease(start_date=ON, end_date=None)  # another park
    return {"park": park, "a": a, "b": b, "a1": a1, "a2": a2, "b1": b1}


def row(key, label, units, capacity, leased, area, leased_area, rate) -> dict:
    return {
        "key": str(key),
        "label": label,
        "units": units,
        "capacity": capacity,
        "leased": leased,
        "area_m2": Decimal(area),
        "leased_area_m2": Decimal(leased_area),
        "rate": Decimal(rate),
    }


def test_occupancy_by_building(park, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = occupancy_rows(park=park["park"], on=ON, group_by="building")
    assert rows == [
        # 8 + 5 of 8 + 10 + 4; 50 + 40 * 5/10 of 50 + 40 + 30
        row(park["a"].pk, "Tòa A", 3, 22, 13, "120.00", "70.00", "0.5909"),
        row(park["b"].pk, "Tòa B", 2, 13, 1, "27.00", "2.00", "0.0769"),
    ]


def test_occupancy_by_floor_kind_and_park(park):
    assert occupancy_rows(park=park["park"], on=ON, group_by="floor") == [
        row(park["a1"].pk, "A · Tầng 1", 2, 18, 13, "90.00", "70.00", "0.7222"),
        row(park["a2"].pk, "A · Tầng 2", 1, 4, 0, "30.00", "0.00", "0.0000"),
        row(park["b1"].pk, "B · Tầng 1", 2, 13, 1, "27.00", "2.00", "0.0769"),
    ]
    assert occupancy_rows(park=park["park"], on=ON, group_by="kind") == [
        row("office", "Office", 1, 8, 8, "50.00", "50.00", "1.0000"),
        row("coworking", "Coworking desk pool", 1, 10, 5, "40.00", "20.00", "0.5000"),
        row("lab", "Lab", 1, 4, 0, "30.00", "0.00", "0.0000"),
        row("meeting_room", "Meeting room", 1, 12, 0, "25.00", "0.00", "0.0000"),
        row("rack", "Rack", 1, 1, 1, "2.00", "2.00", "1.0000"),
    ]
    assert occupancy_rows(park=park["park"], on=ON, group_by="park") == [
        row(park["park"].pk, "Mekong", 5, 35, 14, "147.00", "72.00", "0.4000"),
    ]


def test_a_park_without_units_has_no_rows():
    assert occupancy_rows(park=make_park(), on=ON, group_by="building") == []


def test_rates_and_proportional_areas_round_half_up():
    assert rate_of(1, 32) == Decimal("0.0313")  # 0.03125: half-up, not to even
    assert rate_of(2, 3) == Decimal("0.6667")
    pool = make_pool(desks=8, area_m2="10.00")
    make_lease(unit=pool, desks=1, start_date=ON, end_date=ON)
    [only] = occupancy_rows(park=pool.park_id, on=ON, group_by="kind")
    assert (only["leased_area_m2"], only["rate"]) == (Decimal("1.25"), Decimal("0.1250"))


def test_the_series_measures_each_months_last_day(django_assert_num_queries):
    office = make_unit(capacity=8, area_m2="50.00")
    pool = make_pool(desks=10, floor=office.floor, area_m2="40.00")
    make_lease(unit=office, start_date=date(2027, 2, 1), end_date=date(2027, 3, 31))
    make_lease(unit=pool, desks=3, start_date=date(2027, 1, 31), end_date=None)
    make_lease(unit=pool, desks=2, start_date=date(2027, 3, 1), end_date=date(2027, 3, 30))
    with django_assert_num_queries(2):
        series = occupancy_series(
            park=office.park_id, start=date(2027, 1, 15), end=date(2027, 4, 2)
        )

    def month(name, leased, leased_area, rate):
        return {
            "month": name,
            "capacity": 18,
            "leased": leased,
            "area_m2": Decimal("90.00"),
            "leased_area_m2": Decimal(leased_area),
            "rate": Decimal(rate),
        }

    assert series == [
        month("2027-01", 3, "12.00", "0.1667"),
        month("2027-02", 11, "62.00", "0.6111"),
        month("2027-03", 11, "62.00", "0.6111"),
        month("2027-04", 3, "12.00", "0.1667"),
    ]


def test_leases_ending_within_n_days_include_both_edges_and_skip_cancelled():
    office = make_unit()
    today = date(2027, 6, 1)
    ends_today = make_lease(unit=office, start_date=date(2027, 1, 1), end_date=today)
    last_day = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 8, 30))
    make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 8, 31))
    make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 5, 31))
    make_lease(start_date=date(2027, 1, 1), end_date=None)
    assert list(leases_ending_within(days=90, on=today)) == [ends_today, last_day]
    assert list(leases_ending_within(days=90, on=today, park=office.park)) == [ends_today]


# --- the API ------------------------------------------------------------------------------


def test_the_occupancy_endpoint_answers_a_plain_list(user_client, park):
    response = user_client.get(
        "/api/v1/occupancy/", {"park": str(park["park"].pk), "on": "2027-03-15"}
    )
    assert response.status_code == 200
    assert response.json() == [
        {
            "key": str(park["a"].pk),
            "label": "Tòa A",
            "units": 3,
            "capacity": 22,
            "leased": 13,
            "area_m2": 120.0,
            "leased_area_m2": 70.0,
            "rate": 0.5909,
        },
        {
            "key": str(park["b"].pk),
            "label": "Tòa B",
            "units": 2,
            "capacity": 13,
            "leased": 1,
            "area_m2": 27.0,
            "leased_area_m2": 2.0,
            "rate": 0.0769,
        },
    ]
    response = user_client.get(
        "/api/v1/occupancy/", {"park": str(park["park"].pk), "on": "2027-03-15", "group_by": "park"}
    )
    assert [(r["units"], r["leased"], r["rate"]) for r in response.json()] == [(5, 14, 0.4)]


def test_the_series_endpoint_answers_a_plain_list_of_months(user_client, park):
    response = user_client.get(
        "/api/v1/occupancy/series/",
        {"park": str(park["park"].pk), "from": "2027-02-01", "to": "2027-03-31"},
    )
    assert response.status_code == 200
    assert [(m["month"], m["leased"], m["rate"]) for m in response.json()] == [
        # Feb 28: office 8, pool 2, rack 1, lab 4; Mar 31: pool 5, rack 1, room 12
        ("2027-02", 15, 0.4286),
        ("2027-03", 18, 0.5143),
    ]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/occupancy/", {"group_by": "street"}),
        ("/api/v1/occupancy/", {"on": "today"}),
        ("/api/v1/occupancy/", {"park": "00000000-0000-0000-0000-000000000000"}),
        ("/api/v1/occupancy/", {"park": "mekong"}),
        ("/api/v1/occupancy/series/", {"from": "2027-01-01"}),
        ("/api/v1/occupancy/series/", {"from": "2027-03-01", "to": "2027-01-01"}),
        ("/api/v1/occupancy/series/", {"from": "1900-01-01", "to": "9999-12-31"}),
    ],
)
def test_bad_occupancy_parameters_are_400(user_client, path, params):
    response = user_client.get(path, params)
    assert (response.status_code, response.json()["code"]) == (400, "validation_error")


@pytest.mark.parametrize("count", [1, 50])
def test_the_occupancy_endpoints_run_constant_queries(
    manager_client, count, django_assert_max_num_queries
):
    park = make_park()
    for _ in range(count):
        make_lease(unit=make_unit(floor=make_floor(park=park)), start_date=ON, end_date=None)
    with django_assert_max_num_queries(9):
        response = manager_client.get(
            "/api/v1/occupancy/", {"park": str(park.pk), "on": "2027-03-15", "group_by": "floor"}
        )
    assert len(response.json()) == count
    with django_assert_max_num_queries(10):
        response = manager_client.get(
            "/api/v1/occupancy/series/",
            {"park": str(park.pk), "from": "2027-01-01", "to": "2027-12-31"},
        )
    assert [m["leased"] for m in response.json()] == [0, 0] + [8 * count] * 10


def test_the_lease_timeline_merges_months_and_names_a_change_of_tenant(
    django_assert_num_queries,
):
    from park.models import Unit
    from park.occupancy import lease_timeline

    floor = make_floor()
    office = make_unit(floor=floor, code="A-1-01")
    make_unit(floor=floor, code="A-1-02", is_active=False)
    first = make_company(legal_name="Công ty Một", short_name="Một")
    second = make_company(legal_name="Công ty Hai", short_name="")
    make_lease(unit=office, company=first, start_date=date(2027, 1, 1), end_date=date(2027, 2, 14))
    make_lease(unit=office, company=second, start_date=date(2027, 2, 15), end_date=None)

    with django_assert_num_queries(2):
        timeline = lease_timeline(
            units=Unit.objects.filter(floor=floor).order_by("code"),
            first_month=date(2026, 12, 20),
            months=4,
        )

    assert timeline["months"] == [
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
    ]
    cells = {
        row["unit"].code: [tuple(cell.values()) for cell in row["cells"]]
        for row in timeline["rows"]
    }
    assert cells == {
        "A-1-01": [
            (1, "free", ""),
            (1, "leased", "Một"),
            (1, "leased", "Một → Công ty Hai"),
            (1, "leased", "Công ty Hai"),
        ],
        "A-1-02": [(4, "inactive", "")],
    }
