"""`/parks/`, `/buildings/`, `/floors/`, `/units/` (design/api.md, Space)."""

from datetime import date

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from park.models import Building, Floor, Park, Unit
from tests.factories import (
    make_company,
    make_floor,
    make_lease,
    make_park,
    make_pool,
    make_representative,
    make_unit,
)
from tests.tenants.helpers import problem, validation_problem

pytestmark = pytest.mark.django_db


def unit_body(unit, **overrides) -> dict:
    body = {
        "id": str(unit.pk),
        "park": str(unit.park_id),
        "building": str(unit.floor.building_id),
        "floor": str(unit.floor_id),
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "area_m2": float(unit.area_m2),
        "capacity": unit.capacity,
        "monthly_rate_vnd": unit.monthly_rate_vnd,
        "is_active": unit.is_active,
        "plan_polygon": unit.plan_polygon,
        "bookable": unit.bookable,
        "hourly_rate_vnd": unit.hourly_rate_vnd,
        "occupancy_today": {"capacity": unit.capacity, "leased": 0, "rate": 0.0},
        "version": unit.version,
        "created_at": unit.created_at.astimezone(timezone.get_current_timezone()).isoformat(),
        "updated_at": unit.updated_at.astimezone(timezone.get_current_timezone()).isoformat(),
    }
    body.update(overrides)
    return body


# --- parks --------------------------------------------------------------------------------


def test_a_manager_creates_the_home_park(manager_client):
    response = manager_client.post(
        "/api/v1/parks/",
        {
            "name": "Mekong Software Park",
            "slug": "mekong",
            "city": "Mỹ Tho",
            "province": "Tiền Giang",
            "land_area_m2": 20000,
            "is_home": True,
        },
    )
    assert response.status_code == 201
    park = Park.objects.get()
    body = response.json()
    assert body["id"] == str(park.pk)
    assert {key: body[key] for key in ("name", "city", "land_area_m2", "is_home", "version")} == {
        "name": "Mekong Software Park",
        "city": "Mỹ Tho",
        "land_area_m2": 20000.0,
        "is_home": True,
        "version": 1,
    }
    assert park.history.get().history_user_id is not None


def test_a_second_home_park_is_refused_on_is_home_and_nothing_is_written(manager_client):
    make_park(is_home=True)
    response = manager_client.post(
        "/api/v1/parks/", {"name": "Other", "slug": "other", "is_home": True}
    )
    assert response.status_code == 400
    assert response.json() == validation_problem(
        "is_home",
        "unique",
        "Another park is already the home park; unset it there first.",
        "/api/v1/parks/",
    )
    assert Park.objects.count() == 1


def test_making_another_park_home_is_refused_while_one_is_home(manager_client):
    make_park(is_home=True)
    other = make_park()
    response = manager_client.patch(f"/api/v1/parks/{other.pk}/", {"is_home": True})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "is_home"
    other.refresh_from_db()
    assert (other.is_home, other.version) == (False, 1)


def test_a_signed_in_user_reads_parks_but_may_not_write(user_client):
    park = make_park()
    assert [row["id"] for row in user_client.get("/api/v1/parks/").json()["results"]] == [
        str(park.pk)
    ]
    response = user_client.post("/api/v1/parks/", {"name": "X", "slug": "x"})
    assert response.status_code == 403
    assert user_client.delete(f"/api/v1/parks/{park.pk}/").status_code == 403
    assert Park.objects.count() == 1


def test_anonymous_callers_get_401_on_space():
    client = APIClient()
    for path in ("/api/v1/parks/", "/api/v1/units/", "/api/v1/leases/", "/api/v1/occupancy/"):
        response = client.get(path)
        assert (path, response.status_code, response.json()["code"]) == (
            path,
            401,
            "not_authenticated",
        )


def test_deleting_a_park_with_buildings_is_409_in_use(manager_client):
    floor = make_floor()
    park = floor.building.park
    response = manager_client.delete(f"/api/v1/parks/{park.pk}/")
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "in_use",
        "Record in use",
        f"{park} still has buildings; delete or move them first.",
        f"/api/v1/parks/{park.pk}/",
    )
    assert Park.objects.filter(pk=park.pk).exists()


