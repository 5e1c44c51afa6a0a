"""Exports and templates of each resource, in CSV and XLSX, written so that an import reads
them back unchanged: export -> import is a round trip with every row `unchanged`.

CSV is UTF-8 with a BOM; a text cell that starts like a formula gets a leading `'` (the
importer drops it again). XLSX cells are typed (text, number, date or boolean) and never a
formula, whatever the text says: a legal name `=HYPERLINK(...)` stays a text cell; only text
that starts with a tab or CR (which an import trims) gets the same leading `'`.
"""

import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.csv import csv_bytes
from imports.resources.base import ImportResource

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "yyyy-mm-dd"
EXACT_FLOAT_DIGITS = 15  # an IEEE double holds any 15 significant decimal digits exactly
WIDTH_SAMPLE = 200  # rows read to size the columns before any is written
MIN_WIDTH, MAX_WIDTH = 8, 60
ITERATOR_CHUNK = 2000
TRIMMED_STARTS = ("\t", "\r")


def _rows(resource: ImportResource, rows_or_queryset: Iterable[Any]) -> Iterator[list[Any]]:
    """Each record's export row; a queryset is streamed, not loaded whole."""
    records = rows_or_queryset
    if hasattr(records, "iterator"):
        records = records.iterator(chunk_size=ITERATOR_CHUNK)
    for record in records:
        yield resource.export_row(record)


# CSV


def export_csv(resource: ImportResource, rows_or_queryset: Iterable[Any]) -> bytes:
    """The records as CSV under the resource's English headers: dates ISO, Decimals as
    written (`48.50`), booleans `true`/`false`, None empty (`core.csv.csv_cell`)."""
    return csv_bytes(
        resource.export_headers(), (_csv_row(row) for row in _rows(resource, rows_or_queryset))
    )


def _csv_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _decimal_text(value)
    return value


def _decimal_text(value: Decimal) -> str:
    """`48.50` as written, except a number with exactly three decimals: an import reads
    `12.125` or `980.000` as thousands (12125, 980000, as Vietnamese write them), so those
    lose their trailing zeros (`980`) or gain one (`12.1250`)."""
    text = format(value, "f")
    whole, _point, fraction = text.partition(".")
    if len(fraction) != 3:
        return text
    trimmed = fraction.rstrip("0")
    if len(trimmed) < 3:
        return f"{whole}.{trimmed}" if trimmed else whole
    return text + "0"


def _csv_row(row: list[Any]) -> list[Any]:
    return [_csv_value(value) for value in row]


def template_csv(resource: ImportResource) -> bytes:
    """The headers in both languages (`Mã phòng / code`) and one example row."""
    return csv_bytes(resource.template_headers(), [_csv_row(resource.example_row())])


# XLSX


def _text(value: str) -> str:
    # Control characters other than tab, LF and CR cannot be stored in an XLSX file.
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _is_exact_number(value: Decimal) -> bool:
    """Whether a spreadsheet number (a double) holds `value` exactly."""
    if not value.is_finite():
        return False
    digits = len(value.normalize().as_tuple().digits)
    return digits <= EXACT_FLOAT_DIGITS and Decimal(repr(float(value))) == value


def _cell(sheet, value: Any) -> WriteOnlyCell:
    """A typed cell: text, number, date or boolean, never a formula."""
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, int):
        if abs(value) < 2**53:
            return WriteOnlyCell(sheet, value=value)
        value = str(value)
    elif isinstance(value, float):
        return WriteOnlyCell(sheet, value=value)
    elif isinstance(value, Decimal):
        if _is_exact_number(value):
            return WriteOnlyCell(sheet, value=value)
        value = str(value)
    text = _text(str(value))
    if text.startswith(TRIMMED_STARTS):
        # An import trims a cell's whitespace; a leading `'` (dropped again by the import,
        # as in CSV) keeps a tab or CR that starts the text.
        text = "'" + text
    cell = WriteOnlyCell(sheet, value=None)
    # Set as text explicitly: openpyxl would store a str that starts with "=" as a formula.
    cell.value = text
    cell.data_type = "s"
    return cell


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _workbook(headers: list[str], rows: Iterable[list[Any]], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    for index, header in enumerate(headers, start=1):
        widest = max(
            [_width(header), *(_width(row[index - 1]) for row in sample if index <= len(row))]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(widest + 2, MIN_WIDTH), MAX_WIDTH
        )
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = _cell(sheet, str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in chain(sample, rows):
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_xlsx(resource: ImportResource, rows_or_queryset: Iterable[Any]) -> bytes:
    """The records as an XLSX workbook of one sheet, the header row frozen."""
    return _workbook(
        resource.export_headers(), _rows(resource, rows_or_queryset), title=resource.name
    )


def template_xlsx(resource: ImportResource) -> bytes:
    """The headers in both languages and one example row, as XLSX."""
    return _workbook(resource.template_headers(), [resource.example_row()], title=resource.name)


__all__ = [
    "CSV_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "export_csv",
    "export_xlsx",
    "template_csv",
    "template_xlsx",
]
