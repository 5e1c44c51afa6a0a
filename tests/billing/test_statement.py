"""A company's statement (design/billing.md, Statement), with figures by hand."""

from datetime import date

import pytest

from billing.models import InvoiceStatus
from billing.selectors import statement
from billing.services.payments import payment_create
from tests.billing.factories import make_invoice, make_series
from tests.factories import make_company, make_park

pytestmark = pytest.mark.django_db


def issued(park, company, *, issue_date, due_date, lines, **overrides):
    return make_invoice(
        park=park,
        company=company,
        month=issue_date.replace(day=1),
        lines=lines,
        status=overrides.pop("status", InvoiceStatus.ISSUED),
        issue_date=issue_date,
        due_date=due_date,
        **overrides,
    )


def pay(park, company, amount_vnd, received_on, **overrides):
    return payment_create(
        park=park, company=company, amount_vnd=amount_vnd, received_on=received_on, **overrides
    )


def test_a_statement_runs_from_the_opening_balance_with_invoices_first_on_a_day():
    park, company = make_park(), make_company()
    make_series(park)
    # Before the period: 1,100,000 invoiced, 600,000 paid: opening 500,000.
    issued(
        park,
        company,
        issue_date=date(2026, 12, 1),
        due_date=date(2026, 12, 16),
        lines=[(1_000_000, "10")],
    )
    february = issued(
        park,
        company,
        issue_date=date(2027, 2, 1),
        due_date=date(2027, 2, 16),
        lines=[(500_000, "KCT")],
    )
    issued(  # after the period
        park,
        company,
        issue_date=date(2027, 3, 1),
        due_date=date(2027, 3, 16),
        lines=[(1_000_000, "10")],
    )
    issued(  # void: left out
        park,
        company,
        issue_date=date(2027, 2, 1),
        due_date=date(2027, 2, 16),
        lines=[(9_000_000, "10")],
        status=InvoiceStatus.VOID,
    )
    make_invoice(park=park, company=company, month=date(2027, 4, 1), lines=[(7_000_000, "10")])
    someone_else = make_company()
    issued(
        park,
        someone_else,
        issue_date=date(2027, 1, 10),
        due_date=date(2027, 1, 25),
        lines=[(3_000_000, "10")],
    )
    pay(park, someone_else, 3_300_000, date(2027, 1, 12))

    pay(park, company, 600_000, date(2026, 12, 20))  # all on December
    # Recorded before the invoice of the same day, yet listed after it.
    same_day = pay(park, company, 1_000_000, date(2027, 1, 5), reference="UNC-0105")
    january = issued(  # 2,160,000
        park,
        company,
        issue_date=date(2027, 1, 5),
        due_date=date(2027, 1, 20),
        lines=[(2_000_000, "8")],
    )
    # January 2,160,000 and March 1,100,000 from it: 740,000 left as credit.
    february_payment = pay(park, company, 4_000_000, date(2027, 2, 10))

    account = statement(company=company, start=date(2027, 1, 1), end=date(2027, 2, 28))

    assert account == {
        "company": str(company.pk),
        "from": "2027-01-01",
        "to": "2027-02-28",
        "opening_balance_vnd": 500_000,
        "entries": [
            {
                "date": "2027-01-05",
                "kind": "invoice",
                "id": str(january.pk),
                "number_display": january.number_display,
                "amount_vnd": 2_160_000,
                "balance_vnd": 2_660_000,
            },
            {
                "date": "2027-01-05",
                "kind": "payment",
                "id": str(same_day.pk),
                "number_display": "UNC-0105",
                "amount_vnd": -1_000_000,
                "balance_vnd": 1_660_000,
            },
            {
                "date": "2027-02-01",
                "kind": "invoice",
                "id": str(february.pk),
                "number_display": february.number_display,
                "amount_vnd": 500_000,
                "balance_vnd": 2_160_000,
            },
            {
                "date": "2027-02-10",
                "kind": "payment",
                "id": str(february_payment.pk),
                "number_display": None,
                "amount_vnd": -4_000_000,
                "balance_vnd": -1_840_000,
            },
        ],
        "closing_balance_vnd": -1_840_000,
        "credit_vnd": 740_000,
    }
    assert january.number_display.startswith("1C27TSP-0000000")


def test_a_statement_of_one_park_leaves_the_other_parks_out():
    company = make_company()
    here, there = make_park(), make_park()
    issued(
        here,
        company,
        issue_date=date(2027, 1, 5),
        due_date=date(2027, 1, 20),
        lines=[(100_000, "KCT")],
    )
    issued(
        there,
        company,
        issue_date=date(2026, 12, 5),
        due_date=date(2026, 12, 20),
        lines=[(900_000, "KCT")],
    )
    pay(there, company, 1_000_000, date(2027, 1, 6))

    mine = statement(company=company, start=date(2027, 1, 1), end=date(2027, 1, 31), park=here)
    everything = statement(company=company, start=date(2027, 1, 1), end=date(2027, 1, 31))

    assert (mine["opening_balance_vnd"], mine["closing_balance_vnd"], mine["credit_vnd"]) == (
        0,
        100_000,
        0,
    )
    assert [entry["amount_vnd"] for entry in mine["entries"]] == [100_000]
    assert (
        everything["opening_balance_vnd"],
        [entry["balance_vnd"] for entry in everything["entries"]],
        everything["credit_vnd"],
    ) == (900_000, [1_000_000, 0], 100_000)
