"""The summary for the authorities, with every figure computed by hand below."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from park.models import Building, Lease
from park.reports import leased_land_share, reports_summary, reports_summary_rows
from tests.factories import (
    make_company,
    make_floor,
    make_lease,
    make_park,
    make_pool,
    make_report,
    make_unit,
)

YEAR = 2024


def building(park, code, land_area_m2):
    return Building.objects.create(
        park=park, code=code, name=f"Tòa {code}", land_area_m2=land_area_m2
    )


def report(company, period, revenue, exports, headcount, it_headcount, year=YEAR):
    return make_report(
        company,
        year=year,
        period=period,
        revenue_vnd=revenue,
        export_revenue_usd=exports,
        headcount=headcount,
        it_headcount=it_headcount,
    )


@pytest.fixture
def park(db):
    """Mekong park, 7,000 m2 of functional land, two buildings, six companies around it.

    On 2024-12-31: B1 (3,000 m2 of land) has 100 of its 250 m2 of units leased -> 1,200 m2;
    B2 (2,000 m2) has 4 of 10 desks of its 200 m2 pool leased -> 80/200 -> 800 m2.
    Leased land share = 2,000 / 7,000 = 0.285714... -> 0.2857.
    """
    park = make_park(name="Mekong Software Park", land_area_m2="7000.00")
    b1 = make_floor(building=building(park, "B1", "3000.00"))
    b2 = make_floor(building=building(park, "B2", "2000.00"))
    office_1 = make_unit(floor=b1, code="B1-01", area_m2="100.00")
    office_2 = make_unit(floor=b1, code="B1-02", area_m2="100.00")
    office_3 = make_unit(floor=b1, code="B1-03", area_m2="50.00")
    pool = make_pool(floor=b2, code="B2-CW", desks=10, area_m2="200.00")

    # A: the whole year, open-ended; its yearly report wins over its half-year one.
    a = make_company(legal_name="A Phần mềm Đồng Tháp", short_name="Đồng Tháp", sector="software")
    make_lease(unit=office_1, company=a, start_date=date(2024, 1, 1), end_date=None)
    report(a, "Y", 10_000_000_000, 100_000, 50, 40)
    report(a, "H1", 999_000_000, 9_000, 45, 35)
    # B: 4 desks until the year's last day; two halves: revenue and exports add up,
    # headcounts come from H2.
    b = make_company(legal_name="B Dịch vụ CNTT Mỹ Tho", sector="it_services")
    make_lease(
        unit=pool, company=b, desks=4, start_date=date(2023, 6, 1), end_date=date(2024, 12, 31)
    )
    report(b, "H1", 2_000_000_000, 10_000, 10, 8)
    report(b, "H2", 3_000_000_000, 20_000, 12, 9)
    # F: a summer lease; only H1 filed.
    f = make_company(legal_name="F Phần mềm Tiền Giang", sector="software")
    make_lease(unit=office_2, company=f, start_date=date(2024, 7, 1), end_date=date(2024, 9, 30))
    report(f, "H1", 1_000_000_000, 0, 5, 5)
    # H: a spring lease, nothing filed: counted, not reporting.
    h = make_company(legal_name="H Phần cứng Cái Bè", sector="hardware")
    make_lease(unit=office_3, company=h, start_date=date(2024, 3, 1), end_date=date(2024, 5, 31))

    # Not counted: C left before the year, D leases in another park, E's lease was cancelled.
    c = make_company(legal_name="C Đã rời đi", sector="software")
    make_lease(unit=office_2, company=c, start_date=date(2022, 1, 1), end_date=date(2023, 12, 31))
    report(c, "Y", 7_000_000_000, 7_000, 70, 70)
    d = make_company(legal_name="D Công viên khác", sector="software")
    make_lease(unit=make_unit(park=make_park()), company=d, start_date=date(2024, 1, 1))
    report(d, "Y", 8_000_000_000, 8_000, 80, 80)
    e = make_company(legal_name="E Đã hủy", sector="software")
    cancelled = make_lease(
        unit=office_3, company=e, start_date=date(2024, 8, 1), end_date=date(2024, 12, 31)
    )
    # Cancelling is only allowed before the start; this one was cancelled back then.
    Lease.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    report(e, "Y", 6_000_000_000, 6_000, 60, 60)
    park.companies = {"a": a, "b": b, "f": f, "h": h}
    return park


def test_the_summary_counts_the_companies_that_leased_during_the_year(park):
    assert reports_summary(park=park, year=YEAR) == {
        "park": str(park.pk),
        "year": 2024,
        "companies": 4,  # A, B, F, H
        "companies_reporting": 3,  # H filed nothing
        "revenue_vnd": 16_000_000_000,  # A's Y 10e9 + B's halves 2e9 + 3e9 + F's H1 1e9
        "export_revenue_usd": 130_000,  # 100,000 + 10,000 + 20,000 + 0
        "headcount": 67,  # 50 + 12 (B's latest half) + 5
        "it_headcount": 54,  # 40 + 9 + 5
        "leased_land_share": Decimal("0.2857"),
        "thresholds": [
            {
                "name": "leased_land_establish",
                "required": Decimal("0.60"),
                "actual": Decimal("0.2857"),
                "passed": False,
            },
            {
                "name": "leased_land_expand",
                "required": Decimal("0.70"),
                "actual": Decimal("0.2857"),
                "passed": False,
            },
            # H makes hardware: the park is not software-only, so 2,000 IT workers.
            {"name": "it_workers", "required": 2000, "actual": 54, "passed": False},
        ],
    }


def test_a_software_only_park_needs_1000_it_workers_and_passes_with_its_land_leased(db):
    park = make_park(land_area_m2="1000.00")
    floor = make_floor(building=building(park, "A", "800.00"))
    office = make_unit(floor=floor, code="A-1", area_m2="300.00")
    make_unit(floor=floor, code="A-2", area_m2="100.00")  # free: 300 of 400 m2 leased
    studio = make_company(legal_name="Studio Nội dung số", sector="digital_content")
    make_lease(unit=office, company=studio, start_date=date(2024, 1, 1), end_date=None)
    report(studio, "Y", 50_000_000_000, 1_000_000, 1_200, 1_100)

    summary = reports_summary(park=park, year=YEAR)

    # 800 * 300 / 400 = 600 m2 of 1,000: exactly 0.60, which passes the first bar only.
    assert summary["leased_land_share"] == Decimal("0.6000")
    assert summary["thresholds"] == [
        {
            "name": "leased_land_establish",
            "required": Decimal("0.60"),
            "actual": Decimal("0.6000"),
            "passed": True,
        },
        {
            "name": "leased_land_expand",
            "required": Decimal("0.70"),
            "actual": Decimal("0.6000"),
            "passed": False,
        },
        {"name": "it_workers", "required": 1000, "actual": 1100, "passed": True},
    ]


def test_the_land_share_of_the_current_year_is_measured_today(db):
    today = timezone.localdate()
    park = make_park(land_area_m2="1000.00")
    floor = make_floor(building=building(park, "A", "500.00"))
    office = make_unit(floor=floor, code="A-1", area_m2="100.00")
    make_lease(unit=office, start_date=today - timedelta(days=10), end_date=today)

    assert reports_summary(park=park, year=today.year)["leased_land_share"] == Decimal("0.5000")
    # The year's last day of a past year: nothing leased then.
    assert reports_summary(park=park, year=today.year - 1)["leased_land_share"] == Decimal("0.0000")


def test_a_park_without_land_has_a_share_of_zero(db):
    park = make_park(land_area_m2="0.00")
    make_lease(unit=make_unit(park=park), start_date=date(2024, 1, 1))
    assert leased_land_share(park=park, on=date(2024, 6, 1)) == Decimal("0.0000")


def test_the_csv_rows_are_the_companies_then_the_totals(park):
    companies = park.companies
    rows = reports_summary_rows(park=park, year=YEAR)
    assert rows == [
        {
            "id": str(companies["a"].pk),
            "legal_name": "A Phần mềm Đồng Tháp",
            "short_name": "Đồng Tháp",
            "tax_code": companies["a"].tax_code,
            "sector": "software",
            "report": "Y",
            "revenue_vnd": 10_000_000_000,
            "export_revenue_usd": 100_000,
            "headcount": 50,
            "it_headcount": 40,
        },
        {
            "id": str(companies["b"].pk),
            "legal_name": "B Dịch vụ CNTT Mỹ Tho",
            "short_name": "",
            "tax_code": companies["b"].tax_code,
            "sector": "it_services",
            "report": "H1+H2",
            "revenue_vnd": 5_000_000_000,
            "export_revenue_usd": 30_000,
            "headcount": 12,
            "it_headcount": 9,
        },
        {
            "id": str(companies["f"].pk),
            "legal_name": "F Phần mềm Tiền Giang",
            "short_name": "",
            "tax_code": companies["f"].tax_code,
            "sector": "software",
            "report": "H1",
            "revenue_vnd": 1_000_000_000,
            "export_revenue_usd": 0,
            "headcount": 5,
            "it_headcount": 5,
        },
        {
            "id": str(companies["h"].pk),
            "legal_name": "H Phần cứng Cái Bè",
            "short_name": "",
            "tax_code": companies["h"].tax_code,
            "sector": "hardware",
            "report": "",
            "revenue_vnd": None,
            "export_revenue_usd": None,
            "headcount": None,
            "it_headcount": None,
        },
        {
            "id": "",
            "legal_name": "Total (3 of 4 companies reporting)",
            "short_name": "",
            "tax_code": "",
            "sector": "",
            "report": "",
            "revenue_vnd": 16_000_000_000,
            "export_revenue_usd": 130_000,
            "headcount": 67,
            "it_headcount": 54,
        },
    ]


# --- the API ----------------------------------------------------------------------------------


def test_a_manager_gets_the_summary_as_json(park, manager_client):
    response = manager_client.get("/api/v1/reports/summary/", {"park": park.pk, "year": 2024})
    assert response.status_code == 200
    assert response.json() == {
        "park": str(park.pk),
        "year": 2024,
        "companies": 4,
        "companies_reporting": 3,
        "revenue_vnd": 16_000_000_000,
        "export_revenue_usd": 130_000,
        "headcount": 67,
        "it_headcount": 54,
        "leased_land_share": 0.2857,
        "thresholds": [
            {"name": "leased_land_establish", "required": 0.6, "actual": 0.2857, "passed": False},
            {"name": "leased_land_expand", "required": 0.7, "actual": 0.2857, "passed": False},
            {"name": "it_workers", "required": 2000, "actual": 54, "passed": False},
        ],
    }


def test_a_manager_gets_the_summary_as_csv_with_a_bom(park, manager_client):
    companies = park.companies
    response = manager_client.get(
        "/api/v1/reports/summary/",
        {"park": park.pk, "year": 2024, "format": "csv"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="summary-{park.slug}-2024.csv"'
    )
    a, b, f, h = (companies[key] for key in "abfh")
    assert response.content.decode("utf-8") == (
        "\ufeffid,legal_name,short_name,tax_code,sector,report,revenue_vnd,"
        "export_revenue_usd,headcount,it_headcount\r\n"
        f"{a.pk},A Phần mềm Đồng Tháp,Đồng Tháp,{a.tax_code},software,Y,"
        "10000000000,100000,50,40\r\n"
        f"{b.pk},B Dịch vụ CNTT Mỹ Tho,,{b.tax_code},it_services,H1+H2,5000000000,30000,12,9\r\n"
        f"{f.pk},F Phần mềm Tiền Giang,,{f.tax_code},software,H1,1000000000,0,5,5\r\n"
        f"{h.pk},H Phần cứng Cái Bè,,{h.tax_code},hardware,,,,,\r\n"
        ",Total (3 of 4 companies reporting),,,,,16000000000,130000,67,54\r\n"
    )


def test_a_non_manager_gets_a_403(park, user_client):
    response = user_client.get("/api/v1/reports/summary/", {"park": park.pk, "year": 2024})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_an_anonymous_caller_gets_a_401(park, api_client):
    response = api_client.get("/api/v1/reports/summary/", {"park": park.pk, "year": 2024})
    assert response.status_code == 401


def test_missing_or_bad_parameters_are_a_400_naming_them(db, manager_client):
    response = manager_client.get("/api/v1/reports/summary/")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "park", "code": "required", "message": "This field is required."},
        {"field": "year", "code": "required", "message": "This field is required."},
    ]
    unknown = "00000000-0000-0000-0000-000000000000"
    response = manager_client.get("/api/v1/reports/summary/", {"park": unknown, "year": "x"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "park",
            "code": "does_not_exist",
            "message": f'Invalid pk "{unknown}" - object does not exist.',
        },
        {"field": "year", "code": "invalid", "message": "A valid integer is required."},
    ]
    response = manager_client.get("/api/v1/reports/summary/", {"park": "nope", "year": "99999"})
    assert [error["field"] for error in response.json()["errors"]] == ["park", "year"]


@pytest.mark.parametrize("company_count", [1, 50])
def test_the_summary_runs_the_same_queries_for_one_company_or_many(
    db, manager_client, company_count, django_assert_max_num_queries
):
    park = make_park()
    floor = make_floor(park=park)
    pool = make_pool(floor=floor, desks=50)
    for _ in range(company_count):
        company = make_company()
        make_lease(unit=pool, company=company, start_date=date(2024, 1, 1), end_date=None)
        report(company, "H1", 1_000, 0, 2, 1)
        report(company, "H2", 1_000, 0, 2, 1)
    # The throttle's database cache (~6) + session/user (2) + park + 2 figures + 2 land share.
    with django_assert_max_num_queries(14):
        json_response = manager_client.get(
            "/api/v1/reports/summary/", {"park": park.pk, "year": 2024}
        )
    with django_assert_max_num_queries(14):
        csv_response = manager_client.get(
            "/api/v1/reports/summary/", {"park": park.pk, "year": 2024, "format": "csv"}
        )
    assert json_response.json()["companies"] == company_count
    assert len(csv_response.content.decode().splitlines()) == company_count + 2
