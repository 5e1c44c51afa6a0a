"""`GET /exports/{resource}/?format=csv|xlsx`: each resource's records under its list's
filters, as files an import reads back unchanged; managers only."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from imports.resources import RESOURCES, resource_for
from park.models import Unit
from tenants.models import Company
from tests.billing.factories import make_charge
from tests.factories import (
    make_company,
    make_contact,
    make_floor,
    make_lease,
    make_park,
    make_pool,
    make_unit,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEM = "application/problem+json"


def csv_rows(response) -> list[str]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return response.content[3:].decode("utf-8").splitlines()


def xlsx_rows(response) -> list[tuple]:
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.fixture
def two_parks(db):
    mekong, hau_giang = make_park(slug="mekong"), make_park(slug="hau-giang")
    floor = make_floor(park=mekong)
    units = [
        make_unit(floor=floor, code="A-101"),
        make_unit(floor=floor, code="A-102", kind="lab"),
        make_pool(desks=10, floor=floor, code="CW-1"),
        make_unit(floor=make_floor(park=hau_giang), code="H-1"),
    ]
    company = make_company(legal_name='=HYPERLINK("http://x","Công ty")')
    make_lease(unit=units[0], company=company, contract_number="HĐ-01")
    make_lease(unit=units[2], company=company, desks=2)
    make_contact(company, name="Nguyễn Thị Hoa", email="hoa@example.vn", is_billing=True)
    return mekong, hau_giang, units, company


# --- who may call --------------------------------------------------------------------------


@pytest.mark.parametrize("name", RESOURCES)
def test_anonymous_callers_get_401_and_non_managers_403(api_client, user_client, name):
    url = f"/api/v1/exports/{name}/"
    assert api_client.get(url).status_code == 401
    response = user_client.get(url, {"format": "xlsx"})
    assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)


# --- the files -----------------------------------------------------------------------------


def test_csv_is_the_default_with_the_import_columns_and_a_dated_file_name(
    manager_client, two_parks
):
    response = manager_client.get("/api/v1/exports/units/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="softpark-units-{today}.csv"')
    rows = csv_rows(response)
    assert rows[0] == ",".join(resource_for("units").export_headers())
    assert [row.split(",")[3] for row in rows[1:]] == ["H-1", "A-101", "A-102", "CW-1"]


def test_xlsx_is_asked_with_format_even_when_accept_says_json(manager_client, two_parks):
    response = manager_client.get(
        "/api/v1/exports/leases/", {"format": "xlsx"}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = xlsx_rows(response)
    assert rows[0] == tuple(resource_for("leases").export_headers())
    assert [(row[1], row[5], row[8]) for row in rows[1:]] == [
        ("A-101", 8, "HĐ-01"),
        ("CW-1", 2, None),
    ]


def test_formula_text_is_quoted_in_csv_and_a_text_cell_in_xlsx(manager_client, two_parks):
    csv = manager_client.get("/api/v1/exports/companies/", {"format": "csv"})
    assert csv_rows(csv)[1].split(",")[1].startswith("\"'=HYPERLINK(")

    xlsx = manager_client.get("/api/v1/exports/companies/", {"format": "xlsx"})
    import zipfile

    with zipfile.ZipFile(BytesIO(xlsx.content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert "=HYPERLINK(" in sheet


@pytest.mark.parametrize("name", RESOURCES)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_resource_exports_in_both_formats(manager_client, two_parks, name, file_format):
    response = manager_client.get(f"/api/v1/exports/{name}/", {"format": file_format})

    assert response.status_code == 200
    if file_format == "csv":
        assert csv_rows(response)[0] == ",".join(resource_for(name).export_headers())
    else:
        assert xlsx_rows(response)[0] == tuple(resource_for(name).export_headers())


# --- the list filters ------------------------------------------------------------------------


def test_the_lists_filters_choose_the_rows(manager_client, two_parks):
    mekong, _hau_giang, _units, company = two_parks

    units = csv_rows(manager_client.get("/api/v1/exports/units/", {"park": str(mekong.pk)}))
    assert [row.split(",")[3] for row in units[1:]] == ["A-101", "A-102", "CW-1"]
    labs = csv_rows(manager_client.get("/api/v1/exports/units/", {"kind": "lab"}))
    assert [row.split(",")[3] for row in labs[1:]] == ["A-102"]
    leases = csv_rows(
        manager_client.get(
            "/api/v1/exports/leases/", {"unit": str(Unit.objects.get(code="CW-1").pk)}
        )
    )
    assert len(leases) == 2
    assert leases[1].split(",")[1] == "CW-1"
    contacts = csv_rows(
        manager_client.get(
            "/api/v1/exports/contacts/", {"company": str(company.pk), "is_billing": "true"}
        )
    )
    assert [row.split(",")[1] for row in contacts[1:]] == ["Nguyễn Thị Hoa"]
    none = csv_rows(manager_client.get("/api/v1/exports/contacts/", {"is_primary": "true"}))
    assert none == [",".join(resource_for("contacts").export_headers())]


def test_usage_exports_filter_by_park_and_month(manager_client, two_parks):
    from billing.services.config import usage_create

    mekong, hau_giang, _units, company = two_parks
    for park, month in (
        (mekong, date(2027, 1, 1)),
        (mekong, date(2027, 2, 1)),
        (hau_giang, date(2027, 1, 1)),
    ):
        usage_create(
            data={"company": company, "charge": make_charge(park), "month": month, "quantity": 5},
            actor=None,
        )

    response = manager_client.get(
        "/api/v1/exports/usage/", {"park": str(mekong.pk), "month": "2027-01", "format": "xlsx"}
    )

    rows = xlsx_rows(response)
    assert [row[2] for row in rows[1:]] == ["2027-01"]


@pytest.mark.parametrize(
    ("name", "parameter", "value"),
    [
        ("units", "park", "not-a-uuid"),
        ("units", "is_active", "maybe"),
        ("leases", "active_on", "2027-02-30"),
        ("companies", "status", "gone"),
        ("usage", "month", "January"),
        ("payments", "received_from", "yesterday"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_it(manager_client, db, name, parameter, value):
    response = manager_client.get(f"/api/v1/exports/{name}/", {parameter: value})
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)
    assert parameter in [error["field"] for error in response.json()["errors"]]


def test_an_unknown_filter_is_a_400_not_an_unfiltered_export(manager_client, db):
    response = manager_client.get("/api/v1/exports/units/", {"parc": "mekong"})
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("parc", "unknown")]


@pytest.mark.parametrize("value", ["json", "xls", ""])
def test_a_format_other_than_csv_or_xlsx_is_400_invalid_choice_not_404(manager_client, db, value):
    response = manager_client.get("/api/v1/exports/companies/", {"format": value})
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("format", "invalid_choice")
    ]


# --- export, then import through the API -------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_posted_back_as_an_import_changes_nothing(manager_client, two_parks, file_format):
    exported = manager_client.get("/api/v1/exports/leases/", {"format": file_format})
    versions = dict(Company.objects.values_list("pk", "version"))

    response = manager_client.post(
        "/api/v1/imports/",
        {
            "resource": "leases",
            "file": SimpleUploadedFile(f"leases.{file_format}", exported.content),
            "commit": "true",
        },
        format="multipart",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["rows"], body["unchanged"], body["errors"], body["committed"]) == (2, 2, [], True)
    assert dict(Company.objects.values_list("pk", "version")) == versions
