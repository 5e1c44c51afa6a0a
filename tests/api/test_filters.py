"""Every query parameter of every GET in the schema refuses a bad value with a 400 naming it.

The walk is driven by docs/openapi.yaml (the committed contract, equal to the generated schema):
a new list, filter or parameter is covered the moment it is documented. A filter that ignores a
value it cannot read (django-filter's own boolean filter turns `maybe` into "no filter" and
answers every row) fails here.
"""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from chain.services import partner_create, partner_key_create
from tests.bookings.factories import make_room
from tests.factories import (
    make_company,
    make_floor,
    make_manager,
    make_park,
    make_program,
)

SCHEMA = yaml.safe_load((Path(settings.BASE_DIR) / "docs" / "openapi.yaml").read_text())

# Not filters: paging and content negotiation have their own rules (a page past the end is a
# 404, an unknown format a 404), and free text has no bad value.
NOT_FILTERS = {"page", "page_size", "format", "search"}


def bad_value(schema: dict) -> str | None:
    """A value of the parameter's documented type that no filter may accept."""
    if schema.get("type") == "array":
        return bad_value(schema["items"])
    if "enum" in schema:
        return "no-such-choice"
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "boolean":
        return "maybe"
    if kind in {"integer", "number"}:
        return "lots"
    if fmt == "date":
        return "2027-02-30"
    if fmt == "date-time":
        return "yesterday"
    if fmt == "uuid":
        return "not-a-uuid"
    return None  # free text


def filter_cases() -> list[tuple[str, str, str]]:
    cases = []
    for path, operations in SCHEMA["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        for parameter in get.get("parameters", []):
            name = parameter["name"]
            if parameter["in"] != "query" or name in NOT_FILTERS:
                continue
            value = "no_such_field" if name == "ordering" else bad_value(parameter["schema"])
            if value is not None:
                cases.append((path, name, value))
    return cases


CASES = filter_cases()


def test_the_walk_covers_the_filters_the_issue_names():
    named = {(path, name) for path, name, _value in CASES}

    assert {
        ("/api/v1/companies/{company_pk}/contacts/", "is_primary"),
        ("/api/v1/chain/partners/", "is_active"),
        ("/api/v1/programs/", "is_published"),
        ("/api/v1/units/", "is_active"),
        ("/api/v1/leases/", "active_on"),
        ("/api/v1/units/", "min_area"),
        ("/api/v1/leases/", "unit"),
        ("/api/v1/leases/", "status"),
    } <= named


@pytest.fixture
def world(db):
    """One record behind each id a path of the schema names."""
    park = make_park(is_home=True)
    floor = make_floor(park=park)
    unit = make_room(floor=floor)  # a bookable meeting room: its slots are a list too
    company = make_company()
    program = make_program()
    partner = partner_create(
        data={"name": "Quang Trung", "slug": "quang-trung", "base_url": "https://qtsc.example/"},
        actor=None,
    )
    _record, key = partner_key_create(partner=partner, actor=None)
    ids = {
        "{company_pk}": company.pk,
        "/floors/{id}": floor.pk,
        "/units/{id}": unit.pk,
        "/programs/{id}": program.pk,
    }
    return ids, key


def concrete(path: str, ids: dict) -> str | None:
    for marker, value in ids.items():
        if marker in path:
            path = path.replace(marker.rsplit("/", 1)[-1], str(value))
    return None if "{" in path else path


@pytest.mark.parametrize(("path", "name", "value"), CASES, ids=[f"{p}?{n}" for p, n, _v in CASES])
def test_a_bad_filter_value_is_a_400_naming_the_parameter(api_client, world, path, name, value):
    ids, partner_key = world
    url = concrete(path, ids)
    assert url is not None, f"no record for the ids of {path}: add one to the world fixture"
    if path.startswith("/api/v1/directory/"):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_key}")
    else:
        api_client.force_authenticate(make_manager())

    response = api_client.get(url, {name: value})

    assert (response.status_code, response["Content-Type"]) == (400, "application/problem+json")
    body = response.json()
    assert body["code"] == "validation_error"
    assert name in [error["field"] for error in body["errors"]], body


@pytest.mark.parametrize("path", ["/api/v1/invoice-series/", "/companies/{company_pk}/reports/"])
@pytest.mark.parametrize("year", ["972960", "-2256"])
def test_a_year_the_column_cannot_hold_is_a_400_not_a_database_error(
    manager_client, world, path, year
):
    # PostgreSQL's smallint refused the comparison with a DataError (a 500) before the bound.
    ids, _key = world
    url = concrete(path if path.startswith("/api") else f"/api/v1{path}", ids)
    response = manager_client.get(url, {"year": year})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["year"]
