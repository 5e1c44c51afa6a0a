import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from park import maps
from park.admin.space import UnitAdmin
from park.maps import floor_map_png, map_font, unit_states
from park.services import lease_cancel
from tenants.services import company_update
from tests.factories import (
    make_company,
    make_floor,
    make_lease,
    make_pool,
    make_representative,
    make_unit,
)

DAY = date(2027, 6, 15)


def square(left, top, size=200):
    return [[left, top], [left + size, top], [left + size, top + size], [left, top + size]]


def pixel_inside(image, polygon, floor):
    """The colour just inside the polygon's top-left corner (clear of its centred label)."""
    scale = min(maps.PLAN_BOX[0] / floor.plan_width, maps.PLAN_BOX[1] / floor.plan_height)
    x, y = polygon[0]
    return image.getpixel(
        (round(maps.MARGIN + x * scale) + 6, round(maps.MARGIN + maps.TITLE_HEIGHT + y * scale) + 6)
    )


@pytest.fixture
def representative(db):
    return make_representative()


@pytest.fixture
def floor(db):
    return make_floor(plan_width=1000, plan_height=600)


def test_each_unit_is_filled_with_the_colour_of_its_state_on_the_day(floor):
    leased = make_unit(floor=floor, code="A-1-01", plan_polygon=square(0, 0))
    upcoming = make_unit(floor=floor, code="A-1-02", plan_polygon=square(250, 0))
    free = make_unit(floor=floor, code="A-1-03", plan_polygon=square(500, 0))
    inactive = make_unit(floor=floor, code="A-1-04", is_active=False, plan_polygon=square(750, 0))
    partly = make_pool(floor=floor, code="A-1-CW", desks=10, plan_polygon=square(0, 300))
    full = make_pool(floor=floor, code="A-1-CX", desks=2, plan_polygon=square(250, 300))
    make_lease(unit=leased, start_date=date(2027, 1, 1), end_date=DAY)
    make_lease(unit=upcoming, start_date=DAY + timedelta(days=30))
    make_lease(unit=free, start_date=DAY + timedelta(days=31))
    make_lease(unit=partly, desks=4, start_date=date(2027, 1, 1))
    make_lease(unit=full, desks=2, start_date=DAY)

    image = Image.open(io.BytesIO(floor_map_png(floor=floor, on=DAY)))

    assert image.format == "PNG"
    colours = {
        unit.code: pixel_inside(image, unit.plan_polygon, floor)
        for unit in (leased, upcoming, free, inactive, partly, full)
    }
    assert colours == {
        "A-1-01": maps.STATE_COLOURS[maps.LEASED],
        "A-1-02": maps.STATE_COLOURS[maps.UPCOMING],
        "A-1-03": maps.STATE_COLOURS[maps.FREE],
        "A-1-04": maps.STATE_COLOURS[maps.INACTIVE],
        "A-1-CW": maps.STATE_COLOURS[maps.PARTLY_LEASED],
        "A-1-CX": maps.STATE_COLOURS[maps.LEASED],
    }


def test_states_name_the_tenant_by_short_name_else_legal_name(floor):
    office = make_unit(floor=floor, code="A-1-01")
    pool = make_pool(floor=floor, code="A-1-CW", desks=10)
    soon = make_unit(floor=floor, code="A-1-02")
    ended = make_unit(floor=floor, code="A-1-03")
    cancelled = make_unit(floor=floor, code="A-1-04")
    dong_thap = make_company(legal_name="Công ty Cổ phần Đồng Tháp", short_name="Đồng Tháp")
    my_tho = make_company(legal_name="Công ty TNHH Mỹ Tho", short_name="")
    make_lease(unit=office, company=dong_thap, start_date=date(2027, 1, 1))
    make_lease(unit=pool, company=dong_thap, desks=3, start_date=date(2027, 1, 1))
    make_lease(unit=pool, company=my_tho, desks=2, start_date=date(2027, 1, 1))
    make_lease(unit=soon, company=my_tho, start_date=DAY + timedelta(days=1))
    make_lease(unit=ended, company=my_tho, start_date=date(2027, 1, 1), end_date=DAY - timedelta(1))
    lease_cancel(
        lease=make_lease(
            unit=cancelled, company=my_tho, start_date=date(2099, 1, 1), end_date=None
        ),
        actor=None,
    )

    states = unit_states(units=[office, pool, soon, ended, cancelled], on=DAY)

    assert [(s.unit.code, s.state, s.tenant, s.leased_desks, s.starts_on) for s in states] == [
        ("A-1-01", "leased", "Đồng Tháp", 8, None),
        ("A-1-CW", "partly_leased", "Đồng Tháp +1", 5, None),
        ("A-1-02", "upcoming", "Công ty TNHH Mỹ Tho", 0, DAY + timedelta(days=1)),
        ("A-1-03", "free", "", 0, None),
        ("A-1-04", "free", "", 0, None),
    ]


def test_units_without_a_usable_polygon_are_left_out_and_the_map_still_draws(floor):
    make_unit(floor=floor, code="A-1-01", plan_polygon=None)
    make_unit(floor=floor, code="A-1-02", plan_polygon=[[0, 0], [10, "x"], [5, 5]])
    make_unit(floor=floor, code="A-1-03", plan_polygon={"not": "a list"})

    image = Image.open(io.BytesIO(floor_map_png(floor=floor, on=DAY)))

    assert image.size == (1240, 848)  # 1000 x 600 scaled by 1.2, title and legend
    # The plan area is empty: white where the units would be.
    assert image.getpixel((300, 300)) == (255, 255, 255)


