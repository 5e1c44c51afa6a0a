"""Payments on real parallel connections (PostgreSQL and the file-based SQLite test
database): allocations, paid_vnd and credit stay in step, and no two writers deadlock."""

import threading
from datetime import date

import pytest
from django.db import transaction
from django.db.models import Sum

from billing.exceptions import Taken
from billing.models import Allocation, Invoice, InvoiceStatus, Payment
from billing.services.payments import credit_apply, payment_create, payment_delete
from tests.billing.factories import make_invoice, make_series
from tests.concurrency.race import run_together
from tests.factories import make_company, make_park

THREADS = 12


def _open_invoices(park, company, count: int) -> list[Invoice]:
    return [
        make_invoice(
            park=park,
            company=company,
            month=date(2027, month, 1),
            lines=[(1_000_000, "10")],  # 1,100,000 each
            status=InvoiceStatus.ISSUED,
            issue_date=date(2027, month, 1),
            due_date=date(2027, month, 16),
        )
        for month in range(1, count + 1)
    ]


def _assert_in_step(park, company) -> None:
    """Each invoice's paid_vnd is the sum of its allocations and within its total; each
    payment's allocations and credit add up to its amount."""
    for invoice in Invoice.objects.filter(park=park, company=company):
        allocated = invoice.allocations.aggregate(s=Sum("amount_vnd"))["s"] or 0
        assert (invoice.paid_vnd, invoice.paid_vnd <= invoice.total_vnd) == (allocated, True)
    for payment in Payment.objects.filter(park=park, company=company):
        allocated = payment.allocations.aggregate(s=Sum("amount_vnd"))["s"] or 0
        assert allocated + payment.unallocated_vnd == payment.amount_vnd


@pytest.mark.django_db(transaction=True)
def test_twelve_parallel_payments_fill_the_open_invoices_exactly_and_keep_the_rest():
    park, company = make_park(), make_company()
    make_series(park)
    invoices = _open_invoices(park, company, 4)  # 4,400,000 owed

    outcomes = run_together(
        lambda _n: payment_create(
            park=park, company=company, amount_vnd=500_000, received_on=date(2027, 5, 1)
        ),
        range(THREADS),
    )

    assert outcomes == ["done"] * THREADS
    assert [Invoice.objects.get(pk=i.pk).balance_vnd for i in invoices] == [0, 0, 0, 0]
    credit = Payment.objects.aggregate(s=Sum("unallocated_vnd"))["s"]
    assert credit == THREADS * 500_000 - 4_400_000 == 1_600_000
    _assert_in_step(park, company)


@pytest.mark.django_db(transaction=True)
def test_parallel_payments_with_one_reference_record_exactly_one():
    park, company = make_park(), make_company()
    outcomes, lock = [], threading.Lock()

    def record(_n):
        try:
            payment_create(
                park=park,
                company=company,
                amount_vnd=100_000,
                received_on=date(2027, 5, 1),
                reference="UNC-42",
            )
            outcome = "done"
        except Taken as refusal:
            outcome = refusal.code
        with lock:
            outcomes.append(outcome)

    assert run_together(record, range(6)) == ["done"] * 6
    assert sorted(outcomes) == ["done"] + ["unique"] * 5
    assert Payment.objects.filter(park=park, reference="UNC-42").count() == 1


@pytest.mark.django_db(transaction=True)
def test_payments_credit_and_deletions_at_once_keep_every_figure_in_step():
    park, company = make_park(), make_company()
    make_series(park)
    credit = [
        payment_create(park=park, company=company, amount_vnd=700_000, received_on=date(2027, 1, d))
        for d in (2, 3, 4, 5)
    ]  # 2,800,000 of credit before any invoice
    invoices = _open_invoices(park, company, 6)  # 6,600,000 owed

    def apply_credit():
        with transaction.atomic():
            credit_apply(park=park, company=company)

    jobs = (
        [apply_credit] * 4
        + [
            lambda: payment_create(
                park=park, company=company, amount_vnd=900_000, received_on=date(2027, 6, 1)
            )
        ]
        * 4
        + [
            lambda invoice=invoice: payment_create(
                park=park,
                company=company,
                amount_vnd=300_000,
                received_on=date(2027, 6, 2),
                invoices=[invoice],
            )
            for invoice in invoices[3:]
        ]
        + [lambda payment=payment: payment_delete(payment=payment) for payment in credit[:2]]
    )

    outcomes = run_together(lambda job: job(), jobs)

    assert outcomes == ["done"] * len(jobs)
    _assert_in_step(park, company)
    # Received and kept: 2 * 700,000 + 4 * 900,000 + 3 * 300,000 = 5,900,000, under the
    # 6,600,000 owed; whatever credit is left is in a payment no open invoice could take.
    received = Payment.objects.aggregate(s=Sum("amount_vnd"))["s"]
    assert received == 5_900_000
    paid = Invoice.objects.aggregate(s=Sum("paid_vnd"))["s"]
    left = Payment.objects.aggregate(s=Sum("unallocated_vnd"))["s"]
    assert paid + left == received
    assert Allocation.objects.filter(payment_id__in=[p.pk for p in credit[:2]]).count() == 0
    with transaction.atomic():
        credit_apply(park=park, company=company)
    assert Payment.objects.aggregate(s=Sum("unallocated_vnd"))["s"] == 0
    assert Invoice.objects.aggregate(s=Sum("paid_vnd"))["s"] == 5_900_000
