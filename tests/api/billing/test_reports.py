"""`POST /invoice-runs/`, `GET /companies/{id}/statement/` and `GET /reports/aging/` (design
billing.md, API), with figures worked out by hand."""

from datetime import date

import pytest

from billing.models import Invoice, InvoiceStatus
from tests.billing.factories import make_invoice
from tests.factories import make_company, make_lease, make_unit
from tests.tenants.helpers import validation_problem

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/invoice-runs/"
AGING = "/api/v1/reports/aging/"


def statement_url(company) -> str:
    return f"/api/v1/companies/{company.pk}/statement/"


# --- the invoice run ----------------------------------------------------------------------


@pytest.fixture
def leases(park, company):
    """A whole January at 15,000,000 a month, and a lease from 17 January (15 of 31 days)."""
    late_starter = make_company(legal_name="Công ty TNHH Khởi Nghiệp")
    make_lease(unit=make_unit(park=park), company=company, start_date=date(2027, 1, 1))
    make_lease(unit=make_unit(park=park), company=late_starter, start_date=date(2027, 1, 17))
    return company, late_starter


def test_a_dry_run_counts_the_drafts_and_writes_nothing(manager_client, park, leases):
    response = manager_client.post(
        RUNS, {"park": str(park.pk), "month": "2027-01", "dry_run": True}
    )
    assert response.status_code == 200
    # 15,000,000 + 10 % = 16,500,000; 15,000,000 * 15 / 31 = 7,258,064.5... -> 7,258,065,
    # + 10 % VAT 725,806.5 -> 725,807 = 7,983,872; together 24,483,872.
    assert response.json() == {
        "created": 2,
        "refreshed": 0,
        "unchanged": 0,
        "skipped_issued": 0,
        "companies": 2,
        "total_vnd": 24_483_872,
    }
    assert Invoice.objects.count() == 0


def test_a_run_drafts_the_month_and_a_second_run_changes_nothing(manager_client, park, leases):
    body = {"park": str(park.pk), "month": "2027-01-01"}
    first = manager_client.post(RUNS, body)
    assert (first.status_code, first.json()["created"], first.json()["total_vnd"]) == (
        200,
        2,
        24_483_872,
    )
    assert sorted(Invoice.objects.values_list("total_vnd", flat=True)) == [7_983_872, 16_500_000]
    second = manager_client.post(RUNS, body)
    assert second.json() == {
        "created": 0,
        "refreshed": 0,
        "unchanged": 2,
        "skipped_issued": 0,
        "companies": 2,
        "total_vnd": 24_483_872,
    }
    assert Invoice.objects.count() == 2


def test_a_company_whose_month_is_issued_is_skipped(manager_client, park, leases):
    company, _late_starter = leases
    make_invoice(park=park, company=company, status=InvoiceStatus.ISSUED)
    response = manager_client.post(RUNS, {"park": str(park.pk), "month": "2027-01"})
    body = response.json()
    assert (body["created"], body["skipped_issued"], body["companies"], body["total_vnd"]) == (
        1,
        1,
        1,
        7_983_872,
    )


def test_a_run_with_an_idempotency_key_is_answered_once(manager_client, park, leases):
    body = {"park": str(park.pk), "month": "2027-01"}
    first = manager_client.post(RUNS, body, HTTP_IDEMPOTENCY_KEY="run-2027-01")
    again = manager_client.post(RUNS, body, HTTP_IDEMPOTENCY_KEY="run-2027-01")
    assert (again.content, again["Idempotent-Replayed"]) == (first.content, "true")
    assert first.json()["created"] == 2


def test_a_run_needs_a_month_and_a_park_and_a_manager(manager_client, representative_client, park):
    response = manager_client.post(RUNS, {"park": str(park.pk), "month": "2027-1"})
    assert response.json() == validation_problem(
        "month",
        "invalid",
        "A month is written YYYY-MM or YYYY-MM-01 (e.g. 2027-01).",
        RUNS,
        detail="month: A month is written YYYY-MM or YYYY-MM-01 (e.g. 2027-01).",
    )
    response = manager_client.post(RUNS, {"month": "2027-01", "dry_run": "maybe"})
    assert sorted((e["field"], e["code"]) for e in response.json()["errors"]) == [
        ("dry_run", "invalid"),
        ("park", "required"),
    ]
    response = representative_client.post(RUNS, {"park": str(park.pk), "month": "2027-01"})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert Invoice.objects.count() == 0


# --- statements and aging -----------------------------------------------------------------


def issued(park, company, *, issue_date, price, due_date, month=None):
    return make_invoice(
        park=park,
        company=company,
        month=month or issue_date.replace(day=1),
        lines=[(price, "10")],
        status=InvoiceStatus.ISSUED,
        issue_date=issue_date,
        due_date=due_date,
    )


