"""Drafts: an invoice is written only while it is a draft, so every service here locks the
invoice row and refuses any write to one that is not (`transition_refused`, with the states it
may still move to: `ALLOWED_TRANSITIONS`).

Drafts are created empty for a month (one live invoice per company, park and month), their note
edited, manual lines added or removed with their totals recomputed (`draft_totals_save`), or
deleted. Issuing, voiding and adjusting are `billing.services.invoices`, which re-exports these.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.exceptions import DuplicateInvoice, NegativePrice
from billing.models import (
    INVOICE_DRAFT_WRITABLE,
    INVOICE_LINE_WRITABLE,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
)
from billing.money import INVALID_MONTH, parse_month
from billing.services.lines import invoice_totals_set, line_build
from core.errors import DomainError, InvalidTransition
from core.models import save_changed
from core.services import model_update, writable_data

S = InvoiceStatus
# The states an invoice may move to from each state: the `allowed` of a refusal.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.ISSUED,),
    S.ISSUED: (S.VOID,),
    S.VOID: (),
}

# A line's amount must fit the 64-bit columns with room for the invoice's sums.
_MAX_LINE_AMOUNT_VND = 10**15

_TOTAL_FIELDS = ["subtotal_vnd", "vat_vnd", "total_vnd"]


def transition_refused(invoice: Invoice, detail: str) -> InvalidTransition:
    """The refusal of a write `invoice`'s status does not allow, with the states it may move
    to (`ALLOWED_TRANSITIONS`)."""
    return InvalidTransition(detail, allowed=list(ALLOWED_TRANSITIONS[invoice.status]))


def invoice_for_update(invoice_pk) -> Invoice:
    """The invoice, its row locked, whatever its status."""
    return Invoice.objects.select_for_update().get(pk=invoice_pk)


def _draft_for_update(invoice_pk) -> Invoice:
    """The invoice, its row locked; anything but a draft: InvalidTransition (immutable)."""
    invoice = invoice_for_update(invoice_pk)
    if invoice.status != S.DRAFT:
        raise transition_refused(
            invoice,
            _("Invoice %(invoice)s is %(status)s: only drafts can be changed.")
            % {"invoice": invoice, "status": invoice.get_status_display().lower()},
        )
    return invoice


def draft_totals_save(invoice: Invoice, *, actor=None) -> Invoice:
    """Store a draft's totals as the sums of its lines (its row locked by the caller); the
    version moves with any change of its lines."""
    invoice_totals_set(invoice, InvoiceLine.objects.filter(invoice=invoice))
    save_changed(invoice, fields=_TOTAL_FIELDS, actor=actor)
    return invoice


def _month_of(month: date | str) -> date:
    first = parse_month(month)
    if first is None:
        raise DomainError(str(INVALID_MONTH), field="month")
    return first


def draft_insert(invoice: Invoice, *, actor) -> Invoice:
    """Insert a new draft; a parallel or existing non-void invoice for the month: 409."""
    invoice._history_user = actor
    try:
        with transaction.atomic():  # the one-per-month constraint catches a parallel insert
            invoice.save()
    except IntegrityError:
        raise DuplicateInvoice(
            _("The company already has an invoice for %(month)s.")
            % {"month": f"{invoice.month:%m/%Y}"}
        ) from None
    return invoice


def invoice_create(*, park, company, month: date, actor=None) -> Invoice:
    """An empty `normal` draft; one already there for that month: DuplicateInvoice (409)."""
    month = _month_of(month)
    with transaction.atomic():
        taken = Invoice.objects.filter(
            park=park,
            company=company,
            month=month,
            kind__in=[InvoiceKind.NORMAL, InvoiceKind.REPLACEMENT],
        ).exclude(status=S.VOID)
        existing = taken.first()
        if existing is not None:
            raise DuplicateInvoice(
                _("The company already has an invoice for %(month)s: %(invoice)s.")
                % {"month": f"{month:%m/%Y}", "invoice": existing},
                invoice=str(existing.pk),
            )
        invoice = Invoice(park=park, company=company, month=month, kind=InvoiceKind.NORMAL)
        return draft_insert(invoice, actor=actor)


def invoice_update(*, invoice: Invoice, data: Mapping[str, Any], actor=None) -> Invoice:
    """INVOICE_DRAFT_WRITABLE (the note) on a draft; otherwise InvalidTransition."""
    data = writable_data(INVOICE_DRAFT_WRITABLE, data)
    with transaction.atomic():
        invoice = _draft_for_update(invoice.pk)
        model_update(instance=invoice, fields=INVOICE_DRAFT_WRITABLE, data=data, actor=actor)
    return invoice


def invoice_delete(*, invoice: Invoice, actor=None) -> None:
    """Drafts only (an issued invoice is voided, never deleted)."""
    with transaction.atomic():
        invoice = _draft_for_update(invoice.pk)
        invoice._history_user = actor
        invoice.delete()


def invoice_line_add(*, invoice: Invoice, data: Mapping[str, Any], actor=None) -> InvoiceLine:
    """A `manual` line (INVOICE_LINE_WRITABLE) at the end of a draft, its amount and VAT
    computed (billing.services.lines) and the draft's totals recomputed with it. Negative
    prices (a credit) only on adjustments; the quantity is positive."""
    data = writable_data(INVOICE_LINE_WRITABLE, data)
    with transaction.atomic():
        invoice = _draft_for_update(invoice.pk)
        candidate = InvoiceLine(
            invoice=invoice, position=1, kind=LineKind.MANUAL, amount_vnd=0, vat_vnd=0, **data
        )
        # Required fields, lengths, the VAT rate's choices and the quantity's places.
        candidate.full_clean(exclude=["invoice"], validate_constraints=False)
        quantity = _quantity_of(candidate.quantity)
        price = candidate.unit_price_vnd
        if price < 0 and invoice.kind != InvoiceKind.ADJUSTMENT:
            raise NegativePrice(
                _("Only an adjustment invoice may have a negative price (a credit)."),
                field="unit_price_vnd",
            )
        last = invoice.lines.order_by("-position").values_list("position", flat=True).first()
        line = line_build(
            invoice=invoice,
            position=(last or 0) + 1,
            kind=LineKind.MANUAL,
            description=candidate.description,
            quantity=quantity,
            unit_of_measure=candidate.unit_of_measure,
            unit_price_vnd=price,
            vat_rate=candidate.vat_rate,
        )
        if abs(line.amount_vnd) > _MAX_LINE_AMOUNT_VND:
            raise DomainError(_("This line's amount is too large."), field="unit_price_vnd")
        line.save()
        draft_totals_save(invoice, actor=actor)
    return line


def _quantity_of(value) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(_("A quantity is a number."), field="quantity") from None
    if quantity <= 0:
        raise DomainError(_("A quantity is more than 0."), field="quantity")
    return quantity


def invoice_line_delete(*, line: InvoiceLine, actor=None) -> None:
    """Remove a line of a draft (drafts only); the draft's totals are recomputed."""
    with transaction.atomic():
        invoice = _draft_for_update(line.invoice_id)
        InvoiceLine.objects.filter(pk=line.pk, invoice=invoice).delete()
        draft_totals_save(invoice, actor=actor)
