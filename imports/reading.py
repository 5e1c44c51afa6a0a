"""Turn an uploaded file's bytes into a table: headers, data rows and their spreadsheet rows.

CSV (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1258) and XLSX are read; the
format is told by the content, never by the file's name. CSV cells stay text; XLSX cells keep
their native types (a datetime at midnight becomes a date).
"""

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from core.errors import DomainError, TooLarge

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000


class _FormulaWithoutValue:
    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE: Any = _FormulaWithoutValue()  # an XLSX formula whose value was never saved

DELIMITERS = ",;\t"
ZIP_MAGIC = b"PK\x03\x04"
BINARY_MAGIC = (  # files that are never text: PDF, .xls (OLE), other zips, images, gzip
    b"%PDF-",
    b"\xd0\xcf\x11\xe0",
    b"PK",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
)


class UnsupportedFormat(DomainError):
    code = "unsupported_format"


class MissingColumn(DomainError):
    code = "missing_column"


@dataclass
class Table:
    headers: list[str]  # as written in the file, stripped; "" for a blank header
    rows: list[list[Any]]  # data rows, each as long as `headers`
    first_row: int  # the spreadsheet row number of rows[0]
    file_format: str  # "csv" or "xlsx"

    def row_number(self, index: int) -> int:
        return self.first_row + index


def read_table(data: bytes, *, file_name: str = "", sheet: str | None = None) -> Table:
    """Read a CSV or an XLSX file; UnsupportedFormat or TooLarge (both on `file`) otherwise."""
    if len(data) > MAX_BYTES:
        raise TooLarge(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, file_name=file_name, sheet=sheet)
    return _read_csv(data, file_name=file_name)


def _unsupported(file_name: str, reason: str = "") -> UnsupportedFormat:
    message = _("Upload a CSV or an XLSX file.")
    if file_name:
        message = _("“%(name)s” is not a CSV or an XLSX file.") % {"name": file_name}
    return UnsupportedFormat(f"{message} {reason}".strip(), field="file")


def _too_many_rows() -> TooLarge:
    return TooLarge(_("The file has more than %(rows)d rows.") % {"rows": MAX_ROWS}, field="file")


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header_text(cell: Any) -> str:
    if cell is None or cell is FORMULA_WITHOUT_VALUE:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def _build(rows: Iterable[list[Any]], *, file_format: str, file_name: str, pad: Any) -> Table:
    """Find the header (the first non-empty row), then keep rows up to the last non-empty one."""
    header_row, headers, body, blanks = 0, None, [], 0
    for number, row in enumerate(rows, start=1):
        if headers is None:
            if not all(_is_blank(cell) for cell in row):
                header_row, headers = number, [_header_text(cell) for cell in row]
                while headers and not headers[-1]:
                    headers.pop()
            continue
        if all(_is_blank(cell) for cell in row):
            blanks += 1  # kept only if a non-empty row follows: trailing blanks are dropped
            continue
        if len(body) + blanks + 1 > MAX_ROWS:
            raise _too_many_rows()
        body.extend([pad] * len(headers) for _ in range(blanks))
        blanks = 0
        row = list(row[: len(headers)])
        body.append(row + [pad] * (len(headers) - len(row)))
    if not headers:
        raise _unsupported(file_name, _("The file has no header row."))
    return Table(headers=headers, rows=body, first_row=header_row + 1, file_format=file_format)


# XLSX


def _native(cell: Any) -> Any:
    if isinstance(cell, datetime):
        return cell.date() if cell.time() == datetime.min.time() else cell
    if isinstance(cell, str):
        return unicodedata.normalize("NFC", cell)
    return cell


def _is_formula(cell: Any) -> bool:
    return isinstance(cell, ArrayFormula) or (isinstance(cell, str) and cell.startswith("="))


def _read_xlsx(data: bytes, *, file_name: str, sheet: str | None) -> Table:
    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # any zip that openpyxl cannot open is not a workbook
        raise _unsupported(file_name) from exc
    try:
        names = [ws.title for ws in values.worksheets]
        if not names:
            raise _unsupported(file_name, _("The workbook has no sheet."))
        name = names[0] if sheet is None else _sheet_name(sheet, names)
        return _build(
            _xlsx_rows(values[name], formulas[name]),
            file_format="xlsx",
            file_name=file_name,
            pad=None,
        )
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:  # a workbook broken inside
        raise _unsupported(file_name) from exc
    finally:
        values.close()
        formulas.close()


def _sheet_name(sheet: str, names: list[str]) -> str:
    wanted = sheet.strip().casefold()
    for name in names:
        if name == sheet or name.strip().casefold() == wanted:
            return name
    raise UnsupportedFormat(
        _("The workbook has no sheet “%(sheet)s”; its sheets are: %(names)s.")
        % {"sheet": sheet, "names": ", ".join(names)},
        field="file",
    )


def _xlsx_rows(values_ws, formulas_ws) -> Iterator[list[Any]]:
    # Both read-only sheets parse the same XML, so their rows and cells line up one for one.
    for values, formulas in zip(
        values_ws.iter_rows(values_only=True), formulas_ws.iter_rows(values_only=True), strict=False
    ):
        yield [
            FORMULA_WITHOUT_VALUE if value is None and _is_formula(formula) else _native(value)
            for value, formula in zip(values, formulas, strict=False)
        ]


# CSV


def _decode(data: bytes, file_name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise _unsupported(file_name) from None
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError:
            raise _unsupported(file_name) from None
    controls = sum(1 for char in text[:8192] if char < " " and char not in "\t\n\r")
    if "\x00" in text or controls * 100 > len(text[:8192]):  # binary, not text
        raise _unsupported(file_name)
    return unicodedata.normalize("NFC", text)


def _delimiter(text: str) -> str:
    lines = text.splitlines()
    header = next((line for line in lines if line.strip()), "")
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ""
    if delimiter in header and delimiter:
        return delimiter
    counts = {candidate: header.count(candidate) for candidate in DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _csv_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise UnsupportedFormat(
            _("The CSV file cannot be read: %(error)s") % {"error": exc}, field="file"
        ) from exc


def _read_csv(data: bytes, *, file_name: str) -> Table:
    if not data.strip():
        raise _unsupported(file_name, _("The file is empty."))
    if data.startswith(BINARY_MAGIC):
        raise _unsupported(file_name)
    text = _decode(data, file_name)
    return _build(_csv_rows(text, _delimiter(text)), file_format="csv", file_name=file_name, pad="")
