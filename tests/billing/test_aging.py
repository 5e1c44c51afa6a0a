"""Overdue and aging (design/billing.md, Overdue and Aging), with figures by hand.

KCT lines are used where the amount should read as the total (no VAT): a 300,000 KCT line
is an invoice of 300,000.
"""

import itertools
from datetime import date, timedelta

import pytest

from billing.models import Invoice, InvoiceStatus
from billing.selectors import aging, overdue_q
from billing.services.payments import payment_create
from tests.billing.factories import make_invoice, make_series
from tests.factories import make_company, make_park

pytestmark = pytest.mark.django_db

ON = date(2027, 6, 30)


@pytest.fixture
def park():
    park = make_park()
    make_series(park)
    return park


_month_numbers = itertools.count(2000 * 12)


def _next_month() -> date:
    number = next(_month_numbers)
    return date(number // 12, number % 12 + 1, 1)


def owed(park, company, *, days_past_due: int, amount: int, **overrides):
    """An issued invoice of `amount` due `days_past_due` days before ON (issued 15 days
    before it falls due), each in a month of its own."""
    due_date = ON - timedelta(days=days_past_due)
    fields = {
        "park": park,
        "company": company,
        "month": _next_month(),
        "lines": [(amount, "KCT")],
        "status": InvoiceStatus.ISSUED,
        "issue_date": due_date - timedelta(days=15),
        "due_date": due_date,
    }
    fields.update(overrides)
    return make_invoice(**fields)


def pay(park, company, amount_vnd, received_on, **overrides):
    return payment_create(
        park=park, company=company, amount_vnd=amount_vnd, received_on=received_on, **overrides
    )


def test_aging_puts_each_balance_in_its_bucket_at_every_edge(park):
    company = make_company(legal_name="Công ty TNHH An Phát")
    for days, amount in [
        (-5, 50_000),  # not yet due: current
        (0, 100_000),  # due today: current
        (1, 200_000),
        (30, 300_000),
        (31, 400_000),
        (60, 500_000),
        (61, 600_000),
        (90, 700_000),
        (91, 800_000),
    ]:
        owed(park, company, days_past_due=days, amount=amount)

    report = aging(park=park, on=ON)

    row = {
        "current": 150_000,
        "1_30": 500_000,
        "31_60": 900_000,
        "61_90": 1_300_000,
        "over_90": 800_000,
        "total": 3_650_000,
    }
    assert report == {
        "park": str(park.pk),
        "on": "2027-06-30",
        "totals": row,
        "companies": [{"company": str(company.pk), "company_name": "Công ty TNHH An Phát", **row}],
    }


def test_aging_counts_only_payments_received_and_invoices_issued_by_that_day(park):
    late_payer = make_company(legal_name="Công ty Bình Minh")
    invoice = owed(park, late_payer, days_past_due=10, amount=1_000_000, lines=[(1_000_000, "10")])
    pay(park, late_payer, 400_000, ON)  # on the day: counts
    pay(park, late_payer, 700_000, ON + timedelta(days=1))  # the day after: does not
    invoice.refresh_from_db()
    assert invoice.balance_vnd == 0  # fully paid today, yet owed 700,000 on ON
    owed(park, late_payer, days_past_due=-20, amount=999_000, issue_date=ON + timedelta(days=1))
    make_invoice(park=park, company=late_payer, month=date(2027, 6, 1))  # a draft
    void = owed(park, late_payer, days_past_due=45, amount=123_000)
    Invoice.objects.filter(pk=void.pk).update(status=InvoiceStatus.VOID)
    settled = make_company(legal_name="Công ty Cát Tường")
    owed(park, settled, days_past_due=40, amount=300_000)
    pay(park, settled, 300_000, ON - timedelta(days=50))
    elsewhere = make_park()
    owed(elsewhere, late_payer, days_past_due=100, amount=5_000_000)

    report = aging(park=park, on=ON)

    row = {
        "current": 0,
        "1_30": 700_000,
        "31_60": 0,
        "61_90": 0,
        "over_90": 0,
        "total": 700_000,
    }
    assert report["totals"] == row
    assert report["companies"] == [
        {"company": str(late_payer.pk), "company_name": "Công ty Bình Minh", **row}
    ]


def test_aging_lists_companies_by_name_and_a_credit_note_as_current(park):
    zeta = make_company(legal_name="Công ty Zeta")
    alpha = make_company(legal_name="Công ty Alpha")
    owed(park, zeta, days_past_due=5, amount=100_000)
    original = owed(park, alpha, days_past_due=70, amount=1_000_000)
    owed(
        park,
        alpha,
        days_past_due=65,
        amount=-250_000,
        kind="adjustment",
        replaces=original,
        month=original.month,
    )

    report = aging(park=park, on=ON)

    assert [row["company_name"] for row in report["companies"]] == ["Công ty Alpha", "Công ty Zeta"]
    assert report["companies"][0] | {"company": None} == {
        "company": None,
        "company_name": "Công ty Alpha",
        "current": -250_000,
        "1_30": 0,
        "31_60": 0,
        "61_90": 1_000_000,
        "over_90": 0,
        "total": 750_000,
    }
    assert report["totals"]["total"] == 850_000


@pytest.mark.parametrize("companies", [1, 12])
def test_aging_runs_one_query_for_one_company_or_many(park, companies, django_assert_num_queries):
    for _ in range(companies):
        company = make_company()
        owed(park, company, days_past_due=3, amount=100_000)
        owed(park, company, days_past_due=33, amount=100_000)
        pay(park, company, 50_000, ON)

    with django_assert_num_queries(1):
        report = aging(park=park, on=ON)

    assert len(report["companies"]) == companies
    assert report["totals"]["total"] == 150_000 * companies


def test_an_invoice_is_overdue_only_after_its_due_date_with_a_balance(park):
    company = make_company()
    due_today = owed(park, company, days_past_due=0, amount=100_000)
    due_yesterday = owed(park, company, days_past_due=1, amount=100_000)
    paid = owed(park, company, days_past_due=5, amount=100_000)
    pay(park, company, 100_000, ON, invoices=[paid])
    make_invoice(park=park, company=company, month=date(2027, 6, 1))  # a draft: never overdue

    overdue = list(Invoice.objects.filter(overdue_q(ON)))

    assert overdue == [due_yesterday]
    assert [i.is_overdue_on(ON) for i in (due_today, due_yesterday)] == [False, True]