def test_the_labels_use_a_font_with_vietnamese_diacritics():
    font = map_font(14)
    assert font.getname()[0] in {"DejaVu Sans", "Liberation Sans", "Noto Sans"}
    # Every letter of "Đồng Tháp" has its own glyph (Pillow's fallback draws boxes).
    assert all(font.getmask(letter).getbbox() for letter in "Đồng Tháp".replace(" ", ""))


@pytest.mark.parametrize("unit_count", [1, 50])
def test_a_map_runs_the_same_queries_for_one_unit_or_many(
    floor, unit_count, django_assert_max_num_queries
):
    for number in range(unit_count):
        unit = make_unit(
            floor=floor,
            code=f"M-{number:03d}",
            plan_polygon=square(20 * (number % 45), 300 * (number // 45), size=18),
        )
        make_lease(unit=unit, start_date=date(2027, 1, 1))
    with django_assert_max_num_queries(3):
        floor_map_png(floor=floor, on=DAY)


# --- the API ----------------------------------------------------------------------------------


def test_the_map_endpoint_answers_a_png_to_any_signed_in_user(floor, user_client):
    unit = make_unit(floor=floor, plan_polygon=square(0, 0))
    make_lease(unit=unit, start_date=date(2027, 1, 1))

    response = user_client.get(f"/api/v1/floors/{floor.pk}/map.png", {"on": "2027-06-15"})

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == floor_map_png(floor=floor, on=DAY)


def test_tenant_names_are_drawn_on_the_maps_of_managers_only(floor, manager, user, representative):
    # Names are the managers': a company that did not consent to the directory is not named
    # to every signed-in user (an applicant, a reviewer, another tenant).
    unit = make_unit(floor=floor, plan_polygon=square(0, 0, size=400))
    company = make_company(legal_name="Công ty Cổ phần Đồng Tháp", short_name="Đồng Tháp")
    make_lease(unit=unit, company=company, start_date=date(2027, 1, 1))
    path = f"/api/v1/floors/{floor.pk}/map.png"

    def maps():
        seen = {}
        for who, caller in [("manager", manager), ("user", user), ("tenant", representative)]:
            client = APIClient()
            client.force_authenticate(caller)
            seen[who] = client.get(path, {"on": "2027-06-15"}).content
        return seen

    before = maps()
    company_update(company=company, data={"short_name": "Sen Vàng"}, actor=None)
    after = maps()

    assert before["manager"] != after["manager"]  # the manager's map names the tenant
    assert before["user"] == after["user"] == before["tenant"] == after["tenant"]
    assert after["user"] == floor_map_png(floor=floor, on=DAY)  # no viewer: no names
    assert after["manager"] == floor_map_png(floor=floor, on=DAY, viewer=manager)


def test_the_map_endpoint_defaults_to_today(floor, manager_client):
    from django.utils import timezone

    response = manager_client.get(f"/api/v1/floors/{floor.pk}/map.png")

    assert response.status_code == 200
    assert response.content == floor_map_png(floor=floor, on=timezone.localdate())


def test_an_unknown_floor_is_a_404(db, manager_client):
    path = "/api/v1/floors/00000000-0000-0000-0000-000000000000/map.png"
    response = manager_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "Not found.",
        "code": "not_found",
        "instance": path,
    }


def test_a_bad_date_is_a_400_on_on(floor, manager_client):
    path = f"/api/v1/floors/{floor.pk}/map.png"
    response = manager_client.get(path, {"on": "2027-02-30"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"] == [
        {
            "field": "on",
            "code": "invalid",
            "message": "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        }
    ]
    assert body["instance"] == path


def test_the_last_day_of_the_calendar_draws_without_overflow(floor, manager_client):
    make_unit(floor=floor, plan_polygon=square(0, 0))
    response = manager_client.get(f"/api/v1/floors/{floor.pk}/map.png", {"on": "9999-12-31"})
    assert response.status_code == 200


def test_anonymous_callers_get_a_401(floor, api_client):
    response = api_client.get(f"/api/v1/floors/{floor.pk}/map.png")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_pool_names_its_tenants_as_the_unit_list_does(floor, manager, client):
    """One rule: the lease with the most desks first (not the earliest), then "+N"."""
    pool = make_pool(floor=floor, code="A-1-CW", desks=20)
    today = timezone.localdate()
    early = make_company(legal_name="Công ty CM Chain", short_name="CM Chain")
    big = make_company(legal_name="Công ty CG Engineers", short_name="CG Engineers")
    make_lease(unit=pool, company=early, desks=2, start_date=today - timedelta(days=30))
    make_lease(unit=pool, company=big, desks=6, start_date=today)
    make_lease(unit=pool, company=make_company(), desks=1, start_date=today)

    [state] = unit_states(units=[pool], on=today)
    client.force_login(manager)
    [listed] = client.get("/admin/park/unit/").context["cl"].result_list

    assert state.tenant == "CG Engineers +2"
    assert (listed.tenant_today, listed.tenants_today) == ("CG Engineers", 3)
    assert UnitAdmin.current_tenant(None, listed) == state.tenant