def test_a_manager_deletes_an_empty_park(manager_client):
    park = make_park()
    assert manager_client.delete(f"/api/v1/parks/{park.pk}/").status_code == 204
    assert not Park.objects.exists()


# --- buildings and floors -----------------------------------------------------------------


def test_a_manager_adds_a_building_and_a_floor(manager_client):
    park = make_park()
    response = manager_client.post(
        "/api/v1/buildings/",
        {"park": str(park.pk), "code": "A", "name": "Tòa A", "land_area_m2": "1500.00"},
    )
    assert response.status_code == 201
    building = Building.objects.get()
    assert (response.json()["park"], response.json()["land_area_m2"]) == (str(park.pk), 1500.0)

    response = manager_client.post(
        "/api/v1/floors/",
        {"building": str(building.pk), "level": 3, "name": "Tầng 3", "plan_width": 1200},
    )
    assert response.status_code == 201
    floor = Floor.objects.get()
    assert {k: response.json()[k] for k in ("building", "level", "plan_width", "plan_height")} == {
        "building": str(building.pk),
        "level": 3,
        "plan_width": 1200,
        "plan_height": 600,
    }
    assert floor.level == 3


def test_a_duplicate_building_code_is_400_on_code(manager_client):
    floor = make_floor()
    building = floor.building
    response = manager_client.post(
        "/api/v1/buildings/", {"park": str(building.park_id), "code": building.code, "name": "B"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "code",
            "code": "unique",
            "message": f"The park already has a building {building.code}.",
        }
    ]
    assert Building.objects.count() == 1


