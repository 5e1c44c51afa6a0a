"""Every park list filter and hand-read query parameter: a bad value is a 400 problem naming
the parameter; booleans take true/false/1/0 and nothing else."""

import pytest

from tests.factories import make_floor, make_park, make_unit

pytestmark = pytest.mark.django_db


def named(response) -> list[str]:
    assert (response.status_code, response["Content-Type"]) == (400, "application/problem+json")
    return sorted({error["field"] for error in response.json()["errors"]})


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/units/", {"is_active": "maybe"}, "is_active"),
        ("/api/v1/units/", {"kind": "castle"}, "kind"),
        ("/api/v1/units/", {"min_area": "lots"}, "min_area"),
        ("/api/v1/units/", {"min_capacity": "1.5"}, "min_capacity"),
        ("/api/v1/units/", {"available_from": "2027-02-30", "available_to": "x"}, "available_from"),
        ("/api/v1/units/", {"available_from": "2027-01-01"}, "available_to"),
        ("/api/v1/units/", {"available_to": "2027-01-01"}, "available_from"),
        ("/api/v1/units/", {"desks": "2"}, "desks"),
        ("/api/v1/buildings/", {"park": "nope"}, "park"),
        ("/api/v1/floors/", {"building": "nope"}, "building"),
        ("/api/v1/leases/", {"status": "sleeping"}, "status"),
        ("/api/v1/leases/", {"active_on": "tomorrow"}, "active_on"),
        ("/api/v1/leases/", {"ending_within_days": "-1"}, "ending_within_days"),
        ("/api/v1/occupancy/", {"on": "2027-13-01"}, "on"),
        ("/api/v1/occupancy/series/", {"from": "2027-01-01", "to": "soon"}, "to"),
        ("/api/v1/reports/summary/", {"park": "nope", "year": "1900"}, "park"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(manager_client, path, params, field):
    assert field in named(manager_client.get(path, params))


@pytest.mark.parametrize(
    ("value", "expected"), [("true", ["A"]), ("1", ["A"]), ("false", ["I"]), ("0", ["I"])]
)
def test_is_active_takes_true_false_one_and_zero(user_client, value, expected):
    floor = make_floor(park=make_park())
    make_unit(floor=floor, code="A")
    make_unit(floor=floor, code="I", is_active=False)
    response = user_client.get("/api/v1/units/", {"floor": str(floor.pk), "is_active": value})
    assert [unit["code"] for unit in response.json()["results"]] == expected
