"""The park admin through Django's test client: every save goes through park/services.py."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from park.maps import floor_map_png
from park.models import Lease, LeaseStatus, Unit
from tests.factories import (
    make_company,
    make_floor,
    make_lease,
    make_park,
    make_pool,
    make_unit,
)


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


def today():
    return timezone.localdate()


def lease_form(unit, company, **overrides):
    data = {
        "unit": str(unit.pk),
        "company": str(company.pk),
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "desks": "",
        "monthly_rent_vnd": "",
        "deposit_vnd": "0",
        "contract_number": "",
        "note": "",
        "meeting_hours_monthly": "0",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def page_of(response):
    return response.content.decode()


# --- adding leases --------------------------------------------------------------------------


def test_adding_a_lease_goes_through_lease_create(admin_client, manager):
    unit = make_unit(code="A-1-07", capacity=6, monthly_rate_vnd=12_000_000)
    company = make_company(legal_name="Công ty Cổ phần Đồng Tháp")

    response = admin_client.post(
        "/admin/park/lease/add/", lease_form(unit, company, contract_number="HĐ-01")
    )

    assert response.status_code == 302
    lease = Lease.objects.get()
    assert (lease.unit, lease.company, lease.desks, lease.monthly_rent_vnd) == (
        unit,
        company,
        6,
        12_000_000,
    )
    assert (lease.start_date, lease.end_date, lease.contract_number) == (
        date(2027, 1, 1),
        date(2027, 12, 31),
        "HĐ-01",
    )
    assert lease.history.get().history_user == manager


def test_a_free_desk_of_a_pool_is_leased_with_its_per_desk_rent(admin_client):
    pool = make_pool(desks=10, code="B-1-CW")
    company = make_company()

    response = admin_client.post("/admin/park/lease/add/", lease_form(pool, company, desks="3"))

    assert response.status_code == 302
    assert Lease.objects.values_list("desks", "monthly_rent_vnd").get() == (3, 4_500_000)


def test_a_taken_office_is_a_form_error_naming_the_conflicting_lease(admin_client):
    unit = make_unit(code="A-3-07")
    holder = make_company(legal_name="Công ty TNHH Mỹ Tho", short_name="Mỹ Tho Soft")
    taken = make_lease(
        unit=unit,
        company=holder,
        start_date=date(2027, 1, 1),
        end_date=date(2027, 6, 30),
        contract_number="HĐ-2027-001",
    )

    response = admin_client.post(
        "/admin/park/lease/add/",
        lease_form(unit, make_company(), start_date="2027-06-30", end_date="2027-09-30"),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Unit A-3-07 is leased from 2027-01-01 to 2027-06-30. Conflicting leases: "
        f'<a href="/admin/park/lease/{taken.pk}/change/">Mỹ Tho Soft, 2027-01-01 to '
        "2027-06-30, 8 desk(s), contract HĐ-2027-001</a>"
    ]
    assert "Conflicting leases:" in page_of(response)
    assert list(Lease.objects.all()) == [taken]


def test_an_inactive_unit_and_wrong_desks_are_form_errors(admin_client):
    inactive = make_unit(is_active=False, code="A-9-01")
    office = make_unit(capacity=8)
    company = make_company()

    response = admin_client.post("/admin/park/lease/add/", lease_form(inactive, company))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "__all__": ["Unit A-9-01 is under maintenance."]
    }

    response = admin_client.post("/admin/park/lease/add/", lease_form(office, company, desks="3"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "desks": [f"{office.code} is leased whole: desks must be its capacity, 8."]
    }

    response = admin_client.post(
        "/admin/park/lease/add/",
        lease_form(office, company, start_date="2027-05-01", end_date="2027-04-01"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "end_date": ["The end date cannot be before the start date."]
    }
    assert Lease.objects.count() == 0


def test_the_change_form_edits_only_the_terms_through_lease_update(admin_client, manager):
    lease = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    response = admin_client.get(f"/admin/park/lease/{lease.pk}/change/")
    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields) == [
        "note",
        "deposit_vnd",
        "contract_number",
        "monthly_rent_vnd",
        "meeting_hours_monthly",
    ]

    response = admin_client.post(
        f"/admin/park/lease/{lease.pk}/change/",
        {
            "note": "Gia hạn sau",
            "deposit_vnd": "30000000",
            "contract_number": "HĐ-77",
            "monthly_rent_vnd": str(lease.monthly_rent_vnd),
            "meeting_hours_monthly": "0",
            "end_date": "2030-01-01",  # not a field of the form: ignored
        },
    )

    assert response.status_code == 302
    lease.refresh_from_db()
    assert (lease.note, lease.deposit_vnd, lease.contract_number, lease.end_date) == (
        "Gia hạn sau",
        30_000_000,
        "HĐ-77",
        date(2027, 12, 31),
    )
    assert lease.version == 2
    assert lease.history.latest().history_user == manager
    assert admin_client.get(f"/admin/park/lease/{lease.pk}/history/").status_code == 200


def test_a_lease_cannot_be_deleted_in_the_admin(admin_client):
    lease = make_lease()
    response = admin_client.post(f"/admin/park/lease/{lease.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Lease.objects.filter(pk=lease.pk).exists()


# --- actions --------------------------------------------------------------------------------


def run_action(admin_client, action, leases):
    return admin_client.post(
        "/admin/park/lease/",
        {"action": action, "_selected_action": [str(lease.pk) for lease in leases]},
        follow=True,
    )


def test_terminate_today_ends_running_leases_and_explains_refusals(admin_client):
    running = make_lease(start_date=today() - timedelta(days=40), end_date=None)
    future = make_lease(start_date=today() + timedelta(days=10), end_date=None)

    response = run_action(admin_client, "lease_terminated", [running, future])

    running.refresh_from_db()
    future.refresh_from_db()
    assert running.end_date == today()
    assert future.end_date is None
    assert messages_of(response) == [
        f"{future.company}, {future.start_date} to open end, 8 desk(s): The lease starts on "
        f"{future.start_date}; it cannot end before that.",
        "1 lease(s) terminated.",
    ]


def test_renew_by_one_year_extends_and_refuses_conflicts_and_open_ends(admin_client):
    unit = make_unit()
    renewable = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    blocked = make_lease(unit=unit, start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))
    make_lease(unit=unit, start_date=date(2028, 1, 1), end_date=date(2028, 12, 31))
    open_ended = make_lease(start_date=date(2027, 1, 1), end_date=None)

    response = run_action(admin_client, "lease_renewed", [renewable, blocked, open_ended])

    for lease in (renewable, blocked, open_ended):
        lease.refresh_from_db()
    assert (renewable.end_date, blocked.end_date, open_ended.end_date) == (
        date(2028, 12, 31),
        date(2027, 6, 30),
        None,
    )
    # One message per refusal (in the leases' pk order), then the count.
    *refusals, count = messages_of(response)
    assert sorted(refusals) == sorted(
        [
            f"{blocked.company}, 2027-01-01 to 2027-06-30, 8 desk(s): Unit {unit.code} is "
            "leased from 2028-01-01 to 2028-12-31.",
            f"{open_ended.company}, 2027-01-01 to open end, 8 desk(s): The lease is "
            "open-ended: renewing cannot extend it (terminate it to shorten).",
        ]
    )
    assert count == "1 lease(s) renewed."


def test_cancel_frees_an_upcoming_lease(admin_client):
    upcoming = make_lease(start_date=today() + timedelta(days=5), end_date=None)
    response = run_action(admin_client, "lease_cancelled", [upcoming])
    upcoming.refresh_from_db()
    assert upcoming.cancelled_at is not None
    assert messages_of(response) == ["1 lease(s) cancelled."]


# --- lists and filters ----------------------------------------------------------------------


def test_the_lease_list_filters_by_ending_within_90_days_and_by_status(admin_client):
    soon = make_lease(start_date=today() - timedelta(days=100), end_date=today() + timedelta(89))
    later = make_lease(start_date=today() - timedelta(days=100), end_date=today() + timedelta(91))
    upcoming = make_lease(start_date=today() + timedelta(days=3), end_date=None)

    response = admin_client.get("/admin/park/lease/", {"ending_within": "90"})
    assert list(response.context["cl"].result_list) == [soon]

    response = admin_client.get("/admin/park/lease/", {"status": "active"})
    assert set(response.context["cl"].result_list) == {soon, later}
    response = admin_client.get("/admin/park/lease/", {"status": "upcoming"})
    assert list(response.context["cl"].result_list) == [upcoming]
    assert "Upcoming" in page_of(response)


def test_the_unit_list_shows_todays_occupancy_and_tenant(admin_client):
    floor = make_floor()
    office = make_unit(floor=floor, code="U-01", capacity=6)
    pool = make_pool(floor=floor, code="U-02", desks=10)
    make_unit(floor=floor, code="U-03")
    dong_thap = make_company(legal_name="Công ty Đồng Tháp", short_name="Đồng Tháp")
    make_lease(unit=office, company=dong_thap, start_date=today(), end_date=None)
    make_lease(unit=pool, company=make_company(legal_name="An Giang"), desks=3, start_date=today())
    make_lease(unit=pool, company=dong_thap, desks=1, start_date=today() - timedelta(days=1))

    response = admin_client.get("/admin/park/unit/")

    assert response.status_code == 200
    rows = {
        unit.code: (unit.desks_on_lease, unit.tenant_today, unit.tenants_today)
        for unit in response.context["cl"].result_list
    }
    assert rows == {
        "U-01": (6, "Đồng Tháp", 1),
        "U-02": (4, "An Giang", 2),  # the most desks first, as on the floor map
        "U-03": (0, None, 0),
    }
    page = page_of(response)
    assert "6/6 (100%)" in page
    assert "4/10 (40%)" in page
    assert "An Giang +1" in page


@pytest.mark.parametrize("unit_count", [1, 50])
def test_the_unit_list_runs_the_same_queries_for_one_unit_or_many(
    admin_client, unit_count, django_assert_max_num_queries
):
    floor = make_floor()
    for number in range(unit_count):
        unit = make_unit(floor=floor, code=f"Q-{number:03d}")
        make_lease(unit=unit, start_date=today(), end_date=None)
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/park/unit/")
    assert len(response.context["cl"].result_list) == unit_count


def test_the_free_on_filter_keeps_units_with_room_on_that_day(admin_client):
    floor = make_floor()
    taken = make_unit(floor=floor, code="F-01")
    free = make_unit(floor=floor, code="F-02")
    full_pool = make_pool(floor=floor, code="F-03", desks=2)
    roomy_pool = make_pool(floor=floor, code="F-04", desks=10)
    make_unit(floor=floor, code="F-05", is_active=False)
    make_lease(unit=taken, start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    make_lease(unit=full_pool, desks=2, start_date=date(2027, 1, 1))
    make_lease(unit=roomy_pool, desks=9, start_date=date(2027, 1, 1))

    response = admin_client.get("/admin/park/unit/", {"free_on": "2027-03-01"})
    assert [unit.code for unit in response.context["cl"].result_list] == ["F-02", "F-04"]
    response = admin_client.get("/admin/park/unit/", {"free_on": "2028-01-01"})
    assert [unit.code for unit in response.context["cl"].result_list] == [
        "F-01",
        "F-02",
        "F-03",
        "F-04",
    ]
    assert free.code == "F-02"

    response = admin_client.get("/admin/park/unit/", {"free_on": "not-a-date"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/park/unit/?e=1"


def test_the_unit_list_filters_by_building_floor_kind_and_active(admin_client):
    floor = make_floor()
    office = make_unit(floor=floor, code="K-01")
    make_pool(floor=floor, code="K-02")
    make_unit(code="K-03")  # another building
    response = admin_client.get(
        "/admin/park/unit/",
        {
            "floor__building__id__exact": str(floor.building_id),
            "floor__id__exact": str(floor.pk),
            "kind__exact": "office",
            "is_active__exact": "1",
        },
    )
    assert list(response.context["cl"].result_list) == [office]


# --- space records through the services -----------------------------------------------------


def test_a_duplicate_unit_code_is_a_form_error_and_writes_nothing(admin_client, manager):
    floor = make_floor()
    make_unit(floor=floor, code="D-01")
    data = {
        "floor": str(floor.pk),
        "code": "D-01",
        "name": "",
        "kind": "office",
        "area_m2": "30",
        "capacity": "4",
        "monthly_rate_vnd": "1000",
        "is_active": "on",
        "plan_polygon": "null",
        "hourly_rate_vnd": "0",
    }

    response = admin_client.post("/admin/park/unit/add/", data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "code": ["The park already has a unit D-01."]
    }
    assert Unit.objects.count() == 1

    response = admin_client.post("/admin/park/unit/add/", {**data, "code": "D-02"})
    assert response.status_code == 302
    unit = Unit.objects.get(code="D-02")
    assert (unit.park_id, unit.history.get().history_user) == (floor.building.park_id, manager)


def test_a_park_building_and_floor_are_made_and_changed_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/park/park/add/",
        {
            "name": "Khu CNTT Cần Thơ",
            "slug": "can-tho",
            "city": "Cần Thơ",
            "province": "Cần Thơ",
            "land_area_m2": "5000",
            "booking_opens": "07:00",
            "booking_closes": "22:00",
            "booking_horizon_days": "90",
            "booking_free_cancel_hours": "24",
        },
    )
    assert response.status_code == 302
    from park.models import Building, Floor, Park

    park = Park.objects.get(slug="can-tho")
    response = admin_client.post(
        "/admin/park/building/add/",
        {
            "park": str(park.pk),
            "code": "C",
            "name": "Tòa C",
            "gross_area_m2": "100",
            "land_area_m2": "80",
        },
    )
    assert response.status_code == 302
    building = Building.objects.get(park=park)
    response = admin_client.post(
        "/admin/park/floor/add/",
        {
            "building": str(building.pk),
            "level": "2",
            "name": "Tầng 2",
            "plan_width": "800",
            "plan_height": "400",
        },
    )
    assert response.status_code == 302
    floor = Floor.objects.get(building=building)
    response = admin_client.post(
        f"/admin/park/floor/{floor.pk}/change/",
        {"level": "3", "name": "Tầng 3", "plan_width": "0", "plan_height": "400"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "plan_width": ["A floor plan is at least 1 x 1."]
    }
    floor.refresh_from_db()
    assert (floor.level, floor.version) == (2, 1)


def test_deleting_a_leased_unit_is_refused_without_an_error_page(admin_client):
    lease = make_lease()
    response = admin_client.post(
        f"/admin/park/unit/{lease.unit_id}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert Unit.objects.filter(pk=lease.unit_id).exists()


# --- dashboard and maps ---------------------------------------------------------------------


def test_the_dashboard_shows_occupancy_by_building_and_kind_and_a_chart(admin_client):
    park = make_park(name="Mekong Software Park", is_home=True)
    floor = make_floor(park=park)
    office = make_unit(floor=floor, code="A-1-01", capacity=8, area_m2="80.00")
    make_pool(floor=floor, code="A-1-CW", desks=10, area_m2="100.00")
    make_lease(
        unit=office, start_date=today() - timedelta(days=400), end_date=today() + timedelta(30)
    )

    response = admin_client.get("/admin/park/park/occupancy/")

    assert response.status_code == 200
    context = response.context
    assert context["park"] == park
    assert [(row["label"], row["leased"], row["capacity"]) for row in context["by_building"]] == [
        (floor.building.name, 8, 18)
    ]
    assert [(row["key"], row["leased"], row["capacity"]) for row in context["by_kind"]] == [
        ("office", 8, 8),
        ("coworking", 0, 10),
    ]
    assert len(context["chart"]["bars"]) == 12
    assert [lease.unit.code for lease in context["ending"]] == ["A-1-01"]
    page = page_of(response)
    assert "<svg" in page
    assert page.count('<rect class="bar"') == 12
    index = admin_client.get("/admin/")
    assert 'href="/admin/park/park/occupancy/"' in page_of(index)


def test_the_dashboard_takes_a_park_and_a_day_and_survives_a_bad_date(admin_client):
    make_park(is_home=True)
    other = make_park(name="Zeta")
    make_unit(floor=make_floor(park=other))
    response = admin_client.get(
        "/admin/park/park/occupancy/", {"park": str(other.pk), "on": "2027-02-28"}
    )
    assert (response.context["park"], response.context["on"]) == (other, date(2027, 2, 28))
    response = admin_client.get("/admin/park/park/occupancy/", {"on": "2027-02-30"})
    assert response.status_code == 200
    assert response.context["on"] == today()
    assert messages_of(response) == ["“2027-02-30” is not a date (YYYY-MM-DD); showing today."]


def test_the_dashboard_counts_meeting_rooms_in_the_area_but_not_as_desks(admin_client):
    park = make_park(is_home=True)
    floor = make_floor(park=park)
    office = make_unit(floor=floor, code="A-1-01", capacity=8, area_m2="80.00")
    room = make_unit(floor=floor, code="A-1-MR", kind="meeting_room", capacity=62, area_m2="70.00")
    make_lease(unit=office, start_date=today() - timedelta(days=400), end_date=None)
    make_lease(unit=room, start_date=today() - timedelta(days=400), end_date=None)

    context = admin_client.get("/admin/park/park/occupancy/").context

    [total] = context["totals"]
    assert (total["units"], total["leased"], total["capacity"], str(total["rate"])) == (
        2,
        8,
        8,
        "1.0000",
    )
    assert (str(total["area_m2"]), str(total["leased_area_m2"])) == ("150.00", "150.00")
    assert [(row["key"], row["leased"], row["capacity"]) for row in context["by_kind"]] == [
        ("office", 8, 8),
        ("meeting_room", 0, 0),
    ]
    assert (context["series"][-1]["leased"], context["series"][-1]["capacity"]) == (8, 8)


def test_the_floor_page_shows_its_map(admin_client):
    floor = make_floor()
    make_unit(floor=floor, plan_polygon=[[0, 0], [100, 0], [100, 100], [0, 100]])

    response = admin_client.get(f"/admin/park/floor/{floor.pk}/change/")

    assert response.status_code == 200
    assert f'<img src="/admin/park/floor/{floor.pk}/map.png"' in page_of(response)
    image = admin_client.get(f"/admin/park/floor/{floor.pk}/map.png", {"on": "2027-01-01"})
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_the_admin_floor_map_names_the_tenants_to_the_manager(admin_client, manager):
    floor = make_floor()
    unit = make_unit(floor=floor, plan_polygon=[[0, 0], [400, 0], [400, 400], [0, 400]])
    make_lease(unit=unit, start_date=date(2027, 1, 1))

    image = admin_client.get(f"/admin/park/floor/{floor.pk}/map.png", {"on": "2027-06-15"})

    on = date(2027, 6, 15)
    assert image.content == floor_map_png(floor=floor, on=on, viewer=manager)
    assert image.content != floor_map_png(floor=floor, on=on)  # the same map without names


def test_the_map_and_dashboard_need_a_staff_login(client, user):
    floor = make_floor()
    client.force_login(user)
    response = client.get(f"/admin/park/floor/{floor.pk}/map.png")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/park/park/occupancy/").status_code == 302


# --- money and the unit page ----------------------------------------------------------------


def test_the_lease_list_shows_the_rent_with_separators_and_dong(admin_client):
    make_lease(unit=make_unit(monthly_rate_vnd=22_950_000))

    english = page_of(admin_client.get("/admin/park/lease/"))
    vietnamese = page_of(admin_client.get("/admin/park/lease/", HTTP_ACCEPT_LANGUAGE="vi"))

    assert '<td class="field-monthly_rent">22,950,000 đ</td>' in english
    assert '<td class="field-monthly_rent">22.950.000 đ</td>' in vietnamese


def test_the_unit_page_lists_its_leases_and_draws_its_polygon(admin_client):
    floor = make_floor(plan_width=1000, plan_height=600)
    unit = make_unit(floor=floor, code="A-1-07", plan_polygon=[[0, 0], [100, 0], [100, 50]])
    company = make_company(legal_name="Công ty Cổ phần Đồng Tháp", short_name="Đồng Tháp")
    lease = make_lease(
        unit=unit,
        company=company,
        start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31),
        monthly_rent_vnd=12_000_000,
    )

    page = page_of(admin_client.get(f"/admin/park/unit/{unit.pk}/change/"))

    status = LeaseStatus(lease.status_on(today())).label
    assert (
        f'<tr><td><a href="/admin/park/lease/{lease.pk}/change/">Đồng Tháp</a></td>'
        f"<td>2027-01-01</td><td>2027-12-31</td><td>{status}</td>"
        '<td class="number">8</td><td class="number">12,000,000 đ</td><td></td></tr>'
    ) in page
    assert '<polygon points="0,0 100,0 100,50"' in page
    assert 'viewBox="0 0 1000 600"' in page


def test_a_unit_without_polygon_or_leases_says_so(admin_client):
    unit = make_unit()

    page = page_of(admin_client.get(f"/admin/park/unit/{unit.pk}/change/"))

    assert "No polygon: the unit is not drawn on the floor map." in page
    assert "No leases yet." in page


def test_leases_and_units_export_as_csv_from_their_lists(admin_client):
    unit = make_unit(code="A-1-01", name="=cmd")
    lease = make_lease(
        unit=unit, start_date=date(2031, 1, 1), end_date=date(2031, 12, 31), monthly_rent_vnd=5
    )
    company = lease.company

    leases = admin_client.post(
        "/admin/park/lease/", {"action": "export_csv", "_selected_action": [str(lease.pk)]}
    )
    units = admin_client.post(
        "/admin/park/unit/", {"action": "export_csv", "_selected_action": [str(unit.pk)]}
    )

    assert leases["Content-Disposition"] == 'attachment; filename="leases.csv"'
    assert leases.content.decode("utf-8-sig").split("\r\n")[1:] == [
        f"A-1-01,{company.legal_name},{company.tax_code},2031-01-01,2031-12-31,"
        f"{lease.desks},5,0,,Upcoming",
        "",
    ]
    assert units.content.decode("utf-8-sig").split("\r\n")[1] == (
        f"A-1-01,'=cmd,{unit.floor.building.name},Office,{unit.area_m2},{unit.capacity},"
        f"{unit.monthly_rate_vnd},Yes"
    )


def test_every_service_admins_history_shows_labels_not_codes(admin_client, manager):
    from park.services import unit_update

    unit = make_unit(kind="office")
    unit_update(unit=unit, data={"kind": "lab"}, actor=manager)

    page = admin_client.get(f"/admin/park/unit/{unit.pk}/history/")

    changes = page.context["page_obj"][0].history_delta_changes
    assert [(c["field"], c["old"], c["new"]) for c in changes] == [("Kind", "Office", "Lab")]


def test_the_dashboard_downloads_the_authorities_figures_of_a_year_as_csv(admin_client):
    from tests.factories import make_report

    park = make_park(is_home=True)
    unit = make_unit(floor=make_floor(park=park))
    lease = make_lease(unit=unit, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
    company = lease.company
    make_report(company, year=2025, period="Y", revenue_vnd=1_000, headcount=4, it_headcount=3)

    dashboard = admin_client.get("/admin/park/park/occupancy/", {"on": "2026-06-30"})
    link = f"/admin/park/park/{park.pk}/summary.csv?year=2025"
    assert f'href="{link}"' in page_of(dashboard)
    response = admin_client.get(link, HTTP_ACCEPT_LANGUAGE="vi")

    assert response["Content-Disposition"] == (
        f'attachment; filename="summary-{park.slug}-2025.csv"'
    )
    header, row, total, end = response.content.decode("utf-8-sig").split("\r\n")
    assert header == (
        "id,tên pháp lý,tên viết tắt,mã số thuế,lĩnh vực,báo cáo,doanh thu (VND),"
        "doanh thu xuất khẩu (USD),số nhân sự,số nhân sự CNTT"
    )
    assert row == (
        f"{company.pk},{company.legal_name},{company.short_name},{company.tax_code},"
        f"Phần mềm,Y,1000,{150_000},4,3"
    )
    assert total.split(",")[6:] == ["1000", "150000", "4", "3"]
    assert end == ""
