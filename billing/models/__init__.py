"""Billing: the park's seller details, invoice series, price list, metered usage, invoices
with their lines, and payments with their allocations.

- `setup`: `BillingSettings`, `InvoiceSeries`, `Charge` (the price list), `Usage` and the
  VAT rates;
- `invoices`: `Invoice` and `InvoiceLine`, their kinds and statuses;
- `payments`: `Payment`, `Allocation` and overdue `Reminder`s.

Money is whole dong in 64-bit integers; quantities are decimals with three places. An
invoice's totals are the sums of its lines, stored, and kept equal to them by the services
(`billing.services`), which are the only writers. Every name is exported here:
`from billing.models import Invoice`.
"""

from billing.models.invoices import (
    GENERATED_LINE_KINDS,
    INVOICE_DRAFT_WRITABLE,
    INVOICE_LINE_WRITABLE,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
)
from billing.models.payments import (
    PAYMENT_CREATE_FIELDS,
    PAYMENT_WRITABLE,
    Allocation,
    Payment,
    PaymentMethod,
    Reminder,
)
from billing.models.setup import (
    BILLING_SETTINGS_WRITABLE,
    CHARGE_WRITABLE,
    INVOICE_SERIES_WRITABLE,
    SYMBOL_PATTERN,
    USAGE_UPDATABLE,
    USAGE_WRITABLE,
    BillingSettings,
    Charge,
    InvoiceSeries,
    Usage,
    VatRate,
    vat_percent,
)

__all__ = [
    "BILLING_SETTINGS_WRITABLE",
    "CHARGE_WRITABLE",
    "GENERATED_LINE_KINDS",
    "INVOICE_DRAFT_WRITABLE",
    "INVOICE_LINE_WRITABLE",
    "INVOICE_SERIES_WRITABLE",
    "PAYMENT_CREATE_FIELDS",
    "PAYMENT_WRITABLE",
    "SYMBOL_PATTERN",
    "USAGE_UPDATABLE",
    "USAGE_WRITABLE",
    "Allocation",
    "BillingSettings",
    "Charge",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceSeries",
    "InvoiceStatus",
    "LineKind",
    "Payment",
    "PaymentMethod",
    "Reminder",
    "Usage",
    "VatRate",
    "vat_percent",
]
