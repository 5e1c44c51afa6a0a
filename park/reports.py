"""The park's yearly summary for the authorities (design/api.md, "Reports summary").

Decree 154/2013/ND-CP on concentrated IT parks asks for the IT workforce, revenue and exports
of the park's companies, and sets two thresholds that this summary checks: at least 60% of
the functional land leased to establish a park (70% to expand it), and at least 2,000 IT
workers, or 1,000 for a park whose companies all make software or digital content.

It lives in park/, not tenants/, because "the park's companies" are those that held a lease
here during the year.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from park.models import Building, Lease, Park, Unit
from park.occupancy import unit_leased_desks
from park.selectors import leased_desks_subquery
from tenants.models import Company, ReportPeriod, Sector, TenantReport

LEASED_LAND_ESTABLISH = Decimal("0.60")
LEASED_LAND_EXPAND = Decimal("0.70")
IT_WORKERS = 2000
IT_WORKERS_SOFTWARE_PARK = 1000
# "A software park": every counted company is in one of these sectors.
SOFTWARE_SECTORS = frozenset({Sector.SOFTWARE, Sector.DIGITAL_CONTENT, Sector.IT_SERVICES})

_SHARE = Decimal("0.0001")

CSV_COLUMNS = [
    "id",
    "legal_name",
    "short_name",
    "tax_code",
    "sector",
    "report",
    "revenue_vnd",
    "export_revenue_usd",
    "headcount",
    "it_headcount",
]


@dataclass
class CompanyFigures:
    company: Company
    report: str  # "Y", "H1+H2", "H1", "H2", or "" when it filed nothing for the year
    revenue_vnd: int | None = None
    export_revenue_usd: int | None = None
    headcount: int | None = None
    it_headcount: int | None = None


def companies_of_year(*, park: Park, year: int):
    """Companies that held a (non-cancelled) lease of a unit of `park` on at least one day of
    `year`, by legal name."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    leases = Lease.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first),
        unit__park=park,
        cancelled_at__isnull=True,
        start_date__lte=last,
    )
    return Company.objects.filter(pk__in=leases.values("company_id")).order_by("legal_name", "pk")


def _figures(company: Company, reports: dict[str, TenantReport]) -> CompanyFigures:
    """The yearly report if filed, else the halves: revenue and exports add up, headcounts
    come from the latest half (the same people work in both halves: count them once)."""
    yearly = reports.get(ReportPeriod.Y)
    if yearly is not None:
        return CompanyFigures(
            company=company,
            report="Y",
            revenue_vnd=yearly.revenue_vnd,
            export_revenue_usd=yearly.export_revenue_usd,
            headcount=yearly.headcount,
            it_headcount=yearly.it_headcount,
        )
    halves = [reports[period] for period in (ReportPeriod.H1, ReportPeriod.H2) if period in reports]
    if not halves:
        return CompanyFigures(company=company, report="")
    latest = halves[-1]
    return CompanyFigures(
        company=company,
        report="+".join(report.period for report in halves),
        revenue_vnd=sum(report.revenue_vnd for report in halves),
        export_revenue_usd=sum(report.export_revenue_usd for report in halves),
        headcount=latest.headcount,
        it_headcount=latest.it_headcount,
    )


def company_figures(*, park: Park, year: int) -> list[CompanyFigures]:
    """Each counted company with its figures for `year`. Two queries."""
    companies = list(companies_of_year(park=park, year=year))
    reports: dict = {}
    for report in TenantReport.objects.filter(company__in=companies, year=year).order_by():
        reports.setdefault(report.company_id, {})[report.period] = report
    return [_figures(company, reports.get(company.pk, {})) for company in companies]


def land_share_day(year: int) -> date:
    """The year's last day, or today while the year is running."""
    today = timezone.localdate()
    return today if year == today.year else date(year, 12, 31)


