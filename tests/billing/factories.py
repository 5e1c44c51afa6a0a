"""Billing factories: plain rows for the fixtures billing's own tests start from.

Helpers may append functions here; never rewrite the existing ones (others rely on them).
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from billing.models import (
    BillingSettings,
    Charge,
    Invoice,
    InvoiceSeries,
    InvoiceStatus,
    LineKind,
)
from billing.services.lines import invoice_totals_set, line_build
from tests.factories import make_company, make_park, make_tax_code

_numbers = itertools.count(1)


def make_billing_settings(park=None, **overrides) -> BillingSettings:
    park = park or make_park()
    fields = {
        "legal_name": "Công ty TNHH Công viên Phần mềm Mekong",
        "tax_code": make_tax_code(),
        "address": "Số 1 Đường Hùng Vương, Phường 1, Thành phố Mỹ Tho, Tiền Giang",
        "bank_name": "Vietcombank - Chi nhánh Tiền Giang",
        "bank_account": "0071000123456",
    }
    fields.update(overrides)
    return BillingSettings.objects.create(park=park, **fields)


def make_series(park=None, *, year: int = 2027, **overrides) -> InvoiceSeries:
    park = park or make_park()
    fields = {"template_code": "1", "symbol": f"C{year % 100:02d}TSP", "year": year}
    fields.update(overrides)
    return InvoiceSeries.objects.create(park=park, **fields)


def make_charge(park=None, **overrides) -> Charge:
    park = park or make_park()
    number = next(_numbers)
    fields = {
        "code": f"electricity-{number}",
        "name": "Điện năng",
        "unit_of_measure": "kWh",
        "unit_price_vnd": 3500,
        "vat_rate": "10",
    }
    fields.update(overrides)
    return Charge.objects.create(park=park, **fields)


def make_invoice(
    *,
    park=None,
    company=None,
    month: date = date(2027, 1, 1),
    lines: list[tuple[int, str]] = ((1_000_000, "10"),),
    status: str = InvoiceStatus.DRAFT,
    series: InvoiceSeries | None = None,
    number: int | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
    **overrides,
) -> Invoice:
    """A draft (or, with `status="issued"`, an issued invoice numbered from `series`) whose
    manual lines are (unit price, VAT rate) pairs of quantity 1. A fixture: real issuing goes
    through `billing.services.invoices.invoices_issue`."""
    park = park or make_park()
    company = company or make_company()
    invoice = Invoice(park=park, company=company, month=month, status=status, **overrides)
    if status != InvoiceStatus.DRAFT:
        series = series or InvoiceSeries.objects.filter(park=park, is_active=True).first()
        series = series or make_series(park)
        if number is None:
            number = series.next_number
            series.next_number += 1
            series.save(update_fields=["next_number"])
        invoice.series, invoice.number = series, number
        invoice.issue_date = issue_date or month
        invoice.due_date = due_date or invoice.issue_date + timedelta(days=15)
        invoice.buyer_legal_name = company.legal_name
        invoice.buyer_tax_code = company.tax_code or ""
    built = [
        line_build(
            invoice=invoice,
            position=position,
            kind=LineKind.MANUAL,
            description=f"Dòng {position}",
            quantity=Decimal(1),
            unit_of_measure="tháng",
            unit_price_vnd=price,
            vat_rate=rate,
        )
        for position, (price, rate) in enumerate(lines, start=1)
    ]
    invoice_totals_set(invoice, built)
    invoice.save()
    for line in built:
        line.invoice = invoice
        line.save()
    return invoice
