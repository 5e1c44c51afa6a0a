"""`?format=csv`: text/csv (UTF-8 with a BOM, so spreadsheets show Vietnamese), whatever
the Accept header says (design/api.md, CSV)."""

import csv
import io

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer


class CSVRenderer(BaseRenderer):
    """A list of flat rows (or one row) as CSV; the view may name the columns in order
    (`csv_columns`), so an empty list still has its header row."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        rows = data if isinstance(data, list) else [data] if data else []
        columns = list(getattr(view, "csv_columns", None) or (rows[0].keys() if rows else []))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(row.get(column)) for column in columns])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) can
# send the sheet's data away): OWASP's "CSV injection" list.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """One CSV cell: text that starts like a formula gets a leading `'`, so spreadsheets show
    it as text. Numbers stay numbers: `-5` is only escaped when it arrives as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


class FormatParamFirstNegotiation(DefaultContentNegotiation):
    """`?format=` names the renderer outright; DRF's default would still match it against
    the Accept header and answer 406 to `Accept: application/json` with `?format=csv`."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        for renderer in renderers:
            if wanted and renderer.format == wanted:
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)
