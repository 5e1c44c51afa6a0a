import io
import unicodedata
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from core.errors import TooLarge
from imports import reading
from imports.reading import FORMULA_WITHOUT_VALUE, UnsupportedFormat, read_table

NAME = "Công ty Nguyễn"


def xlsx(*sheets: tuple[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_cached_value(data: bytes, cell: str, formula: str, value: str) -> bytes:
    """openpyxl saves formulas without a value; write one in, as Excel would have."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as patched:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                old = f'<c r="{cell}"><f>{formula}</f><v></v></c>'.encode()
                assert old in content
                new = f'<c r="{cell}"><f>{formula}</f><v>{value}</v></c>'.encode()
                content = content.replace(old, new)
            patched.writestr(item, content)
    return target.getvalue()


# XLSX


def test_xlsx_keeps_native_values_and_row_numbers():
    data = xlsx(
        (
            "Leases",
            [
                [" Mã số thuế ", "Ngày bắt đầu", "Giá thuê/tháng", "Có", None, "At"],
                ["0101234567", datetime(2027, 1, 31), 1500000, True, "extra", None],  # noqa: DTZ001
                [None, None, None, None],
                [NAME, date(2027, 2, 1), 12.5, False, None, datetime(2027, 1, 31, 8, 30)],  # noqa: DTZ001
                [None],
                [None],
            ],
        )
    )
    table = read_table(data, file_name="leases.xlsx")
    assert table.file_format == "xlsx"
    assert table.headers == ["Mã số thuế", "Ngày bắt đầu", "Giá thuê/tháng", "Có", "", "At"]
    assert table.rows == [
        ["0101234567", date(2027, 1, 31), 1500000, True, "extra", None],
        [None] * 6,
        [NAME, date(2027, 2, 1), 12.5, False, None, datetime(2027, 1, 31, 8, 30)],  # noqa: DTZ001
    ]
    assert type(table.rows[0][1]) is date  # a midnight datetime is a date
    assert (table.first_row, table.row_number(0), table.row_number(2)) == (2, 2, 4)


def test_xlsx_header_below_blank_rows_and_wide_rows_truncated():
    data = xlsx(("S", [[None], [None, None], ["name", "tax_code"], ["A", "1", "ignored", 4]]))
    table = read_table(data)
    assert table.headers == ["name", "tax_code"]
    assert table.rows == [["A", "1"]]
    assert table.first_row == 4


def test_xlsx_formulas_cached_and_missing():
    data = xlsx(("S", [["a", "double", "plain"], [42, "=A2*2", "=A2"]]))
    data = with_cached_value(data, "B2", "A2*2", "84")
    table = read_table(data)
    assert table.rows == [[42, 84, FORMULA_WITHOUT_VALUE]]


def test_xlsx_text_that_looks_like_a_formula_is_text():
    book = Workbook()
    book.active.append(["a"])
    book.active["A2"].value = "=not a formula"
    book.active["A2"].data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_table(buffer.getvalue()).rows == [["=not a formula"]]


def test_xlsx_sheet_by_name():
    data = xlsx(("Companies", [["name"], ["A"]]), ("Leases", [["unit"], ["P101"], ["P102"]]))
    assert read_table(data).rows == [["A"]]
    assert read_table(data, sheet="Leases").rows == [["P101"], ["P102"]]
    assert read_table(data, sheet=" leases ").headers == ["unit"]


def test_xlsx_unknown_sheet_names_the_sheets():
    data = xlsx(("Companies", [["name"]]), ("Leases", [["unit"]]))
    with pytest.raises(UnsupportedFormat) as caught:
        read_table(data, sheet="Payments")
    assert (caught.value.code, caught.value.field) == ("unsupported_format", "file")
    assert "Payments" in caught.value.detail
    assert "Companies, Leases" in caught.value.detail


def test_xlsx_detected_by_content_not_name():
    data = xlsx(("S", [["name"], ["A"]]))
    assert read_table(data, file_name="export.csv").file_format == "xlsx"


def test_xlsx_without_header_row_is_refused():
    with pytest.raises(UnsupportedFormat):
        read_table(xlsx(("S", [])))


# CSV


def test_csv_utf8():
    table = read_table(f"name,tax_code\n{NAME},0101234567\n".encode())
    assert table.file_format == "csv"
    assert table.headers == ["name", "tax_code"]
    assert table.rows == [[NAME, "0101234567"]]
    assert table.first_row == 2


def test_csv_utf8_bom():
    table = read_table(f"name,tax_code\r\n{NAME},0101\r\n".encode("utf-8-sig"))
    assert table.headers == ["name", "tax_code"]  # no BOM in the first header
    assert table.rows == [[NAME, "0101"]]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_csv_utf16_tab_separated(encoding):
    text = f"Tên doanh nghiệp\tMã số thuế\r\n{NAME}\t0101\r\n"
    data = text.encode(encoding)
    if encoding != "utf-16":  # Excel always writes the BOM
        data = ("\ufeff" + text).encode(encoding)
    table = read_table(data)
    assert table.headers == ["Tên doanh nghiệp", "Mã số thuế"]
    assert table.rows == [[NAME, "0101"]]


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # the combining marks Windows-1258 has


def cp1258(text: str) -> bytes:
    """Encode as Windows does: 'ễ' is 'ê' plus a combining tilde (no precomposed form)."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", char)
        kept = "".join(m for m in marks if m not in TONE_MARKS)
        tones = "".join(m for m in marks if m in TONE_MARKS)
        out.append(unicodedata.normalize("NFC", base + kept) + tones)
    return "".join(out).encode("cp1258")


def test_csv_windows_1258_keeps_accents():
    data = cp1258(f"Tên doanh nghiệp;Giá thuê/tháng\n{NAME};1.500.000\n")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the case under test: not UTF-8
    assert data.decode("cp1258") != NAME  # cp1258 writes combining tone marks
    table = read_table(data)
    assert table.headers == ["Tên doanh nghiệp", "Giá thuê/tháng"]
    assert table.rows == [[NAME, "1.500.000"]]
    assert unicodedata.is_normalized("NFC", table.rows[0][0])


def test_csv_decomposed_utf8_is_normalised():
    data = unicodedata.normalize("NFD", f"name\n{NAME}\n").encode()
    assert read_table(data).rows == [[NAME]]


def test_csv_semicolon_with_quoted_newline_and_short_rows():
    data = b'name;note;amount\n"A";"line 1\nline 2";"1,5"\nB\n\n\n'
    table = read_table(data)
    assert table.headers == ["name", "note", "amount"]
    assert table.rows == [["A", "line 1\nline 2", "1,5"], ["B", "", ""]]


def test_csv_single_column_and_blank_lines_keep_row_numbers():
    table = read_table(b"\nname\nA\n\nB\n")
    assert table.headers == ["name"]
    assert table.rows == [["A"], [""], ["B"]]
    assert (table.first_row, table.row_number(2)) == (3, 5)


def test_csv_comma_in_quoted_cell_of_semicolon_file():
    table = read_table(b'name;amount\n"A, B";"1,500,000"\n')
    assert table.rows == [["A, B", "1,500,000"]]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\n",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),  # an .xls (BIFF in OLE)
        b"PK\x03\x04" + bytes(100),  # a broken zip
        b"\x89PNG\r\n\x1a\n" + bytes(50),
        b"name,tax\nA\x00B,1\n",  # NUL bytes in text
        bytes(range(256)) * 4,
    ],
)
def test_unsupported_files(data):
    with pytest.raises(UnsupportedFormat) as caught:
        read_table(data, file_name="upload.bin")
    assert (caught.value.code, caught.value.field) == ("unsupported_format", "file")
    assert "upload.bin" in caught.value.detail


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(UnsupportedFormat) as caught:
        read_table(buffer.getvalue())
    assert caught.value.detail == "Upload a CSV or an XLSX file."


