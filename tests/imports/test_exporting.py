"""Exports and templates: CSV and XLSX that a spreadsheet cannot run as formulas, and that an
import reads back as they were: export -> import is every row `unchanged`, with no write."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from billing.models import Payment, Usage
from billing.services.config import usage_create
from billing.services.payments import payment_create
from imports.exporting import export_csv, export_xlsx, template_csv, template_xlsx
from imports.reading import read_table
from imports.resources import RESOURCES, resource_for
from imports.services import import_file
from park.models import Lease, Unit
from tenants.models import Company, Contact
from tests.billing.factories import make_billing_settings, make_charge
from tests.factories import (
    make_company,
    make_contact,
    make_floor,
    make_lease,
    make_manager,
    make_park,
    make_pool,
    make_unit,
)

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2", "\tTab đầu dòng"]


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )


def csv_lines(data: bytes) -> list[str]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    return data[3:].decode("utf-8").split("\r\n")


# --- formulas never run ------------------------------------------------------------------


@pytest.fixture
def formula_companies(db):
    return [make_company(legal_name=name) for name in FORMULAS]


def test_csv_cells_that_start_like_a_formula_get_a_leading_quote(formula_companies):
    resource = resource_for("companies")
    data = export_csv(resource, resource.export_queryset())

    table = read_table(data, file_name="companies.csv")
    names = [row[table.headers.index("legal_name")] for row in table.rows]
    assert sorted(names) == sorted(f"'{name}" for name in FORMULAS)


def test_xlsx_stores_formula_like_text_as_text_cells_never_as_formulas(formula_companies):
    resource = resource_for("companies")
    data = export_xlsx(resource, resource.export_queryset())

    xml = sheet_xml(data)
    assert "<f>" not in xml
    assert "<f " not in xml
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in xml or '=HYPERLINK("http' in xml
    workbook = load_workbook(io.BytesIO(data), data_only=False)
    sheet = workbook.active
    names = {}
    for row in sheet.iter_rows(min_row=2):
        cell = row[1]
        names[cell.value] = cell.data_type
    # Text cells all; a leading tab (which an import would trim) is kept behind a `'`.
    expected = [f"'{name}" if name.startswith("\t") else name for name in FORMULAS]
    assert names == dict.fromkeys(expected, "s")


@pytest.mark.parametrize("export", [export_csv, export_xlsx], ids=["csv", "xlsx"])
def test_an_import_of_the_export_reads_the_formula_like_text_back_unchanged(
    formula_companies, export
):
    resource = resource_for("companies")
    data = export(resource, resource.export_queryset())
    versions = dict(Company.objects.values_list("pk", "version"))

    _record, report = import_file(
        resource="companies",
        data=data,
        file_name=f"companies.{export.__name__[-4:]}",
        commit=True,
        run_now=True,
    )

    assert report.errors == []
    assert (report.unchanged, report.new, report.updated) == (len(FORMULAS), 0, 0)
    assert dict(Company.objects.values_list("pk", "version")) == versions
    assert sorted(Company.objects.values_list("legal_name", flat=True)) == sorted(FORMULAS)


# --- values as an import reads them --------------------------------------------------------


def test_csv_writes_decimals_as_written_and_booleans_as_words(db):
    unit = make_unit(area_m2="48.50", is_active=False, capacity=6)
    resource = resource_for("units")

    lines = csv_lines(export_csv(resource, resource.export_queryset()))

    assert lines[0] == "park,building,floor,code,kind,area_m2,capacity,monthly_rate_vnd,is_active"
    assert lines[1] == (
        f"{unit.park.slug},{unit.floor.building.code},1,{unit.code},office,48.50,6,15000000,false"
    )


def test_csv_export_of_leases_writes_iso_dates_and_none_as_an_empty_cell(db):
    lease = make_lease(end_date=None, contract_number="HĐ-01", monthly_rent_vnd=9_000_000)
    resource = resource_for("leases")

    lines = csv_lines(export_csv(resource, resource.export_queryset()))

    assert lines[1] == (
        f"{lease.unit.park.slug},{lease.unit.code},{lease.company.tax_code},2027-01-01,,"
        f"{lease.desks},9000000,0,HĐ-01,0.00"
    )


def test_xlsx_cells_are_typed_dates_numbers_booleans_and_text(db):
    lease = make_lease(
        contract_number="=1+1",
        monthly_rent_vnd=12_500_000,
        meeting_hours_monthly=Decimal("4.5"),
    )
    resource = resource_for("leases")

    sheet = load_workbook(io.BytesIO(export_xlsx(resource, resource.export_queryset()))).active

    header, row = list(sheet.iter_rows(values_only=False))[:2]
    assert [cell.value for cell in header] == resource.export_headers()
    values = dict(zip(resource.export_headers(), row, strict=True))
    assert values["start_date"].is_date
    assert values["start_date"].number_format == "yyyy-mm-dd"
    assert values["start_date"].value.date() == date(2027, 1, 1)
    assert (values["monthly_rent_vnd"].data_type, values["monthly_rent_vnd"].value) == (
        "n",
        12_500_000,
    )
    assert values["meeting_hours_monthly"].value == 4.5
    assert (values["contract_number"].data_type, values["contract_number"].value) == ("s", "=1+1")
    assert values["unit"].value == lease.unit.code
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 8


def test_xlsx_writes_booleans_as_boolean_cells(db):
    make_unit(is_active=False)
    resource = resource_for("units")

    sheet = load_workbook(io.BytesIO(export_xlsx(resource, resource.export_queryset()))).active

    cell = next(iter(sheet.iter_rows(min_row=2)))[8]
    assert (cell.data_type, cell.value) == ("b", False)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("48.50", "48.50"),
        ("1250.500", "1250.5"),
        ("980.000", "980"),
        ("12.125", "12.1250"),
        ("0.001", "0.0010"),
        ("4.25", "4.25"),
    ],
)
def test_csv_decimals_never_have_exactly_three_decimals_an_import_reads_as_thousands(value, text):
    from imports.exporting import _decimal_text
    from imports.values import parse_decimal

    assert _decimal_text(Decimal(value)) == text
    assert parse_decimal(text, places=3) == Decimal(value)


def test_a_decimal_a_double_cannot_hold_is_written_as_text():
    from imports.exporting import _is_exact_number

    assert _is_exact_number(Decimal("48.50"))
    assert _is_exact_number(Decimal("1250.125"))
    assert not _is_exact_number(Decimal("12345678901234567.5"))


# --- templates ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", RESOURCES)
def test_each_template_has_both_languages_and_one_example_row_that_reads_back(name):
    resource = resource_for(name)
    for data, file_name in (
        (template_csv(resource), f"{name}.csv"),
        (template_xlsx(resource), f"{name}.xlsx"),
    ):
        table = read_table(data, file_name=file_name)
        assert table.headers == resource.template_headers()
        assert all(" / " in header for header in table.headers)
        assert len(table.rows) == 1
        # Every header maps back to its column: the template is importable as it is.
        assert [column.name for column in resource.map_headers(table.headers).values()] == [
            column.name for column in resource.columns
        ]
    assert "<f>" not in sheet_xml(template_xlsx(resource))


# --- the round trip ------------------------------------------------------------------------

HISTORIES = (Unit, Company, Contact, Lease, Usage, Payment)


@pytest.fixture
def park_world(db):
    """A park as a manager keeps it: units on floors of two buildings, a coworking pool,
    Vietnamese companies (one without a tax code), contacts, leases (pool desks, with and
    without contract numbers, open-ended), metered usage and bank payments."""
    park = make_park(slug="mekong")
    make_billing_settings(park)
    floor_a1 = make_floor(park=park, level=1)
    floor_a2 = make_floor(park=park, building=floor_a1.building, level=2)
    floor_b = make_floor(park=park, level=-1, name="Hầm")
    units = [
        make_unit(floor=floor_a1, code="A-101", area_m2="48.50"),
        make_unit(floor=floor_a1, code="A-102", area_m2="120.25", monthly_rate_vnd=30_500_000),
        make_unit(floor=floor_a2, code="A-201", kind="lab", capacity=4),
        make_unit(floor=floor_b, code="B-01", is_active=False, kind="rack"),
    ]
    pool = make_pool(desks=12, floor=floor_a2, code="CW-1")
    companies = [
        make_company(
            legal_name="Công ty TNHH Phần mềm Đồng Tháp",
            short_name="ĐT Soft",
            email="lienhe@dongthap.vn",
            phone="0277 3851 234",
            address="Số 1 Lê Lợi, Phường 1, Cao Lãnh",
            website="https://dongthap.vn",
            founded_on=date(2018, 3, 8),
            headcount=42,
        ),
        make_company(legal_name="Công ty Cổ phần Giải pháp Số Mỹ Tho", sector="it_services"),
        make_company(legal_name="Hộ kinh doanh Nguyễn Văn Ảnh", tax_code=None),
        make_company(legal_name="Chi nhánh Công ty Ứng dụng Bến Tre", tax_code="0312345673-001"),
    ]
    make_contact(companies[0], name="Trần Thị Thuý", email="Thuy@DongThap.vn", is_primary=True)
    make_contact(companies[0], name="Lê Văn Kế Toán", email="ketoan@dongthap.vn", is_billing=True)
    make_contact(companies[1], name="Phạm Ngọc Ánh", email="anh@mytho.vn", phone="0903 111 222")
    make_lease(
        unit=units[0],
        company=companies[0],
        contract_number="HĐ-2027/001",
        monthly_rent_vnd=15_000_000,
        deposit_vnd=30_000_000,
        meeting_hours_monthly=Decimal("4.25"),
    )
    make_lease(unit=units[1], company=companies[1], end_date=None)
    make_lease(
        unit=units[2],
        company=companies[3],
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        contract_number="HĐ-2026/077",
    )
    make_lease(unit=pool, company=companies[0], desks=3, monthly_rent_vnd=4_500_000)
    make_lease(unit=pool, company=companies[1], desks=2, contract_number="CW-2027-02")
    electricity = make_charge(park, code="electricity")
    water = make_charge(park, code="water", unit_of_measure="m3", unit_price_vnd=12_000)
    for company, charge, quantity, note in (
        (companies[0], electricity, "1250.5", "Công tơ tầng 1"),
        (companies[0], water, "12.125", ""),
        (companies[1], electricity, "980", "Kỳ tháng 1"),
    ):
        usage_create(
            data={
                "company": company,
                "charge": charge,
                "month": date(2027, 1, 1),
                "quantity": Decimal(quantity),
                "note": note,
            },
            actor=None,
        )
    for company, amount, reference, note in (
        (companies[0], 15_000_000, "FT27020123456", "CT TNHH PHAN MEM DONG THAP TT TIEN THUE"),
        (companies[1], 8_250_000, "FT27020999999", f"MST {companies[1].tax_code} THANH TOAN"),
    ):
        payment_create(
            park=park,
            company=company,
            amount_vnd=amount,
            received_on=date(2027, 2, 3),
            reference=reference,
            note=note,
            actor=None,
        )
    return park


def history_counts() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in HISTORIES}


def versions() -> dict[str, dict]:
    return {model.__name__: dict(model.objects.values_list("pk", "version")) for model in HISTORIES}


EXPECTED_ROWS = {"units": 5, "companies": 4, "contacts": 3, "leases": 5, "usage": 3, "payments": 2}


@pytest.mark.parametrize("export", [export_csv, export_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("name", RESOURCES)
def test_export_then_import_is_a_round_trip_every_row_unchanged_nothing_written(
    park_world, name, export
):
    resource = resource_for(name)
    park = park_world if resource.needs_park else None
    data = export(resource, resource.export_queryset(park=park))
    histories, before = history_counts(), versions()
    manager = make_manager()

    record, report = import_file(
        resource=name,
        data=data,
        file_name=f"{name}.{'csv' if export is export_csv else 'xlsx'}",
        commit=True,
        park=park_world if resource.needs_park else None,
        actor=manager,
        run_now=True,
    )

    assert report.as_dict()["errors"] == []
    assert report.rows == EXPECTED_ROWS[name]
    assert (report.unchanged, report.new, report.updated, report.skipped) == (
        EXPECTED_ROWS[name],
        0,
        0,
        0,
    )
    if resource.needs_park:
        assert report.unmatched == []
    assert report.committed is True
    assert history_counts() == histories
    assert versions() == before
    assert record.committed is True
