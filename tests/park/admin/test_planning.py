"""The unit list's planning pages: the range availability search and the lease timeline."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.utils import timezone

from park.models import Lease
from park.occupancy import tenant_name
from tests.factories import make_floor, make_lease, make_pool, make_unit, make_user


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def codes(response):
    return [row["unit"].code for row in response.context["results"]]


@pytest.fixture
def space():
    """Two offices and a 10-desk pool on one floor, a lab on another building's floor."""
    floor = make_floor()
    taken = make_unit(floor=floor, code="A-1-01", monthly_rate_vnd=22_950_000)
    free = make_unit(floor=floor, code="A-1-02", monthly_rate_vnd=22_950_000)
    pool = make_pool(floor=floor, code="A-1-CW", desks=10)
    lab = make_unit(floor=make_floor(park=floor.building.park), code="B-1-01", kind="lab")
    make_lease(unit=taken, start_date=date(2027, 3, 10), end_date=date(2027, 3, 20))
    make_lease(unit=pool, start_date=date(2027, 3, 1), end_date=date(2027, 3, 31), desks=7)
    return {"taken": taken, "free": free, "pool": pool, "lab": lab, "floor": floor}


def test_the_availability_page_lists_units_free_for_the_whole_range(admin_client, space):
    response = admin_client.get(
        "/admin/park/unit/availability/", {"start_date": "2027-03-01", "end_date": "2027-03-31"}
    )

    assert response.status_code == 200
    assert codes(response) == ["A-1-02", "A-1-CW", "B-1-01"]
    assert [row["rate"] for row in response.context["results"]] == [
        "22,950,000 đ",
        "1,500,000 đ",
        "15,000,000 đ",
    ]
    page = response.content.decode()
    assert (
        f'href="/admin/park/lease/add/?unit={space["free"].pk}&amp;start_date=2027-03-01'
        '&amp;end_date=2027-03-31"' in page
    )


def test_the_availability_page_takes_desks_and_filters_by_building_and_kind(admin_client, space):
    rng = {"start_date": "2027-03-01", "end_date": "2027-03-31"}
    url = "/admin/park/unit/availability/"

    four = admin_client.get(url, {**rng, "desks": "4"})
    in_building = admin_client.get(url, {**rng, "building": str(space["floor"].building.pk)})
    pools = admin_client.get(url, {**rng, "desks": "3", "kind": "coworking"})

    assert codes(four) == ["A-1-02", "B-1-01"]  # the pool has 3 desks free
    assert codes(in_building) == ["A-1-02", "A-1-CW"]
    assert codes(pools) == ["A-1-CW"]
    assert (
        f'href="/admin/park/lease/add/?unit={space["pool"].pk}&amp;start_date=2027-03-01'
        '&amp;end_date=2027-03-31&amp;desks=3"' in pools.content.decode()
    )


def test_the_lease_form_opens_prefilled_from_an_availability_link(admin_client, space):
    response = admin_client.get(
        "/admin/park/lease/add/",
        {
            "unit": str(space["pool"].pk),
            "start_date": "2027-04-01",
            "end_date": "2027-06-30",
            "desks": "3",
        },
    )

    form = response.context["adminform"].form
    assert (form["unit"].value(), form["start_date"].value(), form["desks"].value()) == (
        str(space["pool"].pk),
        "2027-04-01",
        "3",
    )


def test_bad_dates_on_the_availability_page_are_form_errors_not_a_500(admin_client, space):
    url = "/admin/park/unit/availability/"
    bad = admin_client.get(url, {"start_date": "2027-02-30", "end_date": "2027-03-01"})
    backwards = admin_client.get(url, {"start_date": "2027-03-31", "end_date": "2027-03-01"})
    zero = admin_client.get(
        url, {"start_date": "2027-03-01", "end_date": "2027-03-31", "desks": "0"}
    )

    assert bad.status_code == backwards.status_code == zero.status_code == 200
    assert bad.context["form"].errors == {"start_date": ["Enter a valid date."]}
    assert backwards.context["form"].errors == {"end_date": ["The end cannot be before the start."]}
    assert zero.context["form"].errors == {
        "desks": ["Ensure this value is greater than or equal to 1."]
    }
    assert bad.context["results"] is None


def test_the_timeline_shows_units_by_month_with_free_runs(admin_client, space):
    response = admin_client.get(
        "/admin/park/unit/timeline/",
        {"start_month": "2027-01", "building": str(space["floor"].building.pk)},
    )

    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert timeline["months"][0] == date(2027, 1, 1)
    assert len(timeline["months"]) == 12
    rows = {row["unit"].code: row["cells"] for row in timeline["rows"]}
    assert list(rows) == ["A-1-01", "A-1-02", "A-1-CW"]
    taken = tenant_name(Lease.objects.get(unit=space["taken"]).company)
    assert [(cell["span"], cell["state"], cell["label"]) for cell in rows["A-1-01"]] == [
        (2, "free", ""),
        (1, "leased", taken),
        (9, "free", ""),
    ]
    assert [(cell["span"], cell["state"], cell["label"]) for cell in rows["A-1-CW"]] == [
        (2, "free", "0/10"),
        (1, "partly", "7/10"),
        (9, "free", "0/10"),
    ]
    assert '<td class="free" colspan="9"' in response.content.decode()


def test_a_bad_month_on_the_timeline_is_said_and_the_page_starts_this_month(admin_client):
    response = admin_client.get("/admin/park/unit/timeline/", {"start_month": "2027-13"})

    assert response.status_code == 200
    assert response.context["first_month"] == timezone.localdate().replace(day=1)
    assert messages_of(response) == ["Ignored, not valid: First month."]


def test_the_planning_pages_are_for_managers_only(client):
    staff = make_user()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    staff.user_permissions.add(Permission.objects.get(codename="view_unit"))
    client.force_login(staff)
    assert client.get("/admin/park/unit/").status_code == 200  # staff with the permission
    assert client.get("/admin/park/unit/timeline/").status_code == 403
    assert client.get("/admin/park/unit/availability/").status_code == 403


def test_the_index_and_the_unit_list_link_the_planning_pages(admin_client):
    for page in (admin_client.get("/admin/"), admin_client.get("/admin/park/unit/")):
        html = page.content.decode()
        assert 'href="/admin/park/unit/availability/"' in html
        assert 'href="/admin/park/unit/timeline/"' in html