def leased_land_share(*, park: Park, on: date) -> Decimal:
    """Each building's plot counts in proportion to the leased share of the summed area of
    its units on `on`, over the park's functional land (4 decimals, half-up). Two queries.

    Leased area is that of the occupancy figures: a leased exclusive unit counts whole, a
    pool in proportion to its leased desks.
    """
    park_land = Decimal(str(park.land_area_m2))  # a Park built in memory may hold a str
    if not park_land:
        return Decimal("0.0000")
    area: dict = {}
    leased: dict = {}
    units = (
        Unit.objects.filter(park=park)
        .annotate(desks_on_lease=leased_desks_subquery(on))
        .values("floor__building_id", "kind", "capacity", "area_m2", "desks_on_lease")
        .order_by()
    )
    for unit in units:
        building = unit["floor__building_id"]
        area[building] = area.get(building, Decimal(0)) + unit["area_m2"]
        desks = unit_leased_desks(
            kind=unit["kind"], capacity=unit["capacity"], desks_on_lease=unit["desks_on_lease"]
        )
        leased[building] = leased.get(building, Decimal(0)) + (
            unit["area_m2"] * desks / unit["capacity"] if unit["capacity"] else Decimal(0)
        )
    leased_land = Decimal(0)
    plots = Building.objects.filter(park=park).values_list("pk", "land_area_m2").order_by()
    for building, land_area_m2 in plots:
        if area.get(building):
            leased_land += land_area_m2 * leased[building] / area[building]
    return (leased_land / park_land).quantize(_SHARE, rounding=ROUND_HALF_UP)


def _total(figures: list[CompanyFigures], field: str) -> int:
    return sum(getattr(row, field) or 0 for row in figures)


def _summary(*, park: Park, year: int, figures: list[CompanyFigures]) -> dict:
    share = leased_land_share(park=park, on=land_share_day(year))
    it_headcount = _total(figures, "it_headcount")
    # "every counted company": a park with none counted is held to the lower bar too.
    software_park = all(row.company.sector in SOFTWARE_SECTORS for row in figures)
    it_required = IT_WORKERS_SOFTWARE_PARK if software_park else IT_WORKERS
    return {
        "park": str(park.pk),
        "year": year,
        "companies": len(figures),
        "companies_reporting": sum(1 for row in figures if row.report),
        "revenue_vnd": _total(figures, "revenue_vnd"),
        "export_revenue_usd": _total(figures, "export_revenue_usd"),
        "headcount": _total(figures, "headcount"),
        "it_headcount": it_headcount,
        "leased_land_share": share,
        "thresholds": [
            {
                "name": "leased_land_establish",
                "required": LEASED_LAND_ESTABLISH,
                "actual": share,
                "passed": share >= LEASED_LAND_ESTABLISH,
            },
            {
                "name": "leased_land_expand",
                "required": LEASED_LAND_EXPAND,
                "actual": share,
                "passed": share >= LEASED_LAND_EXPAND,
            },
            {
                "name": "it_workers",
                "required": it_required,
                "actual": it_headcount,
                "passed": it_headcount >= it_required,
            },
        ],
    }


def reports_summary(*, park: Park, year: int) -> dict:
    """`{park, year, companies, companies_reporting, revenue_vnd, export_revenue_usd,
    headcount, it_headcount, leased_land_share, thresholds}` of design/api.md."""
    return _summary(park=park, year=year, figures=company_figures(park=park, year=year))


def reports_summary_rows(*, park: Park, year: int) -> list[dict]:
    """The summary as CSV rows (CSV_COLUMNS): one per counted company, then the totals."""
    figures = company_figures(park=park, year=year)
    rows = [
        {
            "id": str(row.company.pk),
            "legal_name": row.company.legal_name,
            "short_name": row.company.short_name,
            "tax_code": row.company.tax_code,
            "sector": row.company.sector,
            "report": row.report,
            "revenue_vnd": row.revenue_vnd,
            "export_revenue_usd": row.export_revenue_usd,
            "headcount": row.headcount,
            "it_headcount": row.it_headcount,
        }
        for row in figures
    ]
    summary = _summary(park=park, year=year, figures=figures)
    rows.append(
        {
            "id": "",
            "legal_name": _("Total (%(reporting)d of %(companies)d companies reporting)")
            % {"reporting": summary["companies_reporting"], "companies": summary["companies"]},
            "short_name": "",
            "tax_code": "",
            "sector": "",
            "report": "",
            "revenue_vnd": summary["revenue_vnd"],
            "export_revenue_usd": summary["export_revenue_usd"],
            "headcount": summary["headcount"],
            "it_headcount": summary["it_headcount"],
        }
    )
    return rows
