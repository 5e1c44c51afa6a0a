"""A bank statement of 50 transfers: the ones that name an invoice or a tax code become
payments allocated exactly; the rest are reported as unmatched and written nowhere.

Figures by hand: every invoice is one 1,000,000 line at 10 % = 1,100,000.
"""

from datetime import date

import pytest

from billing.models import Allocation, InvoiceStatus, Payment
from billing.selectors import company_credit_vnd
from imports.services import import_file
from tests.billing.factories import make_invoice, make_series
from tests.factories import make_company, make_manager, make_park, make_tax_code

pytestmark = pytest.mark.django_db

TOTAL = 1_100_000


def statement(rows: list[tuple[str, str, str, str]]) -> bytes:
    lines = ["Ngày giao dịch;Số tiền;Số tham chiếu;Nội dung"]
    lines += [";".join(row) for row in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_fifty_transfers_allocate_the_matched_ones_exactly_and_report_the_rest():
    park = make_park()
    make_series(park)  # 1 / C27TSP
    manager = make_manager()
    companies = [make_company(tax_code=make_tax_code()) for _ in range(10)]
    # Each company owes January and February.
    invoices = {
        (company.pk, month): make_invoice(
            park=park, company=company, month=date(2027, month, 1), status=InvoiceStatus.ISSUED
        )
        for company in companies
        for month in (1, 2)
    }

    rows, expected_paid, unmatched = [], {}, []
    for index, company in enumerate(companies):
        feb = invoices[(company.pk, 2)]
        jan = invoices[(company.pk, 1)]
        # 1) names February by number (three spellings): February first, then January.
        spelling = [
            feb.number_display,
            f"C27TSP-{feb.number:08d}",
            f"C27TSP {feb.number}",
        ][index % 3]
        rows.append(("15/03/2027", "1.500.000", f"FT{index:04d}A", f"CT TNHH TT HD {spelling} T2"))
        # 2) names the company's tax code only: oldest first (January's balance).
        rows.append(("16/03/2027", "300.000 đ", f"FT{index:04d}B", f"MST {company.tax_code} CK"))
        expected_paid[feb.pk] = TOTAL
        expected_paid[jan.pk] = (1_500_000 - TOTAL) + 300_000
        # 3) and 4) two transfers naming nothing we know.
        for suffix in "CD":
            rows.append(("17/03/2027", "250,000", f"FT{index:04d}{suffix}", "CHUYEN TIEN ANH BA"))
    for index in range(10):  # 5) ten more: an unknown invoice number, a stranger's tax code
        text = f"TT HD C27TSP {9000 + index}" if index % 2 else f"MST {make_tax_code()}"
        rows.append(("18/03/2027", "99.000", f"FT9{index:03d}", text))
    assert len(rows) == 50
    unmatched = [
        number for number, row in enumerate(rows, start=2) if row[1] in ("250,000", "99.000")
    ]

    _record, report = import_file(
        resource="payments",
        data=statement(rows),
        file_name="sao-ke-03-2027.csv",
        commit=True,
        park=park,
        actor=manager,
        run_now=True,
    )

    body = report.as_dict()
    assert body["errors"] == []
    assert (body["rows"], body["new"], body["committed"]) == (50, 20, True)
    assert body["unmatched"] == unmatched
    assert Payment.objects.count() == 20
    paid = {
        invoice.pk: sum(a.amount_vnd for a in Allocation.objects.filter(invoice=invoice))
        for invoice in invoices.values()
    }
    assert paid == expected_paid
    for company in companies:
        assert company_credit_vnd(company=company, park=park) == 0
    payment = Payment.objects.get(reference="FT0000A")
    assert (payment.amount_vnd, payment.received_on, payment.method) == (
        1_500_000,
        date(2027, 3, 15),
        "bank_transfer",
    )
    assert payment.history.get().history_user == manager

    allocations = Allocation.objects.count()
    assert allocations == 30  # February and the rest to January, then January again

    # The same statement again: the recorded transfers are unchanged, nothing is written.
    _record, again = import_file(
        resource="payments", data=statement(rows), commit=True, park=park, run_now=True
    )
    assert (again.unchanged, again.new, again.unmatched, again.errors) == (20, 0, unmatched, [])
    assert Payment.objects.count() == 20
    assert Allocation.objects.count() == allocations


def test_a_recorded_reference_with_another_amount_is_an_error_and_nothing_is_written():
    park = make_park()
    make_series(park)
    company = make_company(tax_code=make_tax_code())
    make_invoice(park=park, company=company, status=InvoiceStatus.ISSUED)
    first = statement([("2027-03-15", "100000", "FT1", f"MST {company.tax_code}")])
    import_file(resource="payments", data=first, commit=True, park=park, run_now=True)
    changed = statement(
        [
            ("2027-03-15", "200000", "FT1", f"MST {company.tax_code}"),
            ("2027-03-16", "50000", "FT2", f"MST {company.tax_code}"),
        ]
    )
    _record, report = import_file(
        resource="payments", data=changed, commit=True, park=park, run_now=True
    )
    assert [(e.row, e.column, e.code) for e in report.errors] == [(2, "Số tham chiếu", "unique")]
    assert report.committed is False
    assert list(Payment.objects.values_list("reference", "amount_vnd")) == [("FT1", 100_000)]
