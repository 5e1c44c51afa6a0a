"""Lines and totals: the one place a line's figures and an invoice's sums are computed."""

from collections.abc import Iterable
from decimal import Decimal

from billing.models import Invoice, InvoiceLine
from billing.money import line_amounts


def line_build(
    *,
    invoice: Invoice,
    position: int,
    kind: str,
    description: str,
    quantity: Decimal,
    unit_of_measure: str,
    unit_price_vnd: int,
    vat_rate: str,
    lease=None,
    charge=None,
    usage=None,
) -> InvoiceLine:
    """An unsaved line with its amount and VAT computed (rounded half up, per line)."""
    amount, vat = line_amounts(quantity=quantity, unit_price_vnd=unit_price_vnd, vat_rate=vat_rate)
    return InvoiceLine(
        invoice=invoice,
        position=position,
        kind=kind,
        description=description[:500],
        lease=lease,
        charge=charge,
        usage=usage,
        quantity=Decimal(quantity),
        unit_of_measure=unit_of_measure,
        unit_price_vnd=unit_price_vnd,
        amount_vnd=amount,
        vat_rate=vat_rate,
        vat_vnd=vat,
    )


def totals_of(lines: Iterable[InvoiceLine]) -> tuple[int, int, int]:
    """(subtotal, VAT, total) of `lines`: the sums, as the invoice stores them."""
    subtotal = vat = 0
    for line in lines:
        subtotal += line.amount_vnd
        vat += line.vat_vnd
    return subtotal, vat, subtotal + vat


def invoice_totals_set(invoice: Invoice, lines: Iterable[InvoiceLine]) -> bool:
    """Set the invoice's stored totals to the sums of `lines` (unsaved); True if they changed."""
    subtotal, vat, total = totals_of(lines)
    changed = (invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd) != (subtotal, vat, total)
    invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd = subtotal, vat, total
    return changed