@pytest.fixture
def account(manager_client, park, company):
    """January's 1,100,000 (due 16 Jan), 500,000 paid on 10 Jan, then February's 2,200,000
    (due 16 Feb); and another company's 3,300,000 issued 20 Feb (due 7 Mar)."""
    january = issued(
        park, company, issue_date=date(2027, 1, 1), price=1_000_000, due_date=date(2027, 1, 16)
    )
    paid = manager_client.post(
        "/api/v1/payments/",
        {
            "park": str(park.pk),
            "company": str(company.pk),
            "amount_vnd": 500_000,
            "received_on": "2027-01-10",
            "method": "cash",
        },
    )
    assert paid.status_code == 201
    february = issued(
        park, company, issue_date=date(2027, 2, 1), price=2_000_000, due_date=date(2027, 2, 16)
    )
    other = make_company(legal_name="=cmd|' /C calc'!A0")
    issued(park, other, issue_date=date(2027, 2, 20), price=3_000_000, due_date=date(2027, 3, 7))
    return {"january": january, "payment": paid.json()["id"], "february": february, "other": other}


def test_a_statement_runs_from_the_opening_balance_in_date_order(manager_client, company, account):
    response = manager_client.get(
        statement_url(company), {"from": "2027-01-05", "to": "2027-02-28"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "company": str(company.pk),
        "from": "2027-01-05",
        "to": "2027-02-28",
        "opening_balance_vnd": 1_100_000,
        "entries": [
            {
                "date": "2027-01-10",
                "kind": "payment",
                "id": account["payment"],
                "number_display": None,
                "amount_vnd": -500_000,
                "balance_vnd": 600_000,
            },
            {
                "date": "2027-02-01",
                "kind": "invoice",
                "id": str(account["february"].pk),
                "number_display": "1C27TSP-00000002",
                "amount_vnd": 2_200_000,
                "balance_vnd": 2_800_000,
            },
        ],
        "closing_balance_vnd": 2_800_000,
        "credit_vnd": 0,
    }


def test_a_representative_reads_their_companys_statement_only(
    representative_client, outsider_client, company, account
):
    query = {"from": "2027-01-01", "to": "2027-01-31"}
    response = representative_client.get(statement_url(company), query)
    assert (response.status_code, response.json()["closing_balance_vnd"]) == (200, 600_000)
    for client, url in (
        (representative_client, statement_url(account["other"])),
        (outsider_client, statement_url(company)),
    ):
        response = client.get(url, query)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_statement_needs_from_and_to_in_order(manager_client, company):
    url = statement_url(company)
    response = manager_client.get(url, {"from": "2027-02-01"})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("to", "required")]
    response = manager_client.get(url, {"from": "2027-02-01", "to": "2027-01-31"})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("to", "invalid")]


def test_aging_buckets_the_balances_by_days_past_due(manager_client, park, company, account):
    response = manager_client.get(AGING, {"park": str(park.pk), "on": "2027-03-01"})
    assert response.status_code == 200
    # January: 600,000 left, 44 days past due (31_60); February: 2,200,000, 13 days (1_30);
    # the other company's 3,300,000 is not due until 7 March (current).
    assert response.json() == {
        "park": str(park.pk),
        "on": "2027-03-01",
        "totals": {
            "current": 3_300_000,
            "1_30": 2_200_000,
            "31_60": 600_000,
            "61_90": 0,
            "over_90": 0,
            "total": 6_100_000,
        },
        "companies": [
            {
                "company": str(account["other"].pk),
                "company_name": "=cmd|' /C calc'!A0",
                "current": 3_300_000,
                "1_30": 0,
                "31_60": 0,
                "61_90": 0,
                "over_90": 0,
                "total": 3_300_000,
            },
            {
                "company": str(company.pk),
                "company_name": "Công ty Cổ phần Phần mềm Đồng Tháp",
                "current": 0,
                "1_30": 2_200_000,
                "31_60": 600_000,
                "61_90": 0,
                "over_90": 0,
                "total": 2_800_000,
            },
        ],
    }


def test_the_aging_csv_has_the_buckets_as_columns_and_formulas_as_text(
    manager_client, park, company, account
):
    response = manager_client.get(
        AGING, {"park": str(park.pk), "on": "2027-03-01", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="aging-mekong-2027-03-01.csv"'
    assert response.content.decode("utf-8-sig").split("\r\n") == [
        "company,company_name,current,1_30,31_60,61_90,over_90,total",
        f"{account['other'].pk},'=cmd|' /C calc'!A0,3300000,0,0,0,0,3300000",
        f"{company.pk},Công ty Cổ phần Phần mềm Đồng Tháp,0,2200000,600000,0,0,2800000",
        ",Total,3300000,2200000,600000,0,0,6100000",
        "",
    ]


def test_aging_is_the_managers_and_needs_a_park(manager_client, representative_client, park):
    response = representative_client.get(AGING, {"park": str(park.pk)})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    response = manager_client.get(AGING, {"on": "2027-02-30"})
    assert sorted((e["field"], e["code"]) for e in response.json()["errors"]) == [
        ("on", "invalid"),
        ("park", "required"),
    ]
