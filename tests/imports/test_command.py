"""`manage.py import_rows`: a dry run or a commit of a real file, a progress bar on stderr,
the report on stdout, exit 1 on a row error, and a clear refusal of a file it cannot read."""

from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from imports.models import Import
from tenants.models import Company
from tests.factories import make_manager, make_park, make_tax_code

HEADER = "Mã số thuế,Tên doanh nghiệp,Ngày thành lập\n"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_rows", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def companies_csv(tmp_path, rows: list[str], name: str = "companies.csv"):
    path = tmp_path / name
    path.write_bytes((HEADER + "".join(f"{row}\n" for row in rows)).encode("utf-8"))
    return path


@pytest.fixture
def two_companies(tmp_path):
    codes = [make_tax_code(), make_tax_code()]
    return codes, companies_csv(
        tmp_path,
        [
            f"{codes[0]},Công ty TNHH Phần mềm Cần Thơ,14/05/2019",
            f"{codes[1]},Công ty Cổ phần Số Vĩnh Long,",
        ],
    )


def test_a_dry_run_prints_the_report_and_writes_nothing(db, two_companies):
    _codes, path = two_companies

    out, _err = run("companies", str(path))

    assert out.splitlines() == [
        "companies: 2 rows, 2 new, 0 updated, 0 unchanged, 0 skipped, 0 errors; "
        "dry run: nothing written."
    ]
    assert Company.objects.count() == 0
    assert Import.objects.get().committed is False


def test_commit_writes_the_rows_and_the_history_names_the_user(db, two_companies):
    codes, path = two_companies
    manager = make_manager(email="ke.toan@softpark.vn")

    out, _err = run("companies", str(path), "--commit", "--user", "ke.toan@softpark.vn")

    assert out.splitlines()[-1].endswith("0 errors; committed.")
    company = Company.objects.get(tax_code=codes[0])
    assert company.legal_name == "Công ty TNHH Phần mềm Cần Thơ"
    assert company.founded_on.isoformat() == "2019-05-14"
    assert company.history.get().history_user == manager
    assert Import.objects.get().user == manager

    out, _err = run("companies", str(path), "--commit")
    assert "0 new, 0 updated, 2 unchanged" in out


def test_a_row_error_prints_row_column_code_message_exits_1_and_writes_nothing(db, tmp_path):
    path = companies_csv(
        tmp_path,
        [
            f"{make_tax_code()},Công ty TNHH Phần mềm Cần Thơ,",
            "0312345670,Công ty sai mã số thuế,",
            f"{make_tax_code()},Công ty ngày sai,31/02/2020",
        ],
    )

    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_rows", "companies", str(path), "--commit", stdout=out, stderr=StringIO()
        )

    assert exit_.value.code == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("companies: 3 rows, ")
    assert lines[0].endswith("2 errors; nothing written: fix the errors and import again.")
    assert lines[1].startswith("row 3, Mã số thuế: invalid_tax_code: ")
    assert lines[2].startswith("row 4, Ngày thành lập: invalid_date: ")
    assert Company.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_its_code(db, tmp_path):
    path = tmp_path / "contract.pdf"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")

    with pytest.raises(CommandError, match=r"contract\.pdf is refused \(unsupported_format\)"):
        run("companies", str(path))
    assert Import.objects.count() == 0


def test_a_missing_column_is_refused_naming_it(db, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("Họ tên,Email\nNguyễn Văn A,a@example.vn\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"missing_column.*company"):
        run("contacts", str(path))


def test_a_missing_file_park_or_user_is_a_clear_error(db, tmp_path, two_companies):
    _codes, path = two_companies
    with pytest.raises(CommandError, match="Cannot read"):
        run("companies", str(tmp_path / "nowhere.csv"))
    with pytest.raises(CommandError, match="No park has the slug nowhere"):
        run("usage", str(path), "--park", "nowhere")
    with pytest.raises(CommandError, match=r"No account nobody@example\.vn"):
        run("companies", str(path), "--user", "nobody@example.vn")


def test_usage_and_payments_need_a_park(db, tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text("company,charge,month,quantity\n0312345673,electricity,2027-01,5\n")

    with pytest.raises(CommandError, match=r"\(required\)"):
        run("usage", str(path))


def test_an_unknown_resource_is_refused_by_the_parser(db, two_companies):
    _codes, path = two_companies
    with pytest.raises(CommandError, match="invalid choice: 'tenants'"):
        run("tenants", str(path))


def test_the_progress_bar_on_stderr_counts_the_rows(db, tmp_path):
    park = make_park(slug="mekong")
    rows = [f"{park.slug},A,1,A-{number:04d},office,50,4,1.000.000,1" for number in range(1, 1201)]
    path = tmp_path / "units.csv"
    path.write_text(
        "park,building,floor,code,kind,area_m2,capacity,monthly_rate_vnd,is_active\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )

    out, err = run("units", str(path))

    assert "1200 rows, 1200 new" in out
    frames = err.split("\r")
    assert f"[{'#' * 12}{'.' * 18}] 500/1200 rows" in frames
    assert f"[{'#' * 25}{'.' * 5}] 1000/1200 rows" in frames
    assert err.endswith(f"[{'#' * 30}] 1200/1200 rows\n")


def test_an_xlsx_sheet_is_chosen_by_name(db, tmp_path):
    workbook = Workbook()
    workbook.active.title = "Ghi chú"
    workbook.active.append(["Tài liệu này không phải danh sách"])
    sheet = workbook.create_sheet("Doanh nghiệp")
    sheet.append(["Mã số thuế", "Tên doanh nghiệp"])
    code = make_tax_code()
    sheet.append([code, "Công ty TNHH Phần mềm Bạc Liêu"])
    buffer = BytesIO()
    workbook.save(buffer)
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(buffer.getvalue())

    out, _err = run("companies", str(path), "--sheet", "Doanh nghiệp", "--commit")

    assert "1 rows, 1 new" in out
    assert Company.objects.get(tax_code=code).legal_name == "Công ty TNHH Phần mềm Bạc Liêu"
    with pytest.raises(CommandError, match="missing_column"):
        run("companies", str(path))  # the first sheet has no such columns
