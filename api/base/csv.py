"""`?format=csv`: text/csv (UTF-8 with a BOM, so spreadsheets show Vietnamese), whatever
the Accept header says (design/api.md, CSV)."""

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

from core.csv import csv_bytes, csv_cell

__all__ = ["CSVRenderer", "FormatParamFirstNegotiation", "csv_cell"]  # csv_cell: core's


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
        return csv_bytes(columns, ([row.get(column) for column in columns] for row in rows))


class FormatParamFirstNegotiation(DefaultContentNegotiation):
    """`?format=` names the renderer outright; DRF's default would still match it against
    the Accept header and answer 406 to `Accept: application/json` with `?format=csv`."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        for renderer in renderers:
            if wanted and renderer.format == wanted:
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)
