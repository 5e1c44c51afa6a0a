"""The demo billing (`billing.demo.seed_billing`, run by `manage.py seed_demo`)."""

from datetime import date

import pytest

from billing.demo import OVERDUE_COMPANY, seed_billing
from billing.models import (
    BillingSettings,
    Charge,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    InvoiceStatus,
    Payment,
    Usage,
)
from billing.selectors import aging
from park.demo import seed_park
from tenants.demo import seed_tenants

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


@pytest.fixture
def demo_park(manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo tenants' logos are real files
    seed_tenants(manager)
    return seed_park(manager, today=TODAY)


def test_the_demo_bills_three_months_issued_in_order_with_one_overdue_company(manager, demo_park):
    park = seed_billing(manager, today=TODAY)

    assert park == demo_park
    seller = BillingSettings.objects.get(park=park)
    assert (seller.legal_name, seller.payment_terms_days) == (
        "Công ty TNHH Công viên Phần mềm Mekong",
        15,
    )
    assert sorted(InvoiceSeries.objects.values_list("symbol", "year")) == [
        ("C26TSP", 2026),
        ("C27TSP", 2027),
    ]
    assert sorted(Charge.objects.values_list("code", "unit_of_measure", "vat_rate")) == [
        ("electricity", "kWh", "8"),
        ("parking", "xe", "10"),
        ("water", "m³", "5"),
    ]
    invoices = list(Invoice.objects.order_by("number"))
    assert {invoice.status for invoice in invoices} == {InvoiceStatus.ISSUED}
    assert sorted({invoice.month for invoice in invoices}) == [
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
    ]
    # Gapless numbers in the 2026 series, rising with the months and the issue dates.
    assert [invoice.number for invoice in invoices] == list(range(1, len(invoices) + 1))
    assert [invoice.issue_date for invoice in invoices] == sorted(
        invoice.issue_date for invoice in invoices
    )
    assert {invoice.issue_date for invoice in invoices} == {
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
    }
    assert {invoice.series.symbol for invoice in invoices} == {"C26TSP"}
    # Each invoice holds its rent and its usage, and its totals are its lines' sums.
    for invoice in invoices:
        lines = InvoiceLine.objects.filter(invoice=invoice)
        kinds = set(lines.values_list("kind", flat=True))
        assert {"rent", "usage"} <= kinds
        assert invoice.subtotal_vnd == sum(line.amount_vnd for line in lines)
        assert invoice.total_vnd == invoice.subtotal_vnd + invoice.vat_vnd
    assert Usage.objects.filter(month=date(2026, 11, 1)).count() >= 3

    # September and October are paid ten days after issue, but for the overdue company;
    # November's invoices (issued 2026-12-01) are not due yet and not paid.
    for invoice in invoices:
        paid = invoice.month < date(2026, 11, 1) and invoice.company.short_name != OVERDUE_COMPANY
        assert invoice.paid_vnd == (invoice.total_vnd if paid else 0), invoice
    assert Payment.objects.count() == sum(
        1
        for invoice in invoices
        if invoice.month < date(2026, 11, 1) and invoice.company.short_name != OVERDUE_COMPANY
    )

    # On 2026-12-04 only the overdue company is late: September's invoice (due 2026-10-16)
    # 49 days, October's (due 2026-11-16) 18 days; November's is not due.
    report = aging(park=park, on=TODAY)
    late = [row for row in report["companies"] if row["total"] != row["current"]]
    owed = {
        invoice.month: invoice.total_vnd
        for invoice in invoices
        if invoice.company.short_name == OVERDUE_COMPANY
    }
    assert [
        (row["company_name"], row["31_60"], row["1_30"], row["current"], row["61_90"])
        for row in late
    ] == [
        (
            "Công ty Cổ phần Vi mạch Tân Thuận",
            owed[date(2026, 9, 1)],
            owed[date(2026, 10, 1)],
            owed[date(2026, 11, 1)],
            0,
        )
    ]


def test_seeding_the_demo_again_adds_nothing(manager, demo_park):
    seed_billing(manager, today=TODAY)
    counts = (Invoice.objects.count(), Payment.objects.count(), Usage.objects.count())

    seed_billing(manager, today=TODAY)
    seed_billing(manager, today=date(2027, 3, 9))  # another day: still nothing new

    assert (Invoice.objects.count(), Payment.objects.count(), Usage.objects.count()) == counts
    # Only what is missing: on 2027-03-09 that is the next year's series (2028).
    assert InvoiceSeries.objects.filter(park=demo_park).count() == 3
