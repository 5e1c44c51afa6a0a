"""Every bad input the import rules name: its exact error, and nothing written.

A refused file (unsupported_format, payload_too_large, missing_column) is a DomainError on
`file`; a bad row is `{row, column, code}` in the report, with the row numbered as the
spreadsheet numbers it (header = 1) and the column named as the file writes it. Each file
also holds a good row, which is not written either: all or nothing.
"""

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from billing.models import Charge, Payment, Usage
from core.errors import DomainError
from imports.models import Import
from imports.reading import MAX_BYTES, MAX_ROWS, read_table
from imports.services import import_file
from park.models import Building, Floor, Lease, Park, Unit
from tenants.models import Company, Contact
from tests.billing.factories import make_charge
from tests.factories import (
    make_company,
    make_lease,
    make_manager,
    make_park,
    make_pool,
    make_tax_code,
    make_unit,
)
from tests.imports.parkfile import cp1258_bytes, csv_bytes, utf16_tab_bytes

pytestmark = pytest.mark.django_db

WRITTEN = (Building, Floor, Unit, Lease, Company, Contact, Charge, Usage, Payment)
UNITS = ["Khu", "Tòa nhà", "Tầng", "Mã phòng", "Loại", "Diện tích (m²)", "Sức chứa",
         "Giá thuê/tháng"]  # fmt: skip
LEASES = ["Khu", "Mã phòng", "Mã số thuế", "Ngày bắt đầu", "Ngày kết thúc", "Giá thuê/tháng",
          "Số hợp đồng"]  # fmt: skip
COMPANIES = ["Mã số thuế", "Tên doanh nghiệp", "Điện thoại"]
USAGE = ["Mã số thuế", "Mã phí", "Tháng", "Số lượng"]


@dataclass
class World:
    park: Park
    office: Unit  # A-101, leased in 2027 as HĐ-1
    pool: Unit  # P-1, 10 desks
    company: Company
    other: Company
    lease: Lease
    charge: Charge


@pytest.fixture
def world() -> World:
    park = make_park(slug="mekong")
    office = make_unit(park=park, code="A-101", capacity=4, monthly_rate_vnd=9_000_000)
    pool = make_pool(desks=10, park=park, code="P-1")
    company, other = make_company(tax_code=make_tax_code()), make_company(tax_code=make_tax_code())
    lease = make_lease(
        unit=office,
        company=company,
        start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31),
        contract_number="HĐ-1",
        monthly_rent_vnd=9_000_000,
    )
    charge = make_charge(park=park, code="electricity")
    return World(park, office, pool, company, other, lease, charge)


def snapshot() -> dict[str, tuple[int, int]]:
    """Rows and history rows of every table an import writes."""
    counts = {}
    for model in WRITTEN:
        history = model.history.count() if hasattr(model, "history") else 0
        counts[model.__name__] = (model.objects.count(), history)
    return counts


