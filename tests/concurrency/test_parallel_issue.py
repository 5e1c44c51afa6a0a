"""Issuing on real parallel connections: PostgreSQL and the file-based SQLite test database.

Decree 123/2020: numbers run from 1 without gaps in issue order within a series, so 16
managers issuing at once must still hand out 1..N, each batch a run of consecutive numbers in
the order it named its invoices.
"""

import itertools
from datetime import date

import pytest

from billing.exceptions import DuplicateInvoice
from billing.models import Invoice, InvoiceSeries
from billing.services.invoices import invoice_create, invoices_issue
from tests.billing.factories import make_billing_settings, make_invoice, make_series
from tests.concurrency.race import run_together
from tests.factories import make_company, make_park

THREADS = 16
DRAFTS = 200
COMPANIES = 20  # each with a draft for 10 months: one invoice per company and month


@pytest.mark.django_db(transaction=True)
def test_sixteen_parallel_issuers_over_200_drafts_number_them_1_to_200_without_a_gap():
    park = make_park()
    make_billing_settings(park)
    make_series(park, year=2027)
    companies = [make_company() for _ in range(COMPANIES)]
    months = [date(2027, month, 1) for month in range(1, DRAFTS // COMPANIES + 1)]
    drafts = [
        make_invoice(park=park, company=company, month=month, lines=[(1_000_000, "10")])
        for company, month in itertools.product(companies, months)
    ]
    # Thread t issues drafts t, t+16, t+32...; in batches of 1, 2, 3, 4, 1, 2... in that order,
    # reversed for odd threads (the order given, not the pk order, decides the numbers).
    shares = []
    for thread in range(THREADS):
        share = drafts[thread::THREADS]
        if thread % 2:
            share.reverse()
        batches, sizes, start = [], itertools.cycle([1, 2, 3, 4]), 0
        while start < len(share):
            size = next(sizes)
            batches.append(share[start : start + size])
            start += size
        shares.append(batches)

    def issue(batches):
        for batch in batches:
            invoices_issue(invoices=batch, issue_date=date(2027, 2, 1))

    outcomes = run_together(issue, shares)

    assert outcomes == ["done"] * THREADS
    numbers = dict(Invoice.objects.values_list("pk", "number"))
    assert sorted(numbers.values()) == list(range(1, DRAFTS + 1))  # no gap, no duplicate
    for batches in shares:
        for batch in batches:  # one batch under one lock: consecutive, in the order given
            got = [numbers[invoice.pk] for invoice in batch]
            assert got == list(range(got[0], got[0] + len(batch)))
    assert set(Invoice.objects.values_list("status", flat=True)) == {"issued"}
    series = InvoiceSeries.objects.get(park=park)
    assert (series.next_number, series.last_issue_date) == (DRAFTS + 1, date(2027, 2, 1))


@pytest.mark.django_db(transaction=True)
def test_parallel_drafts_for_one_company_and_month_leave_exactly_one():
    park, company = make_park(), make_company()

    outcomes = run_together(
        lambda _: invoice_create(park=park, company=company, month=date(2027, 1, 1)),
        range(8),
    )

    assert outcomes == ["done"] + [DuplicateInvoice.code] * 7
    assert Invoice.objects.filter(company=company).count() == 1
