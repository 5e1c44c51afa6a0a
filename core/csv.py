"""CSV that spreadsheets open safely: UTF-8 with a BOM (so Excel shows Vietnamese) and no cell
that a spreadsheet would run as a formula. The API's `?format=csv` and the admin's "Export
selected as CSV" both write their cells here."""

import csv
import io
from collections.abc import Iterable
from typing import Any

# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) can
# send the sheet's data away): OWASP's "CSV injection" list.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """One CSV cell: text that starts like a formula gets a leading `'`, so spreadsheets show
    it as text. Numbers stay numbers: `-5` is only escaped when it arrives as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


def csv_bytes(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """A header row and the rows, every cell through `csv_cell`, CRLF line ends, as UTF-8
    with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(str(name)) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
