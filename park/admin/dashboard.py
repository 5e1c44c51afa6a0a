"""The occupancy dashboard (`admin/park/park/occupancy/`): a park's occupancy on a day by
building and kind, its last twelve months as an SVG bar chart, leases ending soon, floor maps."""

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy

from core.csv import csv_bytes
from park.admin._shared import parse_day, today
from park.models import Floor, Park
from park.occupancy import DESK_KINDS, leases_ending_within, occupancy_rows, occupancy_series
from park.reports import CSV_COLUMNS, reports_summary_rows
from tenants.models import Sector

ENDING_WITHIN_DAYS = 90

# The admin index links the occupancy dashboard (park/templates/admin/park/site_index.html extends
# Django's own index). Only set when nobody else has replaced the index.
if admin.site.index_template is None:
    admin.site.index_template = "admin/park/site_index.html"


def occupancy_view(model_admin: admin.ModelAdmin, request):
    """The dashboard page; `model_admin` is the ParkAdmin that mounts it."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    parks = list(Park.objects.order_by("-is_home", "name"))
    chosen = next((park for park in parks if str(park.pk) == request.GET.get("park")), None)
    park = chosen or (parks[0] if parks else None)
    on = parse_day(request.GET.get("on"))
    if request.GET.get("on") and on is None:
        model_admin.message_user(
            request,
            gettext("“%(value)s” is not a date (YYYY-MM-DD); showing today.")
            % {"value": request.GET["on"]},
            messages.ERROR,
        )
    on = on or today()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Occupancy"),
        "opts": model_admin.model._meta,
        "parks": parks,
        "park": park,
        "on": on,
        "last_year": on.year - 1,
    }
    if park is not None:
        first_month = _months_before(on, 11)
        desks = {"park": park, "desk_kinds": DESK_KINDS}  # meeting rooms: area, not desks
        series = occupancy_series(start=first_month, end=on, **desks)
        context.update(
            by_building=occupancy_rows(on=on, group_by="building", **desks),
            by_kind=occupancy_rows(on=on, group_by="kind", **desks),
            totals=occupancy_rows(on=on, group_by="park", **desks),
            chart=_bar_chart(series),
            series=series,
            ending=list(leases_ending_within(days=ENDING_WITHIN_DAYS, on=on, park=park)[:50]),
            ending_days=ENDING_WITHIN_DAYS,
            floors=Floor.objects.filter(building__park=park).select_related("building"),
        )
    return TemplateResponse(request, "admin/park/occupancy.html", context)


def _months_before(day: date, months: int) -> date:
    """The first day of the month `months` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _bar_chart(series: list[dict]) -> dict:
    """Bars of the monthly occupancy rate for an inline SVG (no JavaScript)."""
    width, height, left, bottom, top = 720, 240, 44, 28, 12
    plot = height - bottom - top
    step = (width - left - 8) / max(len(series), 1)
    bars = []
    for index, row in enumerate(series):
        bar_height = float(row["rate"]) * plot
        year, month = (int(part) for part in row["month"].split("-"))
        bars.append(
            {
                "x": round(left + index * step + step * 0.15, 1),
                "y": round(top + plot - bar_height, 1),
                "width": round(step * 0.7, 1),
                "height": round(bar_height, 1),
                "label": f"{month:02d}/{year % 100:02d}",  # the same in both languages
                "label_x": round(left + index * step + step / 2, 1),
                "percent": f"{float(row['rate']) * 100:.0f}%",
                "title": f"{row['month']}: {row['leased']}/{row['capacity']}",
            }
        )
    grid = [
        {"y": round(top + plot - plot * fraction, 1), "label": f"{fraction * 100:.0f}%"}
        for fraction in (0, 0.25, 0.5, 0.75, 1)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - 8,
        "baseline": top + plot,
        "label_y": height - 8,
        "bars": bars,
        "grid": grid,
    }


def summary_csv_view(model_admin: admin.ModelAdmin, request, park_id):
    """The park's yearly figures for the authorities (`?year=`, default last year) as CSV: one
    row per counted company, then the totals, the same rows as the API's summary, with
    headers and sectors in the manager's language."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    park = get_object_or_404(Park, pk=park_id)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 1990 <= int(year_text) <= 2100 else None
    if year is None:
        year = today().year - 1
    rows = reports_summary_rows(park=park, year=year)
    sectors = dict(Sector.choices)
    header = [_SUMMARY_HEADERS[column] for column in CSV_COLUMNS]
    body = csv_bytes(
        header,
        (
            [
                sectors.get(row[column], row[column]) if column == "sector" else row[column]
                for column in CSV_COLUMNS
            ]
            for row in rows
        ),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="summary-{park.slug}-{year}.csv"'
    return response


_SUMMARY_HEADERS = {
    "id": gettext_lazy("id"),
    "legal_name": gettext_lazy("legal name"),
    "short_name": gettext_lazy("short name"),
    "tax_code": gettext_lazy("tax code"),
    "sector": gettext_lazy("sector"),
    "report": gettext_lazy("report"),
    "revenue_vnd": gettext_lazy("revenue (VND)"),
    "export_revenue_usd": gettext_lazy("export revenue (USD)"),
    "headcount": gettext_lazy("headcount"),
    "it_headcount": gettext_lazy("IT headcount"),
}
