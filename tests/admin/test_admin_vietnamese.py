"""The admin in Vietnamese: day-first dates, and Django's own admin strings that its Vietnamese
catalogue lacks (or gets wrong) translated by ours."""

from datetime import date

import pytest

from park.models import Lease
from tests.factories import make_company, make_lease, make_unit


@pytest.fixture
def vietnamese_client(client, manager):
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    return client


def lease_form(unit, company, **overrides):
    return {
        "unit": str(unit.pk),
        "company": str(company.pk),
        "start_date": "01/02/2027",
        "end_date": "31/01/2028",
        "desks": "",
        "monthly_rent_vnd": "",
        "deposit_vnd": "0",
        "contract_number": "",
        "note": "",
        "meeting_hours_monthly": "0",
        **overrides,
    }


def test_a_vietnamese_manager_types_dates_day_first(vietnamese_client):
    unit, company = make_unit(code="A-2-08"), make_company()

    response = vietnamese_client.post("/admin/park/lease/add/", lease_form(unit, company))

    assert response.status_code == 302
    lease = Lease.objects.get()
    assert (lease.start_date, lease.end_date) == (date(2027, 2, 1), date(2028, 1, 31))


def test_iso_dates_are_still_accepted_in_vietnamese(vietnamese_client):
    unit, company = make_unit(), make_company()

    response = vietnamese_client.post(
        "/admin/park/lease/add/",
        lease_form(unit, company, start_date="2027-02-01", end_date="2028-01-31"),
    )

    assert response.status_code == 302
    lease = Lease.objects.get()
    assert (lease.start_date, lease.end_date) == (date(2027, 2, 1), date(2028, 1, 31))


def test_a_month_first_date_is_refused_in_vietnamese(vietnamese_client):
    unit, company = make_unit(), make_company()

    response = vietnamese_client.post(
        "/admin/park/lease/add/", lease_form(unit, company, end_date="01/31/2028")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["end_date"] == ["Nhập một ngày hợp lệ."]
    assert not Lease.objects.exists()


def test_vietnamese_dates_show_day_first_in_boxes_and_lists(vietnamese_client):
    company = make_company(founded_on=date(2013, 2, 1))
    make_lease(start_date=date(2027, 2, 1), end_date=date(2028, 1, 31))

    form = vietnamese_client.get(f"/admin/tenants/company/{company.pk}/change/")
    listing = vietnamese_client.get("/admin/park/lease/").content.decode()

    assert 'name="founded_on" value="01/02/2013"' in form.content.decode()
    assert '<td class="field-start_date nowrap">01/02/2027</td>' in listing


def test_english_keeps_iso_date_boxes(client, manager):
    client.force_login(manager)
    company = make_company(founded_on=date(2013, 2, 1))

    page = client.get(f"/admin/tenants/company/{company.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")

    assert 'name="founded_on" value="2013-02-01"' in page.content.decode()


def test_a_form_error_is_announced_in_vietnamese(vietnamese_client):
    unit, company = make_unit(), make_company()

    response = vietnamese_client.post(
        "/admin/park/lease/add/", lease_form(unit, company, start_date="")
    )

    page = response.content.decode()
    assert "Vui lòng sửa lỗi bên dưới." in page
    assert "Please correct" not in page


def test_list_filters_speak_vietnamese(vietnamese_client):
    make_unit()

    page = vietnamese_client.get("/admin/park/unit/").content.decode()

    assert "Hiện số lượng" in page
    assert "Show counts" not in page
    assert "Theo loại" in page  # Django's own "Bởi loại" ("by" as in "written by")


def test_history_is_lich_su_not_a_memo(vietnamese_client):
    unit = make_unit()

    page = vietnamese_client.get(f"/admin/park/unit/{unit.pk}/change/").content.decode()

    assert ">Lịch sử</a>" in page
    assert "Bản ghi nhớ" not in page


def test_the_add_button_says_add_a_lease_not_add_to_one(vietnamese_client):
    page = vietnamese_client.get("/admin/park/lease/").content.decode()

    assert "Thêm hợp đồng thuê" in page
    assert "Thêm vào" not in page


def test_list_actions_are_run_in_vietnamese_words(vietnamese_client):
    make_unit()

    page = vietnamese_client.get("/admin/park/unit/").content.decode()

    assert "<label>Hành động: <select" in page
    assert ">Thực hiện</button>" in page
