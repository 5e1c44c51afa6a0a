"""Invoices issued with gapless numbers, voided and adjusted; drafts are edited in
`billing.services.drafts`, whose services are exported here too, so every invoice service is
`billing.services.invoices.<name>`.

Decree 123/2020 and Circular 78/2021: numbers run from 1 without gaps, in issue order, within
one template code and symbol, and an issued invoice is never edited or deleted (a mistake is
fixed by a replacement or an adjustment invoice that refers to it). So every service locks the
invoice row and refuses any write its status does not allow, and issuing takes the series
row's lock before it numbers anything.

Lock order, everywhere in billing: the series row first, then invoices in pk order, then
payments (`billing.services.payments`), so issuers, payments and voids queue, not deadlock.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import mail
from billing.exceptions import (
    BeforeLastIssue,
    EmptyInvoice,
    NoBillingSettings,
    NoInvoiceSeries,
)
from billing.models import (
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSeries,
    InvoiceStatus,
)
from billing.services import payments
from billing.services.drafts import (
    ALLOWED_TRANSITIONS,
    draft_insert,
    draft_totals_save,
    invoice_create,
    invoice_delete,
    invoice_for_update,
    invoice_line_add,
    invoice_line_delete,
    invoice_update,
    transition_refused,
)
from billing.services.lines import invoice_totals_set, line_build
from core.errors import DomainError
from core.models import save_changed
from core.transactions import retrying
from park.models import Park
from tenants.models import Company

__all__ = [
    "ALLOWED_TRANSITIONS",
    "draft_totals_save",
    "invoice_adjust",
    "invoice_create",
    "invoice_delete",
    "invoice_issue",
    "invoice_line_add",
    "invoice_line_delete",
    "invoice_update",
    "invoice_void",
    "invoices_issue",
]

S = InvoiceStatus

_ISSUE_FIELDS = [
    "status",
    "series",
    "number",
    "issue_date",
    "due_date",
    "buyer_legal_name",
    "buyer_tax_code",
    "buyer_address",
]


def _issuing_series(park_ids: set, year: int) -> dict[Any, InvoiceSeries]:
    """The parks' active series for `year`, their rows locked in pk order (issuers queue here:
    the next number is read and written under this lock). None for a park: 409."""
    locked = InvoiceSeries.objects.filter(park_id__in=park_ids, year=year, is_active=True)
    by_park = {series.park_id: series for series in locked.order_by("pk").select_for_update()}
    for park_id in park_ids:
        if park_id not in by_park:
            park = Park.objects.get(pk=park_id)
            raise NoInvoiceSeries(
                _("%(park)s has no active invoice series for %(year)s.")
                % {"park": park, "year": year},
                park=str(park_id),
                year=year,
            )
    return by_park


def _issue(invoice_ids: list, issue_date: date, actor) -> list[Invoice]:
    with transaction.atomic():
        # Whose series to lock first; an invoice's park never changes.
        park_ids = set(Invoice.objects.filter(pk__in=invoice_ids).values_list("park_id", flat=True))
        # An invoice already issued is refused as such, before any series is looked for (the
        # check is repeated under the rows' locks below).
        for invoice in Invoice.objects.filter(pk__in=invoice_ids).exclude(status=S.DRAFT):
            raise transition_refused(
                invoice,
                _("Invoice %(invoice)s is %(status)s: only drafts can be issued.")
                % {"invoice": invoice, "status": invoice.get_status_display().lower()},
            )
        series_by_park = _issuing_series(park_ids, issue_date.year)
        for series in series_by_park.values():
            if series.last_issue_date is not None and issue_date < series.last_issue_date:
                raise BeforeLastIssue(
                    _(
                        "Series %(series)s last issued an invoice on %(last)s: an issue date "
                        "cannot be earlier (numbers and dates rise together)."
                    )
                    % {"series": series, "last": f"{series.last_issue_date:%d/%m/%Y}"},
                    field="issue_date",
                )
        settings_by_park = {
            settings.park_id: settings
            for settings in BillingSettings.objects.filter(park_id__in=park_ids)
        }
        parks = Park.objects.in_bulk(park_ids)
        for park_id in park_ids:
            if park_id not in settings_by_park:
                raise NoBillingSettings(
                    _("Enter the billing settings of %(park)s (the seller) before issuing.")
                    % {"park": parks[park_id]},
                    park=str(park_id),
                )
        locked = Invoice.objects.filter(pk__in=invoice_ids).order_by("pk").select_for_update()
        by_id = {invoice.pk: invoice for invoice in locked}
        missing = [pk for pk in invoice_ids if pk not in by_id]
        if missing:
            raise DomainError(
                _("Invoice %(id)s no longer exists.") % {"id": missing[0]}, field="invoices"
            )
        invoices = [by_id[pk] for pk in invoice_ids]
        for invoice in invoices:
            if invoice.status != S.DRAFT:
                raise transition_refused(
                    invoice,
                    _("Invoice %(invoice)s is %(status)s: only drafts can be issued.")
                    % {"invoice": invoice, "status": invoice.get_status_display().lower()},
                )
        line_counts = dict(
            InvoiceLine.objects.filter(invoice_id__in=invoice_ids)
            .values("invoice_id")
            .annotate(count=Count("id"))
            .values_list("invoice_id", "count")
        )
        for invoice in invoices:
            if not line_counts.get(invoice.pk):
                raise EmptyInvoice(
                    _("Invoice %(invoice)s has no lines: an empty invoice cannot be issued.")
                    % {"invoice": invoice},
                    field="lines",
                )
        companies = Company.objects.in_bulk({invoice.company_id for invoice in invoices})
        for invoice in invoices:  # in the order given: that is the numbers' order
            series = series_by_park[invoice.park_id]
            company = companies[invoice.company_id]
            invoice.park, invoice.company = parks[invoice.park_id], company
            invoice.status = S.ISSUED
            invoice.series, invoice.number = series, series.next_number
            series.next_number += 1
            invoice.issue_date = issue_date
            terms = settings_by_park[invoice.park_id].payment_terms_days
            invoice.due_date = issue_date + timedelta(days=terms)
            invoice.buyer_legal_name = company.legal_name
            invoice.buyer_tax_code = company.tax_code or ""  # a buyer without MST is legal
            invoice.buyer_address = company.address
            save_changed(invoice, fields=_ISSUE_FIELDS, actor=actor)
            payments.credit_apply(park=invoice.park, company=company, invoices=[invoice])
        for series in series_by_park.values():
            series.last_issue_date = issue_date
            save_changed(series, fields=["next_number", "last_issue_date"], actor=actor)
        issued_ids = [invoice.pk for invoice in invoices]
        transaction.on_commit(lambda: mail.invoices_issued_notify(issued_ids))
    return invoices


def invoices_issue(
    *, invoices: Sequence[Invoice], issue_date: date | None = None, actor=None
) -> list[Invoice]:
    """Issue in the order given, all or nothing: numbers from the active series of the issue
    date's year under its row lock, buyer snapshot, due date, credit applied; emails after
    commit.

    Numbers are gapless and rise with issue order, and issue dates never go back within a
    series (BeforeLastIssue); no active series: NoInvoiceSeries; no seller details:
    NoBillingSettings; an invoice without lines: EmptyInvoice; not a draft: InvalidTransition.
    """
    invoice_ids = [invoice.pk for invoice in invoices]
    if not invoice_ids:
        return []
    if len(set(invoice_ids)) != len(invoice_ids):
        raise DomainError(_("An invoice is listed twice."), field="invoices")
    issue_date = issue_date or timezone.localdate()
    return retrying(lambda: _issue(invoice_ids, issue_date, actor))


def invoice_issue(*, invoice: Invoice, issue_date: date | None = None, actor=None) -> Invoice:
    return invoices_issue(invoices=[invoice], issue_date=issue_date, actor=actor)[0]


def invoice_void(*, invoice: Invoice, reason: str, actor=None) -> Invoice:
    """Void an issued invoice; returns the replacement draft (same lines, `replaces` it).

    In one transaction: its allocations go back to the payments' credit, it is marked void
    with the reason, and a draft for the same park, company and month takes its place with
    copies of its lines (kinds and sources kept) for the manager to correct and issue. The
    new draft of a voided adjustment is an adjustment (the original stays the month's
    invoice)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the invoice is voided."), field="reason")
    if len(reason) > Invoice._meta.get_field("void_reason").max_length:
        raise DomainError(_("The reason is too long (300 characters at most)."), field="reason")
    with transaction.atomic():
        invoice = invoice_for_update(invoice.pk)
        if invoice.status != S.ISSUED:
            raise transition_refused(
                invoice,
                _("Invoice %(invoice)s is %(status)s: only issued invoices can be voided.")
                % {"invoice": invoice, "status": invoice.get_status_display().lower()},
            )
        payments.allocations_release(invoice=invoice)
        invoice.status, invoice.void_reason = S.VOID, reason
        invoice.voided_at, invoice.paid_vnd = timezone.now(), 0
        save_changed(
            invoice, fields=["status", "void_reason", "voided_at", "paid_vnd"], actor=actor
        )
        adjusting = invoice.kind == InvoiceKind.ADJUSTMENT
        replacement = Invoice(
            park_id=invoice.park_id,
            company_id=invoice.company_id,
            month=invoice.month,
            kind=InvoiceKind.ADJUSTMENT if adjusting else InvoiceKind.REPLACEMENT,
            replaces=invoice,
            subtotal_vnd=invoice.subtotal_vnd,
            vat_vnd=invoice.vat_vnd,
            total_vnd=invoice.total_vnd,
        )
        lines = [
            line_build(
                invoice=replacement,
                position=line.position,
                kind=line.kind,
                description=line.description,
                quantity=line.quantity,
                unit_of_measure=line.unit_of_measure,
                unit_price_vnd=line.unit_price_vnd,
                vat_rate=line.vat_rate,
                lease=line.lease,
                charge=line.charge,
                usage=line.usage,
            )
            for line in invoice.lines.select_related("lease", "charge", "usage")
        ]
        invoice_totals_set(replacement, lines)
        draft_insert(replacement, actor=actor)
        InvoiceLine.objects.bulk_create(lines)
    return replacement


def invoice_adjust(*, invoice: Invoice, actor=None) -> Invoice:
    """An empty adjustment draft referring to an issued invoice (same park, company and
    month). Its lines may be negative (a credit), and so may its total."""
    with transaction.atomic():
        invoice = invoice_for_update(invoice.pk)
        if invoice.status != S.ISSUED:
            raise transition_refused(
                invoice,
                _("Invoice %(invoice)s is %(status)s: only issued invoices can be adjusted.")
                % {"invoice": invoice, "status": invoice.get_status_display().lower()},
            )
        adjustment = Invoice(
            park_id=invoice.park_id,
            company_id=invoice.company_id,
            month=invoice.month,
            kind=InvoiceKind.ADJUSTMENT,
            replaces=invoice,
        )
        return draft_insert(adjustment, actor=actor)