def test_a_duplicate_floor_level_is_400_on_level(manager_client):
    floor = make_floor(level=2)
    response = manager_client.post(
        "/api/v1/floors/", {"building": str(floor.building_id), "level": 2}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "level"
    assert Floor.objects.count() == 1


def test_a_building_never_moves_to_another_park(manager_client):
    floor = make_floor()
    response = manager_client.patch(
        f"/api/v1/buildings/{floor.building_id}/", {"park": str(make_park().pk)}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "park"


def test_buildings_and_floors_filter_by_their_parent(user_client):
    first, second = make_floor(), make_floor()
    response = user_client.get("/api/v1/buildings/", {"park": str(first.building.park_id)})
    assert [row["id"] for row in response.json()["results"]] == [str(first.building_id)]
    response = user_client.get("/api/v1/floors/", {"building": str(second.building_id)})
    assert [row["id"] for row in response.json()["results"]] == [str(second.pk)]
    assert user_client.get("/api/v1/floors/", {"building": "nope"}).status_code == 400


def test_deleting_a_floor_with_units_is_409_and_an_empty_one_goes(manager_client):
    unit = make_unit()
    response = manager_client.delete(f"/api/v1/floors/{unit.floor_id}/")
    assert (response.status_code, response.json()["code"]) == (409, "in_use")
    empty = make_floor()
    assert manager_client.delete(f"/api/v1/floors/{empty.pk}/").status_code == 204
    assert manager_client.delete(f"/api/v1/buildings/{empty.building_id}/").status_code == 204


# --- units --------------------------------------------------------------------------------


def test_a_manager_creates_a_unit_and_its_park_is_copied(manager_client):
    floor = make_floor()
    response = manager_client.post(
        "/api/v1/units/",
        {
            "floor": str(floor.pk),
            "code": "A-1-01",
            "name": "Văn phòng 101",
            "kind": "office",
            "area_m2": 42.5,
            "capacity": 6,
            "monthly_rate_vnd": 12_000_000,
            "plan_polygon": [[10, 10], [200, 10], [200, 150], [10, 150]],
        },
    )
    assert response.status_code == 201
    unit = Unit.objects.get()
    assert unit.park_id == floor.building.park_id
    assert response.json() == unit_body(unit)


def test_a_duplicate_unit_code_in_the_park_is_400_on_code(manager_client):
    unit = make_unit()
    other_floor = make_floor(building=unit.floor.building, level=2)
    response = manager_client.post(
        "/api/v1/units/",
        {"floor": str(other_floor.pk), "code": unit.code, "kind": "lab", "capacity": 2},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "code", "code": "unique", "message": f"The park already has a unit {unit.code}."}
    ]
    assert Unit.objects.count() == 1


def test_the_same_unit_code_is_fine_in_another_park(manager_client):
    unit = make_unit()
    response = manager_client.post(
        "/api/v1/units/",
        {"floor": str(make_floor().pk), "code": unit.code, "kind": "rack", "capacity": 1},
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("polygon", "field"),
    [
        ([[0, 0], [10, 0]], "plan_polygon"),
        ([[0, 0], [10, 0], [5, 5000]], "plan_polygon"),
        ([[0, 0], [10, 0], ["a", 5]], "plan_polygon"),
        ({"x": 1}, "plan_polygon"),
    ],
)
def test_a_polygon_outside_the_floor_plan_or_misshapen_is_400(manager_client, polygon, field):
    floor = make_floor()
    response = manager_client.post(
        "/api/v1/units/",
        {"floor": str(floor.pk), "code": "X", "kind": "lab", "plan_polygon": polygon},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert not Unit.objects.exists()


def test_a_rack_holds_exactly_one(manager_client):
    floor = make_floor()
    response = manager_client.post(
        "/api/v1/units/", {"floor": str(floor.pk), "code": "R1", "kind": "rack", "capacity": 4}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "capacity",
        "code": "invalid",
        "message": "A rack has a capacity of 1.",
    }


def test_a_unit_moved_to_another_floor_keeps_its_park_copied(manager_client):
    unit = make_unit()
    elsewhere = make_floor()
    response = manager_client.patch(f"/api/v1/units/{unit.pk}/", {"floor": str(elsewhere.pk)})
    assert response.status_code == 200
    unit.refresh_from_db()
    assert (unit.park_id, unit.version) == (elsewhere.building.park_id, 2)
    assert response.json()["park"] == str(elsewhere.building.park_id)


def test_a_leased_unit_keeps_its_kind(manager_client):
    unit = make_unit()
    make_lease(unit=unit)
    response = manager_client.patch(f"/api/v1/units/{unit.pk}/", {"kind": "lab"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "leased"
    unit.refresh_from_db()
    assert (unit.kind, unit.version) == ("office", 1)


def test_a_pool_cannot_shrink_below_its_desks_leased_ahead(manager_client):
    pool = make_pool(desks=10)
    today = timezone.localdate()
    make_lease(unit=pool, desks=6, start_date=today, end_date=None)
    response = manager_client.patch(f"/api/v1/units/{pool.pk}/", {"capacity": 5})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "capacity",
        "code": "leased",
        "message": f"6 desks of {pool.code} are leased on its busiest day ahead.",
    }
    assert manager_client.patch(f"/api/v1/units/{pool.pk}/", {"capacity": 6}).status_code == 200


def test_the_park_of_a_unit_is_read_only(manager_client):
    unit = make_unit()
    response = manager_client.patch(f"/api/v1/units/{unit.pk}/", {"park": str(make_park().pk)})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "park",
        "code": "read_only",
        "message": "This field is read-only.",
    }


def test_deleting_a_leased_unit_is_409_in_use(manager_client):
    unit = make_unit()
    make_lease(unit=unit)
    response = manager_client.delete(f"/api/v1/units/{unit.pk}/")
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "in_use",
        "Record in use",
        f"{unit.code} still has leases; set it inactive instead.",
        f"/api/v1/units/{unit.pk}/",
    )
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_a_representative_reads_units_but_may_not_change_them():
    unit = make_unit()
    client = APIClient()
    client.force_authenticate(make_representative(make_company()))
    assert client.get(f"/api/v1/units/{unit.pk}/").status_code == 200
    assert client.patch(f"/api/v1/units/{unit.pk}/", {"name": "Mine"}).status_code == 403
    assert client.delete(f"/api/v1/units/{unit.pk}/").status_code == 403
    unit.refresh_from_db()
    assert unit.version == 1


def test_occupancy_today_counts_a_leased_office_whole_and_a_pools_desks(user_client):
    today = timezone.localdate()
    office = make_unit(code="A-1-01", capacity=8)
    pool = make_pool(desks=10, code="A-1-02", floor=office.floor)
    make_lease(unit=office, start_date=today, end_date=None)
    make_lease(unit=pool, desks=3, start_date=today, end_date=None)
    make_lease(unit=pool, desks=4, start_date=date(2000, 1, 1), end_date=date(2000, 12, 31))
    response = user_client.get("/api/v1/units/", {"park": str(office.park_id)})
    assert [(row["code"], row["occupancy_today"]) for row in response.json()["results"]] == [
        ("A-1-01", {"capacity": 8, "leased": 8, "rate": 1.0}),
        ("A-1-02", {"capacity": 10, "leased": 3, "rate": 0.3}),
    ]
    detail = user_client.get(f"/api/v1/units/{pool.pk}/").json()
    assert detail["occupancy_today"] == {"capacity": 10, "leased": 3, "rate": 0.3}


def test_units_filter_by_place_kind_state_area_and_capacity(user_client):
    floor = make_floor()
    office = make_unit(floor=floor, code="O", area_m2="80.00", capacity=10)
    lab = make_unit(floor=floor, code="L", kind="lab", area_m2="30.00", capacity=4)
    idle = make_unit(
        floor=floor, code="I", kind="lab", area_m2="30.00", capacity=2, is_active=False
    )
    elsewhere = make_unit(code="E")

    def codes(**params):
        response = user_client.get("/api/v1/units/", params)
        assert response.status_code == 200, response.json()
        return [row["code"] for row in response.json()["results"]]

    assert codes(park=str(floor.building.park_id)) == ["I", "L", "O"]
    assert codes(building=str(floor.building_id)) == ["I", "L", "O"]
    assert codes(floor=str(elsewhere.floor_id)) == ["E"]
    assert codes(floor=str(floor.pk), kind="lab") == ["I", "L"]
    assert codes(floor=str(floor.pk), is_active="false") == ["I"]
    assert codes(floor=str(floor.pk), min_area="50") == ["O"]
    assert codes(floor=str(floor.pk), max_area="30.00") == ["I", "L"]
    assert codes(floor=str(floor.pk), min_capacity=5) == ["O"]
    assert (office, lab, idle) == tuple(Unit.objects.filter(code__in="OLI").order_by("-code"))


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "castle"},
        {"is_active": "maybe"},
        {"min_area": "lots"},
        {"min_capacity": "1.5"},
        {"available_from": "2027-01-01"},
        {"available_to": "2027-01-01"},
        {"available_from": "2027-02-01", "available_to": "2027-01-01"},
        {"desks": "2"},
        {"available_from": "2027-01-01", "available_to": "2027-01-31", "desks": "0"},
        {"min_capacity": "99999999999999999999"},
    ],
)
def test_invalid_unit_filters_are_400(user_client, params):
    response = user_client.get("/api/v1/units/", params)
    assert (response.status_code, response.json()["code"]) == (400, "validation_error")


@pytest.mark.parametrize("count", [1, 50])
def test_the_unit_list_runs_the_same_queries_for_one_or_fifty(
    manager_client, count, django_assert_max_num_queries
):
    floor = make_floor()
    for number in range(count):
        unit = make_unit(floor=floor, code=f"U-{number:03d}")
        make_lease(unit=unit)
    # the manager's groups, the throttle's 6 (database cache), the count and the page
    with django_assert_max_num_queries(9):
        response = manager_client.get(
            "/api/v1/units/",
            {"page_size": 100, "available_from": "2028-01-01", "available_to": "2028-01-31"},
        )
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_the_park_building_and_floor_lists_run_constant_queries(
    manager_client, count, django_assert_max_num_queries
):
    park = make_park()
    for _ in range(count):
        make_floor(park=park)
    for path in ("/api/v1/parks/", "/api/v1/buildings/", "/api/v1/floors/"):
        with django_assert_max_num_queries(9):
            response = manager_client.get(path, {"page_size": 100})
        assert response.status_code == 200
