"""Invoice runs on real parallel connections: PostgreSQL and the file-based SQLite test
database. However many runs of one month start at once, each company gets one invoice."""

from datetime import date

import pytest
from django.db.models import Count

from billing.models import Invoice, InvoiceLine
from billing.services.runs import invoice_run
from tests.billing.factories import make_billing_settings
from tests.concurrency.race import run_together
from tests.factories import make_company, make_lease, make_park, make_unit

RUNS, COMPANIES = 4, 12
JANUARY = date(2027, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_four_parallel_runs_of_one_month_give_one_invoice_per_company():
    park = make_park()
    make_billing_settings(park, management_fee_vnd_per_m2=50_000)
    companies = [make_company() for _ in range(COMPANIES)]
    for company in companies:
        make_lease(
            unit=make_unit(park=park),
            company=company,
            start_date=date(2027, 1, 1),
            end_date=None,
            monthly_rent_vnd=10_000_000,
        )
    summaries = []

    outcomes = run_together(
        lambda _run: summaries.append(invoice_run(park=park, month=JANUARY)), range(RUNS)
    )

    assert outcomes == ["done"] * RUNS
    per_company = Invoice.objects.filter(park=park, month=JANUARY).values("company")
    assert sorted(row["n"] for row in per_company.annotate(n=Count("id"))) == [1] * COMPANIES
    # One run created them all; the others found them as it left them.
    assert sorted((s.created, s.unchanged) for s in summaries) == [(0, COMPANIES)] * (RUNS - 1) + [
        (COMPANIES, 0)
    ]
    # A rent and a management fee line each (50,000 * 50 m2 = 2,500,000), nothing doubled.
    assert InvoiceLine.objects.filter(invoice__park=park).count() == 2 * COMPANIES
    assert {s.total_vnd for s in summaries} == {COMPANIES * 13_750_000}
