import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation
from django.utils.formats import date_format

from park.services import lease_cancel
from tenants import directory, services
from tenants.directory import DirectoryChange
from tenants.models import Company, TenantReport
from tests.factories import (
    make_company,
    make_contact,
    make_lease,
    make_pool,
    make_report,
    make_representative,
    make_unit,
)
from tests.tenants.images import image_bytes, upload


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_changelist_search_ignores_accents(admin_client):
    make_company(legal_name="Công ty Cổ phần Phần mềm Đồng Tháp")
    make_company(legal_name="Công ty TNHH Mỹ Tho")
    response = admin_client.get("/admin/tenants/company/", {"q": "DONG THAP"})
    assert response.status_code == 200
    assert [company.legal_name for company in response.context["cl"].result_list] == [
        "Công ty Cổ phần Phần mềm Đồng Tháp"
    ]


def test_the_changelist_filters_by_status_sector_and_consent(admin_client):
    make_company(legal_name="A")
    response = admin_client.get(
        "/admin/tenants/company/",
        {"status__exact": "prospect", "sector__exact": "software", "directory_visible__exact": "0"},
    )
    assert response.status_code == 200
    assert [company.legal_name for company in response.context["cl"].result_list] == ["A"]


def test_the_change_page_shows_contacts_members_reports_and_the_logo(
    admin_client, company, representative, manager_client
):
    make_contact(company, name="Lê Thị Hoa")
    make_report(company)
    manager_client.post(
        f"/api/v1/companies/{company.pk}/logo/", {"file": upload(image_bytes())}, format="multipart"
    )
    response = admin_client.get(f"/admin/tenants/company/{company.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    company.refresh_from_db()
    assert "Lê Thị Hoa" in page
    assert str(representative) in page
    assert company.logo_thumbnail.url in page
    assert admin_client.get(f"/admin/tenants/company/{company.pk}/history/").status_code == 200
    assert admin_client.get("/admin/tenants/tenantreport/").status_code == 200


def test_saving_in_the_admin_goes_through_the_services(admin_client, manager):
    data = {
        "legal_name": "Công ty TNHH Sông Hàn",
        "short_name": "",
        "tax_code": "0312345673001",
        "sector": "software",
        "website": "",
        "email": "",
        "phone": "",
        "address": "",
        "founded_on": "",
        "headcount": "",
        "description": "",
        "directory_visible": "on",
        **inline_management("contacts", total=1),
        "contacts-0-name": "Phạm Minh",
        "contacts-0-role": "",
        "contacts-0-email": "",
        "contacts-0-phone": "",
        **inline_management("members"),
        **inline_management("reports"),
    }
    response = admin_client.post("/admin/tenants/company/add/", data)
    assert response.status_code == 302, response.context["adminform"].errors
    company = Company.objects.get()
    assert (company.tax_code, company.directory_visible, company.version) == (
        "0312345673-001",
        True,
        1,
    )
    assert [contact.name for contact in company.contacts.all()] == ["Phạm Minh"]
    assert [row.history_user for row in company.history.all()] == [manager]


def test_the_admin_refuses_a_bad_tax_code_on_the_form(admin_client):
    data = {"legal_name": "X", "tax_code": "0312345674", "sector": "software"}
    data |= inline_management("contacts") | inline_management("members")
    data |= inline_management("reports")
    response = admin_client.post("/admin/tenants/company/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["tax_code"] == [
        "The check digit (10th digit) of 0312345674 does not match its first nine digits."
    ]
    assert Company.objects.count() == 0


def test_a_status_action_uses_the_table(admin_client, company):
    response = admin_client.post(
        "/admin/tenants/company/",
        {"action": "set_status_suspended", "_selected_action": [str(company.pk)]},
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.status == "prospect"  # prospect -> suspended is not in the table
    admin_client.post(
        "/admin/tenants/company/",
        {"action": "set_status_active", "_selected_action": [str(company.pk)]},
    )
    company.refresh_from_db()
    assert company.status == "active"
    assert TenantReport.objects.count() == 0


def _change_data(company, **changes):
    data = {
        "legal_name": company.legal_name,
        "short_name": company.short_name,
        "tax_code": company.tax_code or "",
        "sector": company.sector,
        "website": company.website,
        "email": company.email,
        "phone": company.phone,
        "address": company.address,
        "founded_on": "",
        "headcount": "",
        "description": company.description,
        **inline_management("contacts"),
        **inline_management("members"),
        **inline_management("reports"),
    }
    return data | changes


def test_editing_the_profile_in_the_admin_saves_once_through_the_service(
    admin_client, company, manager
):
    response = admin_client.post(
        f"/admin/tenants/company/{company.pk}/change/", _change_data(company, short_name="DT")
    )
    assert response.status_code == 302
    company = Company.objects.get(pk=company.pk)
    assert (company.short_name, company.version, company.history.count()) == ("DT", 2, 2)
    assert company.history.latest().history_user == manager


def test_a_tax_code_another_company_holds_is_a_form_error_and_changes_nothing(
    admin_client, company
):
    taken = make_company().tax_code
    response = admin_client.post(
        f"/admin/tenants/company/{company.pk}/change/",
        _change_data(company, tax_code=taken, short_name="DT"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["tax_code"] == [
        f"A company with tax code {taken} already exists."
    ]
    company = Company.objects.get(pk=company.pk)
    assert (company.short_name, company.version) == ("DTSoft", 1)


def test_a_report_is_view_only_in_the_admin(admin_client, company):
    report = make_report(company)
    page = admin_client.get(f"/admin/tenants/tenantreport/{report.pk}/change/")
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = admin_client.post(f"/admin/tenants/tenantreport/{report.pk}/change/", {})
    assert response.status_code == 403
    report = TenantReport.objects.get(pk=report.pk)
    assert (report.version, report.history.count()) == (1, 1)


def test_a_profile_change_shown_again_for_a_bad_contact_saves_nothing(admin_client, company):
    # The form's clean() saves the profile through the service before Django validates the
    # inlines: the page that shows the contact's error must roll that save back.
    response = admin_client.post(
        f"/admin/tenants/company/{company.pk}/change/",
        _change_data(
            company,
            short_name="DT",
            **inline_management("contacts", total=1),
            **{"contacts-0-name": "Chị Lan", "contacts-0-email": "not an email"},
        ),
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.errors[0]) == ["email"]
    company = Company.objects.get(pk=company.pk)
    assert (company.short_name, company.version, company.contacts.count()) == ("DTSoft", 1, 0)


def test_a_refusal_from_an_inlines_service_is_a_message_and_saves_nothing(admin_client, company):
    # The inline form cannot see the (company, user) constraint (the company is not one of
    # its fields), so member_add refuses only when the inline is saved, after validation.
    representative = make_representative(company)
    url = f"/admin/tenants/company/{company.pk}/change/"

    response = admin_client.post(
        url,
        _change_data(
            company,
            short_name="DT",
            **inline_management("members", total=1),
            **{"members-0-user": str(representative.pk)},
        ),
    )

    assert (response.status_code, response["Location"]) == (302, url)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == f"{representative.email} already represents DT."
    company = Company.objects.get(pk=company.pk)
    assert (company.short_name, company.version, company.members.count()) == ("DTSoft", 1, 1)


def _export(admin_client, companies, **headers):
    return admin_client.post(
        "/admin/tenants/company/",
        {"action": "export_csv", "_selected_action": [str(c.pk) for c in companies]},
        **headers,
    )


def test_exporting_companies_as_csv_writes_labels_iso_dates_numbers_and_safe_text(admin_client):
    company = make_company(
        legal_name='=HYPERLINK("https://evil.example")',
        short_name="@A",
        tax_code="0312345673",
        phone="+84 28 3812 3456",
        founded_on=date(2020, 5, 17),
        headcount=12,
    )
    make_company(legal_name="Not selected")

    response = _export(admin_client, [company])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="companies.csv"'
    assert response.content.decode("utf-8").split("\r\n") == [
        "\ufeffLegal name,Short name,Tax code,Sector,Website,Public email,Phone,Address,"
        "Founded on,Headcount,Description,Status,Visible in the partner directory,Incubated",
        '"\'=HYPERLINK(""https://evil.example"")",\'@A,0312345673,Software,,,'
        "'+84 28 3812 3456,,2020-05-17,12,,Prospect,No,No",
        "",
    ]


def test_a_manager_reading_vietnamese_exports_vietnamese_headers_and_labels(admin_client):
    company = make_company(legal_name="Công ty Sông Hàn", tax_code="0312345673")

    response = _export(admin_client, [company], HTTP_ACCEPT_LANGUAGE="vi")

    assert response.content.decode("utf-8-sig").split("\r\n") == [
        "Tên pháp lý,Tên viết tắt,Mã số thuế,Lĩnh vực,Trang web,Email công khai,Điện thoại,"
        "Địa chỉ,Ngày thành lập,Số nhân sự,Mô tả,Trạng thái,Hiển thị trong danh bạ đối tác,"
        "Được ươm tạo",
        "Công ty Sông Hàn,,0312345673,Phần mềm,,,,,,,,Tiềm năng,Không,Không",
        "",
    ]


def test_one_save_of_the_profile_and_the_consent_writes_one_history_row_and_tells_partners(
    admin_client, company, manager
):
    company = services.company_set_status(company=company, to="active", actor=manager)
    seq_before = directory.latest_seq()

    response = admin_client.post(
        f"/admin/tenants/company/{company.pk}/change/",
        _change_data(company, short_name="DT", directory_visible="on"),
    )

    assert response.status_code == 302
    company = Company.objects.get(pk=company.pk)
    assert (company.short_name, company.directory_visible, company.version) == ("DT", True, 3)
    assert company.history.count() == 3  # created, activated, this one save
    changes = DirectoryChange.objects.filter(seq__gt=seq_before)
    assert [(c.company_id, c.version, c.op) for c in changes] == [(company.pk, 3, "upsert")]


def test_withdrawing_consent_in_the_admin_sends_partners_a_tombstone(
    admin_client, company, manager
):
    company = services.company_set_status(company=company, to="active", actor=manager)
    company = services.company_set_directory_visibility(company=company, visible=True, actor=None)
    seq_before = directory.latest_seq()

    response = admin_client.post(
        f"/admin/tenants/company/{company.pk}/change/", _change_data(company)
    )

    assert response.status_code == 302
    company = Company.objects.get(pk=company.pk)
    assert (company.directory_visible, company.version, company.history.count()) == (False, 4, 4)
    changes = DirectoryChange.objects.filter(seq__gt=seq_before)
    assert [(c.company_id, c.version, c.op) for c in changes] == [(company.pk, 4, "delete")]


def _history(admin_client, company, **headers):
    response = admin_client.get(f"/admin/tenants/company/{company.pk}/history/", **headers)
    assert response.status_code == 200
    return response


def test_the_history_shows_a_status_change_by_its_labels_in_the_managers_language(
    admin_client, company, manager
):
    services.company_set_status(company=company, to="active", actor=manager)

    pages = [_history(admin_client, company, HTTP_ACCEPT_LANGUAGE=lang) for lang in ("en", "vi")]

    assert [
        [
            (c["field"], c["old"], c["new"])
            for c in page.context["page_obj"][0].history_delta_changes
        ]
        for page in pages
    ] == [
        [("Status", "Prospect", "Active")],
        [("Trạng thái", "Tiềm năng", "Đang hoạt động")],
    ]


def test_the_history_shows_a_dash_not_none_for_no_reason_and_no_person(admin_client, company):
    page = _history(admin_client, company).content.decode()

    start = page.index('<table id="change-history"')
    table = page[start : page.index("</table>", start)]
    cells = [" ".join(cell.split()) for cell in re.findall(r"<td>(.*?)</td>", table, re.DOTALL)]
    assert cells[2:] == ["Created", "-", "-", ""]  # comment, changed by, reason, changes


def _lease_rows(page: str) -> list[list[str]]:
    """The company page's leases section: each row's link, then each cell's text."""
    start = page.index("<tbody>", page.index("field-current_leases"))
    body = page[start : page.index("</tbody>", start)]
    return [
        [
            *re.findall(r'href="([^"]+)"', row),
            *(re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)),
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_the_company_page_lists_its_current_and_upcoming_leases_with_readable_rent(
    admin_client, company
):
    today = timezone.localdate()
    make_lease(
        company=company,
        unit=make_unit(code="OLD-1"),
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=30),
    )
    running = make_lease(
        company=company,
        unit=make_unit(code="A-2-08"),
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=180),
        monthly_rent_vnd=22_950_000,
    )
    upcoming = make_lease(
        company=company,
        unit=make_pool(code="CW-1"),
        start_date=today + timedelta(days=200),
        end_date=None,
        desks=3,
        monthly_rent_vnd=4_500_000,
    )
    cancelled = make_lease(
        company=company,
        unit=make_unit(code="GONE-1"),
        start_date=today + timedelta(days=300),
        end_date=today + timedelta(days=400),
    )
    lease_cancel(lease=cancelled, actor=None)

    pages = [
        admin_client.get(f"/admin/tenants/company/{company.pk}/change/", HTTP_ACCEPT_LANGUAGE=lang)
        for lang in ("en", "vi")
    ]

    def shown(day):  # Django's English date, as the admin shows dates
        with translation.override("en"):
            return date_format(day)

    assert _lease_rows(pages[0].content.decode()) == [
        [
            f"/admin/park/lease/{running.pk}/change/",
            "A-2-08",
            shown(running.start_date),
            shown(running.end_date),
            "8",  # an office's lease holds all its desks
            "22,950,000 đ",
        ],
        [
            f"/admin/park/lease/{upcoming.pk}/change/",
            "CW-1",
            shown(upcoming.start_date),
            "open end",
            "3",
            "4,500,000 đ",
        ],
    ]
    assert [row[-1] for row in _lease_rows(pages[1].content.decode())] == [
        "22.950.000 đ",
        "4.500.000 đ",
    ]


def test_a_company_without_leases_says_so_on_its_page(admin_client, company):
    page = admin_client.get(f"/admin/tenants/company/{company.pk}/change/").content.decode()

    assert "No current or upcoming lease." in page


def test_report_amounts_show_grouped_in_dong_on_the_reports_list_and_the_company_page(
    admin_client, company
):
    report = make_report(company, revenue_vnd=22_950_000_000, rnd_spend_vnd=1_500_000)

    pages = [
        admin_client.get(url).content.decode()
        for url in (
            "/admin/tenants/tenantreport/",
            f"/admin/tenants/tenantreport/{report.pk}/change/",
            f"/admin/tenants/company/{company.pk}/change/",
        )
    ]

    assert re.findall(r'<td class="field-revenue">(.*?)</td>', pages[0]) == ["22,950,000,000 đ"]
    assert [
        re.findall(rf'field-{name}">.*?<div class="readonly">(.*?)</div>', pages[1], re.DOTALL)
        for name in ("revenue", "rnd_spend")
    ] == [["22,950,000,000 đ"], ["1,500,000 đ"]]
    assert re.findall(r'<td class="field-revenue">\s*<p>(.*?)</p>', pages[2]) == [
        "22,950,000,000 đ",
        "-",  # the inline's empty form, which the admin's page always carries
    ]


def test_a_revert_preview_of_an_old_logo_shows_no_broken_image(
    admin_client, company, manager, django_capture_on_commit_callbacks
):
    services.company_set_logo(company=company, file=upload(image_bytes()), actor=manager)
    first = Company.objects.get(pk=company.pk).history.latest()
    replaced = first.logo_thumbnail  # history keeps the path as text
    with django_capture_on_commit_callbacks(execute=True):  # the old files go after commit
        services.company_set_logo(
            company=company, file=upload(image_bytes(color=(30, 200, 30))), actor=manager
        )

    response = admin_client.get(f"/admin/tenants/company/{company.pk}/history/{first.history_id}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert replaced not in page
    assert Company.objects.get(pk=company.pk).logo_thumbnail.url not in page  # not the new one