# limits


def test_over_size_file(monkeypatch):
    data = b"name\n" + b"A\n" * 50
    assert read_table(data).rows  # fine at the real limit
    monkeypatch.setattr(reading, "MAX_BYTES", len(data) - 1)
    with pytest.raises(TooLarge) as caught:
        read_table(data)
    assert (caught.value.code, caught.value.field) == ("payload_too_large", "file")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_too_many_rows(monkeypatch, file_format):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    rows = [["name"], ["A"], ["B"], ["C"]]
    make = {
        "csv": lambda rs: "\n".join(r[0] or "" for r in rs).encode(),
        "xlsx": lambda rs: xlsx(("S", rs)),
    }
    assert len(read_table(make[file_format](rows + [[None]] * 5)).rows) == 3  # trailing blanks
    with pytest.raises(TooLarge) as caught:
        read_table(make[file_format]([*rows, ["D"]]))
    assert (caught.value.code, caught.value.field) == ("payload_too_large", "file")


def test_too_many_rows_stops_reading_early(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    read_rows = []

    def rows():
        for number in range(1_000_000):
            read_rows.append(number)
            yield [str(number)]

    with pytest.raises(TooLarge):
        reading._build(rows(), file_format="csv", file_name="", pad="")
    assert len(read_rows) == 12  # the header, 10 rows, and the one too many
