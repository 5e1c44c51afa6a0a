"""The invoice run (billing.md, "Invoice run"): one draft per company, refreshed in place,
idempotent, skipping billed months, a dry run that writes nothing, and its command."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, LineKind, Usage
from billing.services.invoices import invoice_line_add
from billing.services.runs import invoice_run
from core.errors import DomainError
from park.models import Lease
from park.services import lease_update
from tests.billing.factories import make_billing_settings, make_charge, make_invoice
from tests.factories import make_company, make_lease, make_park, make_unit, make_user

pytestmark = pytest.mark.django_db

JANUARY = date(2027, 1, 1)


def _lease(park, company, *, code=None, rent=10_000_000, start=date(2027, 1, 1), end=None):
    unit = make_unit(park=park, **({"code": code} if code else {}))
    return make_lease(
        unit=unit, company=company, start_date=start, end_date=end, monthly_rent_vnd=rent
    )


def _figures(invoice):
    return [
        (line.position, line.kind, line.amount_vnd, line.vat_vnd)
        for line in invoice.lines.order_by("position")
    ]


def _snapshot():
    """Everything a run could write: invoices (with versions and totals), lines, history."""
    return (
        sorted(
            Invoice.objects.values_list(
                "id", "version", "updated_at", "subtotal_vnd", "vat_vnd", "total_vnd"
            )
        ),
        sorted(InvoiceLine.objects.values_list("id", "position", "amount_vnd", "description")),
        Invoice.history.count(),
    )


@pytest.fixture
def park():
    park = make_park()
    make_billing_settings(park)
    return park


def test_a_run_drafts_one_invoice_per_company_from_its_leases_and_usage(park):
    alpha = make_company(legal_name="Công ty Alpha")
    beta = make_company(legal_name="Công ty Beta")
    _lease(park, alpha, code="A-2", rent=5_000_000)
    _lease(park, alpha, code="A-1", rent=10_000_000)
    _lease(park, beta, code="B-1", rent=8_000_000)
    electricity = make_charge(park, unit_price_vnd=3_500)
    Usage.objects.create(company=alpha, charge=electricity, month=JANUARY, quantity="100")
    # Not billed in January: another park's lease, one that ended, one not yet started.
    _lease(make_park(), beta, rent=1_000_000)
    _lease(park, beta, start=date(2026, 1, 1), end=date(2026, 12, 31))
    _lease(park, beta, start=date(2027, 2, 1))
    manager = make_user()

    summary = invoice_run(park=park, month=JANUARY, actor=manager)

    # Alpha: 10,000,000 + 5,000,000 rent, 100 kWh * 3,500 = 350,000; VAT 10 % of each:
    # 1,000,000 + 500,000 + 35,000. Total 15,350,000 + 1,535,000 = 16,885,000.
    # Beta: 8,000,000 + 800,000 = 8,800,000.
    assert summary.as_dict() == {
        "created": 2,
        "refreshed": 0,
        "unchanged": 0,
        "skipped_issued": 0,
        "companies": 2,
        "total_vnd": 16_885_000 + 8_800_000,
    }
    alpha_invoice = Invoice.objects.get(company=alpha)
    beta_invoice = Invoice.objects.get(company=beta)
    assert [
        (row.company_name, row.outcome, row.lines, row.total_vnd, row.invoice_id)
        for row in summary.rows
    ] == [
        ("Công ty Alpha", "created", 3, 16_885_000, str(alpha_invoice.pk)),
        ("Công ty Beta", "created", 1, 8_800_000, str(beta_invoice.pk)),
    ]
    # Leases in unit order, then usage.
    assert _figures(alpha_invoice) == [
        (1, LineKind.RENT, 10_000_000, 1_000_000),
        (2, LineKind.RENT, 5_000_000, 500_000),
        (3, LineKind.USAGE, 350_000, 35_000),
    ]
    assert (alpha_invoice.park, alpha_invoice.month) == (park, JANUARY)
    assert (alpha_invoice.kind, alpha_invoice.status) == (InvoiceKind.NORMAL, "draft")
    assert (alpha_invoice.number, alpha_invoice.issue_date, alpha_invoice.due_date) == (
        None,
        None,
        None,
    )
    assert Invoice.objects.count() == 2
    assert [record.history_user for record in alpha_invoice.history.all()] == [manager]


def test_a_cancelled_lease_is_not_billed(park):
    company = make_company()
    lease = _lease(park, company)
    Lease.objects.filter(pk=lease.pk).update(cancelled_at=timezone.now())  # cancelled

    summary = invoice_run(park=park, month=JANUARY)

    assert (summary.created, summary.companies, summary.rows) == (0, 0, [])
    assert Invoice.objects.count() == 0


def test_a_second_run_changes_nothing(park):
    for number in range(3):
        _lease(park, make_company(), rent=1_000_000 * (number + 1))
    invoice_run(park=park, month=JANUARY)
    before = _snapshot()

    summary = invoice_run(park=park, month=JANUARY)

    assert summary.as_dict() == {
        "created": 0,
        "refreshed": 0,
        "unchanged": 3,
        "skipped_issued": 0,
        "companies": 3,
        "total_vnd": (1_000_000 + 2_000_000 + 3_000_000) * 11 // 10,
    }
    assert [row.outcome for row in summary.rows] == ["unchanged"] * 3
    assert _snapshot() == before


def test_a_refresh_replaces_generated_lines_and_keeps_manual_lines_after_them(park):
    company = make_company()
    lease = _lease(park, company, code="A-1", rent=10_000_000)
    invoice_run(park=park, month=JANUARY)
    invoice = Invoice.objects.get(company=company)
    manual = invoice_line_add(
        invoice=invoice,
        data={
            "description": "Dọn vệ sinh thêm",
            "quantity": Decimal(1),
            "unit_of_measure": "lần",
            "unit_price_vnd": 400_000,
            "vat_rate": "8",
        },
    )
    version = Invoice.objects.get(pk=invoice.pk).version
    # The rent changes and a second office is leased.
    lease_update(lease=lease, data={"monthly_rent_vnd": 12_000_000}, actor=None)
    _lease(park, company, code="A-2", rent=3_000_000)

    summary = invoice_run(park=park, month=JANUARY)

    assert (summary.refreshed, summary.created, summary.unchanged) == (1, 0, 0)
    invoice.refresh_from_db()
    # 12,000,000 (VAT 1,200,000) + 3,000,000 (300,000) + manual 400,000 at 8 % (32,000)
    assert _figures(invoice) == [
        (1, LineKind.RENT, 12_000_000, 1_200_000),
        (2, LineKind.RENT, 3_000_000, 300_000),
        (3, LineKind.MANUAL, 400_000, 32_000),
    ]
    assert invoice.lines.get(position=3).pk == manual.pk  # the same line, moved after
    assert (invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd) == (
        15_400_000,
        1_532_000,
        16_932_000,
    )
    assert invoice.version == version + 1
    assert summary.total_vnd == 16_932_000
    assert [(row.outcome, row.lines) for row in summary.rows] == [("refreshed", 3)]

    # The manual line stays put once it is after the generated ones.
    assert invoice_run(park=park, month=JANUARY).unchanged == 1


def test_a_draft_whose_company_is_billed_nothing_more_loses_its_generated_lines(park):
    company = make_company()
    lease = _lease(park, company)
    invoice_run(park=park, month=JANUARY)
    Lease.objects.filter(pk=lease.pk).update(cancelled_at=timezone.now())

    summary = invoice_run(park=park, month=JANUARY)

    invoice = Invoice.objects.get(company=company)
    assert (summary.refreshed, summary.companies, summary.total_vnd) == (1, 1, 0)
    assert _figures(invoice) == []
    assert (invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd) == (0, 0, 0)


def test_a_company_whose_month_is_issued_is_skipped_and_counted(park):
    billed, fresh = make_company(legal_name="Công ty Đã Xuất"), make_company()
    _lease(park, billed)
    _lease(park, fresh)
    issued = make_invoice(
        park=park,
        company=billed,
        month=JANUARY,
        status=InvoiceStatus.ISSUED,
        lines=[(9_000_000, "10"), (1_000_000, "KCT")],
    )

    summary = invoice_run(park=park, month=JANUARY)

    assert summary.as_dict() == {
        "created": 1,
        "refreshed": 0,
        "unchanged": 0,
        "skipped_issued": 1,
        "companies": 1,
        "total_vnd": 11_000_000,  # the new draft only
    }
    skipped = next(row for row in summary.rows if row.outcome == "skipped_issued")
    assert (skipped.company_name, skipped.lines, skipped.total_vnd, skipped.invoice_id) == (
        "Công ty Đã Xuất",
        2,
        10_900_000,
        str(issued.pk),
    )
    assert list(Invoice.objects.filter(company=billed)) == [issued]


def test_a_month_voided_into_a_replacement_is_skipped(park):
    company = make_company()
    _lease(park, company)
    voided = make_invoice(park=park, company=company, month=JANUARY, status=InvoiceStatus.VOID)
    replacement = make_invoice(
        park=park, company=company, month=JANUARY, kind=InvoiceKind.REPLACEMENT, replaces=voided
    )
    before = _snapshot()

    summary = invoice_run(park=park, month=JANUARY)

    assert (summary.skipped_issued, summary.companies) == (1, 0)
    assert summary.rows[0].invoice_id == str(replacement.pk)
    assert _snapshot() == before


def test_a_dry_run_writes_nothing_and_answers_what_the_run_then_does(park):
    first, second = make_company(), make_company()
    _lease(park, first)
    invoice_run(park=park, month=JANUARY)
    _lease(park, first, rent=2_000_000)  # first's draft will be refreshed
    _lease(park, second)  # second's will be created
    before = _snapshot()

    preview = invoice_run(park=park, month=JANUARY, dry_run=True)

    assert _snapshot() == before
    summary = invoice_run(park=park, month=JANUARY)
    assert preview.as_dict() == summary.as_dict()
    assert preview.as_dict()["refreshed"] == 1
    assert preview.as_dict()["created"] == 1
    assert [(row.company_id, row.outcome, row.total_vnd) for row in preview.rows] == [
        (row.company_id, row.outcome, row.total_vnd) for row in summary.rows
    ]


def _queries_of_a_run(park, companies: int) -> tuple[int, int]:
    electricity = make_charge(park)
    for _ in range(companies):
        company = make_company()
        _lease(park, company)
        Usage.objects.create(company=company, charge=electricity, month=JANUARY, quantity=1)
    counts = []
    for _ in range(2):  # the run that creates, then the one that finds them unchanged
        with CaptureQueriesContext(connection) as queries:
            invoice_run(park=park, month=JANUARY)
        counts.append(len(queries))
    return counts[0], counts[1]


def test_a_run_reads_and_writes_in_the_same_number_of_queries_for_1_or_30_companies():
    one, thirty = _queries_of_a_run(make_park(), 1), _queries_of_a_run(make_park(), 30)

    assert one == thirty


def test_a_month_that_is_not_a_month_is_refused(park):
    with pytest.raises(DomainError) as refused:
        invoice_run(park=park, month="2027-13")

    assert (refused.value.field, refused.value.code) == ("month", "invalid")


# --- manage.py invoice_run ---------------------------------------------------------------


def _command(*args: str) -> str:
    out = StringIO()
    call_command("invoice_run", *args, stdout=out)
    return out.getvalue()


def test_the_command_drafts_the_month_and_prints_the_summary(park):
    _lease(park, make_company(legal_name="Công ty Gamma"), rent=15_000_000)

    output = _command("--park", park.slug, "--month", "2027-01")

    assert output.splitlines() == [
        f"Invoice run for {park.name}, 2027-01",
        "created 1, refreshed 0, unchanged 0, skipped (issued) 0; 1 drafts, total 16.500.000 VND",
    ]
    assert Invoice.objects.filter(park=park, month=JANUARY).count() == 1


def test_the_command_shows_a_line_per_company_with_verbosity_2_and_dry_run_writes_nothing(
    park,
):
    _lease(park, make_company(legal_name="Công ty Gamma"), rent=15_000_000)

    output = _command("--park", park.slug, "--month", "2027-01", "--dry-run", "-v", "2")

    lines = output.splitlines()
    assert lines[0] == f"Invoice run for {park.name}, 2027-01 (dry run: nothing written)"
    company, figures = lines[2][:52].strip(), lines[2][52:].split()
    assert company == "Công ty Gamma"
    assert figures == ["created", "1", "15.000.000", "1.500.000", "16.500.000"]
    assert Invoice.objects.count() == 0


def test_the_command_refuses_an_unknown_park_and_a_bad_month(park):
    with pytest.raises(CommandError, match="No park has the slug nowhere"):
        _command("--park", "nowhere", "--month", "2027-01")
    with pytest.raises(CommandError, match="2027-1x is not a month"):
        _command("--park", park.slug, "--month", "2027-1x")
    assert Invoice.objects.count() == 0
