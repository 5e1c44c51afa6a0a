"""Payments received and allocated; the company's credit. (Owner: the payments helper.)

The rule kept here (design/billing.md, Payments): money goes to the oldest open invoice
first (due date, then number) unless the payment names its invoices; an allocation never
exceeds an invoice's balance; what is left is the company's credit (`Payment.unallocated_vnd`)
and goes to the invoices it is issued next, oldest credit first. `Invoice.paid_vnd` and
`Payment.unallocated_vnd` change only here, in the same transaction as the allocations, with
the rows locked invoices first, then payments, each in pk order: two writers touching the
same rows queue instead of deadlocking.

An "open" invoice is an issued one with a positive balance. An adjustment with a negative
total (a credit note) is never open and takes no allocations; the money it credits is not
turned into payment credit here (it is a document the buyer offsets; the statement and aging
show it as a negative amount).
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from billing.exceptions import InvalidPayment, Taken
from billing.models import (
    PAYMENT_WRITABLE,
    Allocation,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
)
from billing.selectors import (
    credit_payments_for_update,
    invoices_for_update,
    open_invoices_for_update,
)
from billing.statements import TransferMatch
from core.services import model_update


def payment_create(
    *,
    park,
    company,
    amount_vnd: int,
    received_on: date,
    method: str = "bank_transfer",
    reference: str | None = None,
    note: str = "",
    invoices: Sequence[Invoice] | None = None,
    actor=None,
) -> Payment:
    """Record a payment and allocate it: to `invoices` in that order when named (an empty
    list names none: all of it is credit), else oldest open invoice first (due date, then
    number); the rest stays as credit."""
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise InvalidPayment(
            _("A payment is a whole number of dong above zero."), field="amount_vnd"
        )
    if method not in PaymentMethod.values:
        raise InvalidPayment(
            _("The method is one of: %(methods)s.") % {"methods": ", ".join(PaymentMethod.values)},
            field="method",
        )
    if company is None:
        raise InvalidPayment(_("A payment comes from a company."), field="company")
    reference = (reference or "").strip() or None  # an absent reference is stored as null
    with transaction.atomic():
        if invoices is not None:
            targets = _named_invoices(park=park, company=company, invoices=invoices)
        else:
            targets = _oldest_first(open_invoices_for_update(park=park, company=company))
        if reference and Payment.objects.filter(park=park, reference=reference).exists():
            raise _reference_taken(reference)
        payment = Payment(
            park=park,
            company=company,
            amount_vnd=amount_vnd,
            received_on=received_on,
            method=method,
            reference=reference,
            note=note,
            unallocated_vnd=amount_vnd,
        )
        payment.full_clean(exclude=["park", "company"], validate_constraints=False)
        allocations = _plan(targets, [payment])  # the payment is saved with what is left
        if actor is not None:
            payment._history_user = actor
        try:
            # A parallel payment with the same reference passed the check above too: the
            # constraint decides, inside a savepoint so the error can be named.
            with transaction.atomic():
                payment.save()
        except IntegrityError as error:
            if reference and Payment.objects.filter(park=park, reference=reference).exists():
                raise _reference_taken(reference) from error
            raise
        _write(allocations, actor=actor, new_payment=payment)
    return payment


def payment_update(*, payment: Payment, data: Mapping[str, Any], actor=None) -> Payment:
    """PAYMENT_WRITABLE (the note)."""
    with transaction.atomic():
        model_update(instance=payment, fields=PAYMENT_WRITABLE, data=data, actor=actor)
    return payment


def payment_delete(*, payment: Payment, actor=None) -> None:
    """Remove the payment and its allocations (invoices' paid_vnd restored)."""
    invoice_ids: set = set()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                _payment_delete(payment, invoice_ids=invoice_ids, actor=actor)
            return
        except _MoreInvoices as more:
            # Credit applied between our read and the payment's lock touched another
            # invoice: start again locking it too, rather than lock it out of order.
            invoice_ids |= more.invoice_ids
    raise AssertionError("the payment's allocations kept changing")  # pragma: no cover


class _MoreInvoices(Exception):
    def __init__(self, invoice_ids: set):
        super().__init__()
        self.invoice_ids = invoice_ids


def _payment_delete(payment: Payment, *, invoice_ids: set, actor) -> None:
    seen = set(Allocation.objects.filter(payment=payment).values_list("invoice_id", flat=True))
    invoices = {i.pk: i for i in invoices_for_update(invoice_ids | seen)}
    Payment.objects.filter(pk=payment.pk).select_for_update().get()  # invoices, then payment
    # Under the payment's lock its allocations cannot change (credit_apply locks it too).
    allocated = list(
        Allocation.objects.filter(payment=payment).values_list("invoice_id", "amount_vnd")
    )
    missing = {invoice_id for invoice_id, _amount in allocated} - set(invoices)
    if missing:
        raise _MoreInvoices(invoice_ids | seen | missing)
    restored: dict = {}
    for invoice_id, amount in allocated:
        restored[invoice_id] = restored.get(invoice_id, 0) + amount
    for invoice_id in sorted(restored):
        invoice = invoices[invoice_id]
        invoice.paid_vnd -= restored[invoice_id]
        _save(invoice, ["paid_vnd"], actor=actor)
    Allocation.objects.filter(payment=payment).delete()
    if actor is not None:
        payment._history_user = actor
    payment.delete()


def credit_apply(*, park, company, invoices: Sequence[Invoice] | None = None) -> int:
    """Allocate the company's credit (unallocated payments, oldest first) to `invoices` (just
    issued; else all its open invoices). Call inside the caller's transaction; returns the
    amount allocated.

    The invoices are re-read under their row locks; the instances passed in get the new
    `paid_vnd` and `version`, so a caller saving them afterwards does not undo the allocation.
    """
    credit = Payment.objects.filter(park=park, company=company, unallocated_vnd__gt=0)
    if not credit.exists():  # the common case (issuing without credit): one query
        return 0
    with transaction.atomic():
        if invoices is None:
            targets = open_invoices_for_update(park=park, company=company)
        else:
            targets = [
                invoice
                for invoice in invoices_for_update([invoice.pk for invoice in invoices])
                if invoice.park_id == park.pk
                and invoice.company_id == company.pk
                and invoice.status == InvoiceStatus.ISSUED
                and invoice.balance_vnd > 0
            ]
        if not targets:
            return 0
        payments = credit_payments_for_update(park=park, company=company)
        allocated = _allocate(_oldest_first(targets), payments)
    _copy_back(targets, invoices)
    return allocated


def allocations_release(*, invoice: Invoice) -> int:
    """Move an invoice's allocations back to its payments' credit (voiding). Call inside the
    caller's transaction; returns the amount released. The instance passed in gets
    `paid_vnd` 0 and the new `version`."""
    with transaction.atomic():
        [locked] = invoices_for_update([invoice.pk])
        allocations = list(Allocation.objects.filter(invoice=locked))
        if not allocations:
            return 0
        payment_ids = {allocation.payment_id for allocation in allocations}
        payments = {
            p.pk: p
            for p in Payment.objects.filter(pk__in=payment_ids).order_by("pk").select_for_update()
        }
        released = 0
        for allocation in allocations:
            payments[allocation.payment_id].unallocated_vnd += allocation.amount_vnd
            released += allocation.amount_vnd
        Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()
        for payment in sorted(payments.values(), key=lambda p: p.pk):
            _save(payment, ["unallocated_vnd"])
        locked.paid_vnd -= released
        _save(locked, ["paid_vnd"])
    invoice.paid_vnd, invoice.version = locked.paid_vnd, locked.version
    return released


# -- the arithmetic and the writes, shared ------------------------------------------------


def _named_invoices(*, park, company, invoices: Sequence[Invoice]) -> list[Invoice]:
    """The named invoices, locked, in the order named; each must be the company's issued
    invoice in that park."""
    locked = {i.pk: i for i in invoices_for_update([invoice.pk for invoice in invoices])}
    ordered, seen = [], set()
    for invoice in invoices:
        row = locked.get(invoice.pk)
        if (
            row is None
            or row.park_id != park.pk
            or row.company_id != company.pk
            or row.status != InvoiceStatus.ISSUED
        ):
            raise InvalidPayment(
                _("Invoice %(id)s is not an issued invoice of this company in this park.")
                % {"id": invoice.pk},
                field="invoices",
            )
        if row.pk not in seen:
            seen.add(row.pk)
            ordered.append(row)
    return ordered


def _oldest_first(invoices: Iterable[Invoice]) -> list[Invoice]:
    return sorted(invoices, key=lambda i: (i.due_date or date.max, i.number or 0, str(i.pk)))


def _allocate(invoices: list[Invoice], payments: list[Payment], *, actor=None) -> int:
    """Fill `invoices` in order from `payments` in order, never beyond a balance, and save
    what changed. Both lists are rows locked by the caller's transaction."""
    allocations = _plan(invoices, payments)
    _write(allocations, actor=actor)
    return sum(allocation.amount_vnd for allocation in allocations)


def _plan(invoices: list[Invoice], payments: list[Payment]) -> list[Allocation]:
    """The allocations, with the invoices' `paid_vnd` and the payments' `unallocated_vnd`
    moved in memory; nothing written."""
    allocations = []
    payment_queue = [p for p in payments if p.unallocated_vnd > 0]
    for invoice in invoices:
        while invoice.balance_vnd > 0 and payment_queue:
            payment = payment_queue[0]
            amount = min(invoice.balance_vnd, payment.unallocated_vnd)
            allocations.append(Allocation(payment=payment, invoice=invoice, amount_vnd=amount))
            invoice.paid_vnd += amount
            payment.unallocated_vnd -= amount
            if payment.unallocated_vnd == 0:
                payment_queue.pop(0)
    return allocations


def _write(allocations: list[Allocation], *, actor=None, new_payment: Payment | None = None):
    """Insert `allocations` and save the invoices and payments they moved (but
    `new_payment`, just inserted with its figures)."""
    if not allocations:
        return
    Allocation.objects.bulk_create(allocations)
    invoices = {a.invoice.pk: a.invoice for a in allocations}
    payments = {a.payment.pk: a.payment for a in allocations if a.payment is not new_payment}
    for invoice in sorted(invoices.values(), key=lambda i: i.pk):
        _save(invoice, ["paid_vnd"], actor=actor)
    for payment in sorted(payments.values(), key=lambda p: p.pk):
        _save(payment, ["unallocated_vnd"], actor=actor)


def _save(instance, fields: list[str], *, actor=None) -> None:
    """Save `fields` of a row this transaction read under its lock, its version bumped (the
    lock makes the read version current, so no second read is needed)."""
    instance.version += 1
    if actor is not None:
        instance._history_user = actor
    instance.save(update_fields=[*fields, "version", "updated_at"])


def _copy_back(locked: list[Invoice], originals: Sequence[Invoice] | None) -> None:
    if not originals:
        return
    by_pk = {invoice.pk: invoice for invoice in locked}
    for original in originals:
        row = by_pk.get(original.pk)
        if row is not None:
            original.paid_vnd, original.version = row.paid_vnd, row.version


def _reference_taken(reference: str) -> Taken:
    return Taken(
        _("The park already has a payment with reference %(reference)s.")
        % {"reference": reference},
        field="reference",
    )


# -- bank-statement transfers --------------------------------------------------------------


def payment_record_transfer(
    *,
    park,
    match: TransferMatch,
    amount_vnd: int,
    received_on: date,
    reference: str | None,
    content: str,
    actor=None,
) -> Payment:
    """Record a bank transfer matched by `billing.statements.transfers_match`: a bank-transfer
    payment whose note is the transfer text. The invoice the text names is paid first; what
    is above its balance goes to the company's other open invoices, oldest first, and the
    rest is credit. Without a named invoice (or once it is no longer issued), oldest first."""
    note_length = Payment._meta.get_field("note").max_length
    note = (content or "").strip()[:note_length].rstrip()
    company, invoice = match.company, match.invoice
    if invoice is not None and (invoice.park_id != park.pk or invoice.company_id != company.pk):
        raise InvalidPayment(
            _("Invoice %(id)s is not an invoice of this company in this park.")
            % {"id": invoice.pk},
            field="invoices",
        )
    wanted = Q(total_vnd__gt=F("paid_vnd"))  # open
    if invoice is not None:
        wanted |= Q(pk=invoice.pk)
    with transaction.atomic():
        # The named invoice and the open ones locked in one statement, pk order (as every
        # writer here): none can be voided or paid under us before payment_create re-reads
        # them in the order given.
        locked = list(
            Invoice.objects.filter(wanted, park=park, company=company, status=InvoiceStatus.ISSUED)
            .order_by("pk")
            .select_for_update()
        )
        named = [i for i in locked if invoice is not None and i.pk == invoice.pk]
        others = _oldest_first(i for i in locked if i not in named and i.balance_vnd > 0)
        return payment_create(
            park=park,
            company=company,
            amount_vnd=amount_vnd,
            received_on=received_on,
            method=PaymentMethod.BANK_TRANSFER,
            reference=reference,
            note=note,
            invoices=[*named, *others],
            actor=actor,
        )
