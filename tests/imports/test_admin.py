"""The admin's spreadsheet buttons: django-import-export's pages (file, preview, confirm) run
by our engine, which writes all rows or none, and names the manager in the rows' history."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import Usage
from imports.models import Import
from park.models import Building, Unit
from tests.billing.factories import make_charge
from tests.factories import make_company, make_manager, make_park, make_unit, make_user

UNITS_CSV = (
    "Khu,Tòa nhà,Tầng,Mã phòng,Loại,Diện tích (m²),Sức chứa,Giá thuê/tháng\n"
    'mekong,A,3,A-301,office,"48,50",8,12.000.000 đ\n'
    'mekong,A,3,A-302,lab,60,10,"15,500,000"\n'
)


@pytest.fixture
def manager_admin(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def park(db):
    return make_park(slug="mekong", name="Mekong Software Park", is_home=True)


def upload(client, url, body: bytes, name="units.csv", headers=None, **fields):
    data = {"import_file": SimpleUploadedFile(name, body), "format": "0", "resource": "0"}
    data.update(fields)
    return client.post(url, data, headers=headers)


def confirm(client, url, preview):
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(url, {key: "" if value is None else value for key, value in data.items()})


@pytest.mark.parametrize(
    ("model", "own_link"),
    [
        ("park_unit", "admin:park_unit_availability"),  # the units' own list page, kept
        ("billing_usage", "admin:billing_usage_grid"),  # the usage grid's link, kept
        ("tenants_company", None),
        ("park_lease", None),
        ("billing_payment", None),
    ],
)
def test_each_list_has_the_import_and_export_buttons_and_keeps_its_own_links(
    manager_admin, park, model, own_link
):
    page = manager_admin.get(reverse(f"admin:{model}_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{reverse(f"admin:{model}_import")}"' in html
    assert f'href="{reverse(f"admin:{model}_export")}' in html
    if own_link:
        assert reverse(own_link) in html


def test_a_manager_previews_then_confirms_a_units_file_with_vietnamese_headers(
    manager_admin, manager, park
):
    url = reverse("admin:park_unit_import")
    page = manager_admin.get(url)
    assert page.status_code == 200
    assert reverse("admin:park_unit_import_template", args=["units", "xlsx"]) in (
        page.content.decode()
    )

    preview = upload(manager_admin, url, UNITS_CSV.encode())
    assert preview.status_code == 200
    result = preview.context["result"]
    assert [(row.number, row.outcome, row.import_type) for row in result.rows] == [
        (2, "new", "new"),
        (3, "new", "new"),
    ]
    assert result.diff_headers == [
        "Khu",
        "Tòa nhà",
        "Tầng",
        "Mã phòng",
        "Loại",
        "Diện tích (m²)",
        "Sức chứa",
        "Giá thuê/tháng",
    ]
    assert result.rows[0].diff == [
        "mekong",
        "A",
        "3",
        "A-301",
        "office",
        "48.50",
        "8",
        "12,000,000",
    ]
    html = preview.content.decode()
    assert 'id="import-confirm"' in html
    assert 'id="import-preview"' in html
    assert not Unit.objects.exists()
    assert not Building.objects.exists()
    assert not Import.objects.exists()

    done = confirm(manager_admin, reverse("admin:park_unit_process_import"), preview)
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:park_unit_changelist")
    units = {unit.code: unit for unit in Unit.objects.select_related("floor__building")}
    assert set(units) == {"A-301", "A-302"}
    assert (units["A-301"].area_m2, units["A-301"].monthly_rate_vnd) == (
        Decimal("48.50"),
        12_000_000,
    )
    assert units["A-302"].floor.building.code == "A"
    for unit in units.values():
        assert [h.history_user for h in unit.history.all()] == [manager]
    record = Import.objects.get()
    assert (record.resource, record.user, record.committed, record.file_name) == (
        "units",
        manager,
        True,
        "units.csv",
    )
    assert record.report["new"] == 2
    assert len(record.sha256) == 64

    listed = manager_admin.get(reverse("admin:park_unit_changelist"))
    assert "A-301" in listed.content.decode()


def test_a_file_with_a_bad_row_shows_its_errors_offers_no_confirm_and_writes_nothing(
    manager_admin, park
):
    body = UNITS_CSV + "mekong,A,ba,A-303,office,40,6,9000000\nmekong,A,3,A-301,office,40,6,1\n"
    page = upload(manager_admin, reverse("admin:park_unit_import"), body.encode())
    assert page.status_code == 200
    result = page.context["result"]
    assert result.has_validation_errors()
    assert [(row.number, dict(row.error_dict)) for row in result.invalid_rows] == [
        (4, {"Tầng": ["Enter a number."]}),
        (5, {"Mã phòng": ["Row 2 has the same key."]}),
    ]
    html = page.content.decode()
    assert 'id="import-errors"' in html
    assert '<td class="import-error-row">4</td>' in html
    assert '<td class="import-error-column">Tầng</td>' in html
    assert '<td class="import-error-message">Enter a number.</td>' in html
    assert "Row 2 has the same key." in html
    assert "confirm_form" not in page.context
    assert 'id="import-confirm"' not in html
    assert not Unit.objects.exists()
    assert not Import.objects.exists()


def test_a_missing_column_or_a_file_that_is_no_spreadsheet_is_said_on_the_page(manager_admin, park):
    url = reverse("admin:park_unit_import")
    page = upload(manager_admin, url, "Khu,Tòa nhà,Tầng\nmekong,A,3\n".encode())
    html = page.content.decode()
    assert 'id="import-file-errors"' in html
    assert "code (Mã phòng)" in html
    assert 'id="import-confirm"' not in html

    page = upload(manager_admin, url, b"%PDF-1.4 not a sheet", name="units.pdf")
    assert page.context["form"].errors["import_file"] == ["Upload a CSV or an XLSX file."]
    assert not Unit.objects.exists()


def test_the_confirm_writes_nothing_when_the_rows_broke_since_the_preview(
    manager_admin, manager, park
):
    preview = upload(manager_admin, reverse("admin:park_unit_import"), UNITS_CSV.encode())
    assert not preview.context["result"].has_validation_errors()
    park.delete()  # between the preview and the confirm, the file's park goes away
    page = confirm(manager_admin, reverse("admin:park_unit_process_import"), preview)
    assert page.status_code == 200
    result = page.context["result"]
    assert [(row.number, dict(row.error_dict)) for row in result.invalid_rows] == [
        (2, {"Khu": ["No park mekong."]}),
        (3, {"Khu": ["No park mekong."]}),
    ]
    assert 'id="import-errors"' in page.content.decode()
    assert not Unit.objects.exists()
    assert not Building.objects.exists()
    record = Import.objects.get()  # the refused confirm is in the log, not committed
    assert (record.user, record.committed, len(record.report["errors"])) == (manager, False, 2)


def test_usage_imports_into_the_chosen_park(manager_admin, manager, park):
    other = make_park(slug="can-tho")
    company = make_company()
    charge = make_charge(park=other, code="electricity")
    make_charge(park=park, code="water")
    body = f"Mã số thuế,Mã phí,Tháng,Số lượng\n{company.tax_code},electricity,01/2027,1250.5\n"
    url = reverse("admin:billing_usage_import")

    page = manager_admin.get(url)
    assert page.context["form"].initial["park"] == park  # the home park

    wrong = upload(manager_admin, url, body.encode(), name="usage.csv", park=str(park.pk))
    assert [row.number for row in wrong.context["result"].invalid_rows] == [2]
    assert 'id="import-confirm"' not in wrong.content.decode()

    preview = upload(manager_admin, url, body.encode(), name="usage.csv", park=str(other.pk))
    assert [row.outcome for row in preview.context["result"].rows] == ["new"]
    assert not Usage.objects.exists()
    done = confirm(manager_admin, reverse("admin:billing_usage_process_import"), preview)
    assert done.status_code == 302
    usage = Usage.objects.get()
    assert (usage.company, usage.charge, usage.month, usage.quantity) == (
        company,
        charge,
        date(2027, 1, 1),
        Decimal("1250.500"),
    )
    assert usage.history.get().history_user == manager
    assert Import.objects.get().park == other


def test_the_import_log_lists_the_run_with_its_counts_and_errors(manager_admin, manager, park):
    preview = upload(manager_admin, reverse("admin:park_unit_import"), UNITS_CSV.encode())
    confirm(manager_admin, reverse("admin:park_unit_process_import"), preview)
    record = Import.objects.get()
    record.report["errors"] = [
        {"row": 7, "column": "Mã phòng", "code": "not_found", "message": "Không có phòng."}
    ]
    record.save()

    listing = manager_admin.get(reverse("admin:imports_import_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "units.csv" in html
    assert manager.full_name in html
    assert "Add import" not in html

    detail = manager_admin.get(reverse("admin:imports_import_change", args=[record.pk]))
    html = detail.content.decode()
    assert 'id="import-errors"' in html
    assert "<td>7</td><td>Mã phòng</td><td>not_found</td><td>Không có phòng.</td>" in html
    assert 'name="_save"' not in html
    add = manager_admin.get(reverse("admin:imports_import_add"))
    assert add.status_code == 403


def test_export_from_the_list_is_our_csv_with_the_formula_neutraliser(manager_admin, park):
    make_unit(park=park, code="=HYPERLINK(1)", monthly_rate_vnd=9_000_000)
    make_unit(park=make_park(slug="other"), code="B-1")
    url = reverse("admin:park_unit_export") + f"?floor__building__park__id__exact={park.pk}"
    response = manager_admin.post(url, {"format": "0", "resource": "0"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="units-')
    body = response.content
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "park,building,floor,code,kind,area_m2,capacity,monthly_rate_vnd,is_active"
    assert len(lines) == 2  # the list's filter holds
    assert ",'=HYPERLINK(1),office,50.00,8,9000000,true" in lines[1]


def test_export_xlsx_and_the_templates_download(manager_admin, park):
    make_unit(park=park, code="A-1")
    response = manager_admin.post(reverse("admin:park_unit_export"), {"format": "1"})
    assert response.status_code == 200
    assert response.content.startswith(b"PK")

    template = manager_admin.get(reverse("admin:park_unit_import_template", args=["units", "csv"]))
    assert template.content.decode("utf-8-sig").splitlines()[0].startswith("Khu / park,")
    assert (
        manager_admin.get(
            reverse("admin:park_unit_import_template", args=["leases", "csv"])
        ).status_code
        == 404
    )


def test_contacts_are_imported_from_the_companies_list(manager_admin, manager):
    company = make_company()
    url = reverse("admin:tenants_company_import")
    body = f"company,name,email\n{company.tax_code},Nguyễn Văn An,an@example.vn\n"
    preview = upload(manager_admin, url, body.encode(), name="contacts.csv", resource="1")
    assert [row.outcome for row in preview.context["result"].rows] == ["new"]
    done = confirm(manager_admin, reverse("admin:tenants_company_process_import"), preview)
    assert done.status_code == 302
    assert list(company.contacts.values_list("name", flat=True)) == ["Nguyễn Văn An"]


def test_only_managers_import_or_export(client, park):
    staff = make_user(email="staff@example.vn")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:park_unit_import")).status_code == 403
    assert client.post(reverse("admin:park_unit_export"), {"format": "0"}).status_code == 403
    assert (
        client.get(reverse("admin:park_unit_import_template", args=["units", "csv"])).status_code
        == 403
    )
    other_manager = make_manager()
    client.force_login(other_manager)
    assert client.get(reverse("admin:park_unit_import")).status_code == 200


def test_the_import_pages_work_in_vietnamese(manager_admin, park):
    url = reverse("admin:billing_usage_import")
    page = manager_admin.get(url, headers={"accept-language": "vi"})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="vi"' in html
    assert "Khu công viên:</label>" in html  # the park field, in the catalogue already

    body = "Mã số thuế,Mã phí,Tháng,Số lượng\n0312345673,dien,13/2027,1\n"
    preview = upload(
        manager_admin,
        url,
        body.encode(),
        name="usage.csv",
        park=str(park.pk),
        headers={"accept-language": "vi"},
    )
    assert preview.status_code == 200
    assert [row.number for row in preview.context["result"].invalid_rows] == [2]
    assert "Xem trước" not in preview.content.decode()  # errors: no preview, no confirm


def test_the_admin_reads_files_as_the_api_does_utf16_and_the_xlsx_template(manager_admin, park):
    url = reverse("admin:park_unit_import")
    utf16 = upload(manager_admin, url, UNITS_CSV.encode("utf-16"), name="units.txt")
    result = utf16.context["result"]
    assert result.diff_headers[1] == "Tòa nhà"
    assert [row.outcome for row in result.rows] == ["new", "new"]

    template = manager_admin.get(
        reverse("admin:park_unit_import_template", args=["units", "xlsx"])
    ).content
    preview = upload(manager_admin, url, template, name="units-template.xlsx")
    result = preview.context["result"]
    assert result.diff_headers[:2] == ["Khu / park", "Tòa nhà / building"]
    assert [(row.number, row.outcome, row.diff[3]) for row in result.rows] == [(2, "new", "A-301")]
    assert not Unit.objects.exists()