def xlsx(headers: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def leases(w: World, *rows: list) -> bytes:
    return csv_bytes(LEASES, [list(row) for row in rows])


def a_good_lease(w: World) -> list:
    return ["mekong", "P-1", w.other.tax_code, "01/01/2028", "31/12/2028", "1.500.000", "HĐ-9"]


# -- refused files ---------------------------------------------------------------------------


@dataclass
class Refused:
    resource: str
    data: Callable[[], bytes]
    file_name: str
    code: str
    detail: str  # a part of the message


def _rows(count: int) -> bytes:
    return b"park,building,floor,code\r\n" + b"mekong,A,1,A-1\r\n" * count


REFUSED = {
    "a PDF": Refused(
        "units", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "phong.pdf",
        "unsupported_format", "phong.pdf",
    ),
    "an .xls (Excel 97)": Refused(
        "units", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), "phong.xls",
        "unsupported_format", "phong.xls",
    ),
    "a file over 20 MB": Refused(
        "units", lambda: _rows(0) + b"x" * (MAX_BYTES + 1 - len(_rows(0))), "big.csv",
        "payload_too_large", "20 MB",
    ),
    "over 100,000 rows": Refused(
        "units", lambda: _rows(MAX_ROWS + 1), "many.csv", "payload_too_large", "100000",
    ),
    "a missing required column": Refused(
        "leases", lambda: csv_bytes(["Khu", "Mã phòng", "Mã số thuế"], [["mekong", "A", "1"]]),
        "leases.csv", "missing_column", "start_date (Ngày bắt đầu)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_file_is_an_error_on_file_and_writes_nothing(world, case):
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        import_file(
            resource=case.resource, data=case.data(), file_name=case.file_name, commit=True,
            actor=make_manager(), run_now=True,
        )  # fmt: skip
    assert (refused.value.code, refused.value.field) == (case.code, "file")
    assert case.detail in refused.value.detail.replace(",", "")
    assert snapshot() == before
    assert not Import.objects.exists()  # refused before anything is logged


def test_exactly_100000_rows_are_read():
    table = read_table(_rows(MAX_ROWS), file_name="many.csv")
    assert (len(table.rows), table.first_row, table.rows[-1]) == (
        MAX_ROWS,
        2,
        ["mekong", "A", "1", "A-1"],
    )


# -- refused rows ----------------------------------------------------------------------------


@dataclass
class Bad:
    resource: str
    data: Callable[[World], bytes]
    errors: list[tuple[int, str, str]]  # (row, column as written, code)
    message: Callable[[World], str] | None = None  # a part of the first error's message
    park: bool = False


def _formula(w: World) -> bytes:
    return xlsx(
        UNITS,
        [
            ["mekong", "B", 1, "B-101", "office", 40, 4, "8.000.000 đ"],
            ["mekong", "B", "=1+1", "B-201", "office", 40, 4, "=2*4000000"],
        ],
    )


BAD = {
    "formula_without_value": Bad(
        "units", _formula, [(3, "Tầng", "formula_without_value"),
                            (3, "Giá thuê/tháng", "formula_without_value")],
    ),
    "invalid_date": Bad(
        "leases",
        lambda w: leases(w, a_good_lease(w), ["mekong", "P-1", w.company.tax_code, "31/02/2028",
                                              "", "1.500.000", "HĐ-10"]),
        [(3, "Ngày bắt đầu", "invalid_date")],
    ),
    "money with letters": Bad(
        "leases",
        lambda w: leases(w, a_good_lease(w), ["mekong", "P-1", w.company.tax_code, "01/02/2028",
                                              "", "1.5OO.OOO đ", "HĐ-10"]),
        [(3, "Giá thuê/tháng", "invalid")],
    ),
    "invalid_transition (a lease's end date)": Bad(
        "leases",
        lambda w: leases(w, a_good_lease(w), ["mekong", "A-101", w.company.tax_code, "01/01/2027",
                                              "30/06/2028", "9.000.000", "HĐ-1"]),
        [(3, "Ngày kết thúc", "invalid_transition")],
    ),
    "unit_unavailable (a lease in the database)": Bad(
        "leases",
        lambda w: leases(w, a_good_lease(w), ["mekong", "A-101", w.other.tax_code, "01/12/2027",
                                              "31/01/2028", "9.000.000", "HĐ-10"]),
        [(3, "Mã phòng", "unit_unavailable")],
        message=lambda w: "Overlaps lease HĐ-1 (2027-01-01 to 2027-12-31).",
    ),
    "unit_unavailable (an earlier row)": Bad(
        "leases",
        lambda w: leases(
            w,
            ["mekong", "A-101", w.other.tax_code, "01/01/2029", "31/12/2029", "9.000.000", "HĐ-10"],
            a_good_lease(w),
            ["mekong", "A-101", w.company.tax_code, "01/06/2029", "", "9.000.000", "HĐ-11"],
        ),
        [(4, "Mã phòng", "unit_unavailable")],
        message=lambda w: "Overlaps row 2.",
    ),
    "invalid_tax_code": Bad(
        "companies",
        lambda w: csv_bytes(COMPANIES, [[make_tax_code(), "Công ty TNHH Một", ""],
                                        ["0312345670", "Công ty TNHH Hai", ""]]),
        [(3, "Mã số thuế", "invalid_tax_code")],
    ),
    "not_found (a unit)": Bad(
        "leases",
        lambda w: leases(w, a_good_lease(w), ["mekong", "Z-999", w.company.tax_code, "01/01/2028",
                                              "", "1.000.000", "HĐ-10"]),
        [(3, "Mã phòng", "not_found")],
        message=lambda w: "Z-999",
    ),
    "not_found (a company)": Bad(
        "leases",
        lambda w: leases(w, a_good_lease(w), ["mekong", "P-1", make_tax_code(), "01/01/2028", "",
                                              "1.500.000", "HĐ-10"]),
        [(3, "Mã số thuế", "not_found")],
    ),
    "not_found (a charge)": Bad(
        "usage",
        lambda w: csv_bytes(USAGE, [[w.company.tax_code, "electricity", "01/2028", "120,5"],
                                    [w.company.tax_code, "gas", "01/2028", "3"]]),
        [(3, "Mã phí", "not_found")],
        message=lambda w: "gas",
        park=True,
    ),
    "duplicate_row (a company)": Bad(
        "companies",
        lambda w: csv_bytes(COMPANIES, [["0100233488", "Công ty TNHH Một", ""],
                                        ["0100233488", "Công ty TNHH Một (chi nhánh)", ""]]),
        [(3, "Mã số thuế", "duplicate_row")],
        message=lambda w: "Row 2",
    ),
    "duplicate_row (a lease)": Bad(
        "leases",
        lambda w: leases(w, a_good_lease(w), a_good_lease(w)),
        [(3, "Số hợp đồng", "duplicate_row")],
        message=lambda w: "Row 2",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_a_bad_row_is_its_error_and_nothing_is_written(world, case):
    manager = make_manager()
    before = snapshot()
    _record, report = import_file(
        resource=case.resource, data=case.data(world), file_name="bad.csv", commit=True,
        actor=manager, park=world.park if case.park else None, run_now=True,
    )  # fmt: skip
    body = report.as_dict()
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == case.errors
    if case.message is not None:
        assert case.message(world) in body["errors"][0]["message"]
    assert body["committed"] is False
    assert snapshot() == before
    world.lease.refresh_from_db()
    assert (world.lease.end_date, world.lease.version) == (date(2027, 12, 31), 1)


# An empty cell in a column a row cannot do without (its key, a new lease's start) is that
# row's error, not a crash of the whole import.
REQUIRED = {
    "units: Mã phòng": ("units", ["Khu", "Tòa nhà", "Tầng", "Mã phòng"], ["mekong", "A", "1", ""]),
    "contacts: Email": ("contacts", ["Mã số thuế", "Họ tên", "Email"], ["TAX", "Lan", ""]),
    "leases: Ngày bắt đầu": (
        "leases",
        ["Khu", "Mã phòng", "Mã số thuế", "Ngày bắt đầu", "Số hợp đồng"],
        ["mekong", "P-1", "TAX", "", "HĐ-10"],
    ),
    "usage: Tháng": ("usage", ["Mã số thuế", "Mã phí", "Tháng", "Số lượng"],
                     ["TAX", "electricity", "", "1"]),
}  # fmt: skip


@pytest.mark.parametrize("case", REQUIRED.values(), ids=REQUIRED.keys())
def test_an_empty_required_cell_is_a_row_error(world, case):
    resource, headers, row = case
    row = [world.company.tax_code if cell == "TAX" else cell for cell in row]
    before = snapshot()
    report = import_file(
        resource=resource, data=csv_bytes(headers, [row]), commit=True, park=world.park,
        run_now=True,
    )[1]  # fmt: skip
    column = headers[row.index("")]
    assert [(e.row, e.column, e.code) for e in report.errors] == [(2, column, "required")]
    assert snapshot() == before


# -- empty cells, neutralised text, encodings ----------------------------------------------


def test_an_empty_cell_keeps_the_value_on_an_update_and_takes_the_default_on_a_create(world):
    units = csv_bytes(
        ["Khu", "Tòa nhà", "Tầng", "Mã phòng", "Loại", "Diện tích (m²)", "Sức chứa",
         "Giá thuê/tháng", "Đang hoạt động"],
        [
            ["mekong", world.office.floor.building.code, "1", "A-101", "", "", "", "9.500.000", ""],
            ["mekong", "C", "2", "C-201", "Văn phòng", "", "", "", ""],
        ],
    )  # fmt: skip
    report = import_file(resource="units", data=units, commit=True, run_now=True)[1]
    assert (report.updated, report.new, report.errors) == (1, 1, [])
    world.office.refresh_from_db()
    assert (world.office.kind, world.office.area_m2, world.office.capacity) == (
        "office",
        Decimal("50.00"),
        4,
    )
    assert world.office.monthly_rate_vnd == 9_500_000
    created = Unit.objects.get(code="C-201")
    assert (created.area_m2, created.capacity, created.monthly_rate_vnd, created.is_active) == (
        Decimal("0.00"),
        1,
        0,
        True,
    )

    lease_file = csv_bytes(
        ["Khu", "Mã phòng", "Mã số thuế", "Ngày bắt đầu", "Ngày kết thúc", "Giá thuê/tháng",
         "Tiền đặt cọc", "Số hợp đồng"],
        [
            ["mekong", "A-101", world.company.tax_code, "01/01/2027", "", "", "18.000.000", "HĐ-1"],
            ["mekong", "P-1", world.other.tax_code, "01/03/2028", "", "", "", "HĐ-2"],
        ],
    )  # fmt: skip
    report = import_file(resource="leases", data=lease_file, commit=True, run_now=True)[1]
    assert (report.updated, report.new, report.errors) == (1, 1, [])
    world.lease.refresh_from_db()
    assert (
        world.lease.start_date,
        world.lease.end_date,
        world.lease.monthly_rent_vnd,
        world.lease.deposit_vnd,
    ) == (date(2027, 1, 1), date(2027, 12, 31), 9_000_000, 18_000_000)
    desk = Lease.objects.get(contract_number="HĐ-2")
    # The defaults of a new lease: one desk, at the pool's rate, no deposit, no end.
    assert (desk.desks, desk.monthly_rent_vnd, desk.deposit_vnd, desk.end_date) == (
        1,
        world.pool.monthly_rate_vnd,
        0,
        None,
    )


def test_our_exports_quote_is_taken_off_text_that_starts_like_a_formula(world):
    code = make_tax_code()
    data = csv_bytes(
        ["Mã số thuế", "Tên doanh nghiệp", "Tên viết tắt", "Điện thoại", "Địa chỉ"],
        [[code, "'@Home Việt Nam", '\'=HYPERLINK("x")', "'+84 273 3871 234", "'Sao Việt'"]],
    )
    report = import_file(resource="companies", data=data, commit=True, run_now=True)[1]
    assert (report.new, report.errors) == (1, [])
    company = Company.objects.get(tax_code=code)
    assert (company.legal_name, company.short_name, company.phone, company.address) == (
        "@Home Việt Nam",
        '=HYPERLINK("x")',
        "+84 273 3871 234",
        "'Sao Việt'",  # a quote before anything else is the company's own
    )


NAMES = [
    "Công ty TNHH Phần mềm Nguyễn Đình Chiểu",
    "Công ty Cổ phần Giải pháp Số Hưng Thịnh",
    "Doanh nghiệp tư nhân Thiết kế Vi mạch Ỷ Lan",
]
ENCODINGS = {
    "Windows-1258": lambda rows: cp1258_bytes(
        "\r\n".join(";".join(row) for row in [["Mã số thuế", "Tên doanh nghiệp"], *rows])
    ),
    "UTF-16 (Excel's Unicode text)": lambda rows: utf16_tab_bytes(
        ["Mã số thuế", "Tên doanh nghiệp"], rows
    ),
}


@pytest.mark.parametrize("encode", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_company_files_in_windows_encodings_keep_their_accents(db, encode):
    codes = [make_tax_code() for _ in NAMES]
    data = encode([[code, name] for code, name in zip(codes, NAMES, strict=True)])
    assert "Nguyễn".encode() not in data  # not UTF-8 in disguise
    report = import_file(resource="companies", data=data, commit=True, run_now=True)[1]
    assert (report.new, report.errors) == (3, [])
    saved = dict(Company.objects.values_list("tax_code", "legal_name"))
    assert [saved[code] for code in codes] == [unicodedata.normalize("NFC", n) for n in NAMES]
