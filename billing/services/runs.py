"""The invoice run: a park's month of drafts from leases, usage and meeting-room overage.

One draft per company billed in the month (billing.md, "Invoice run"): a `rent` line per
lease covering any day of it (prorated by day), a `management_fee` line per lease when the park
charges one, a `usage` line per metered usage row, and meeting-room overage (issue #15). The
run only ever writes `normal` drafts: a company whose month already has an issued or void
invoice, or a replacement, is skipped and counted.

It reads everything in a constant number of queries and writes with bulk statements, so a
park of thousands of leases drafts its month in one transaction (bench S6). Who is billed and
their generated lines are read by `billing.services.run_sources`, and what each lease, usage
row and room's overage bills (the lines and their figures) is `billing.services.run_lines`;
this module locks, compares with the drafts already there, writes and retries.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import (
    IntegrityError,
    transaction,
)
from django.db.models import Count, F
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from billing.models import (
    GENERATED_LINE_KINDS,
    BillingSettings,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
)
from billing.money import (
    INVALID_MONTH,
    parse_month,
)
from billing.services.lines import invoice_totals_set, totals_of
from billing.services.run_sources import BilledCompany, billed_companies
from core.errors import DomainError
from core.transactions import is_retryable, retrying
from park.models import Park
from tenants.models import Company

# Lines are written in the language of the invoice, Vietnamese (Circular 78's THHDVu), whoever
# starts the run: a run by an English-speaking manager must not rewrite every description (and
# so never find a draft `unchanged`).
INVOICE_LANGUAGE = "vi"

# A run may meet a draft made at the same moment by `invoice_create` (the constraint
# invoice_one_per_company_month refuses the second insert) or, on PostgreSQL, a deadlock with
# an issuer locking the same drafts: the whole run then starts again from scratch and finds
# the other's invoice.
_ONE_PER_MONTH = ("invoice_one_per_company_month", "billing_invoice.park_id")

# Manual lines move after the generated ones in two steps, through positions above any real
# one, so the unique (invoice, position) never sees two lines on one position mid-update.
_PARKING_OFFSET = 1_000_000


@dataclass
class RunRow:
    """One company in a run's preview."""

    company_id: str
    company_name: str
    outcome: str  # "created" | "refreshed" | "unchanged" | "skipped_issued"
    subtotal_vnd: int
    vat_vnd: int
    total_vnd: int
    lines: int
    invoice_id: str | None = None


@dataclass
class RunSummary:
    created: int = 0
    refreshed: int = 0
    unchanged: int = 0
    skipped_issued: int = 0
    companies: int = 0
    total_vnd: int = 0
    rows: list[RunRow] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        """The API's answer (billing's six counts, no rows)."""
        return {
            "created": self.created,
            "refreshed": self.refreshed,
            "unchanged": self.unchanged,
            "skipped_issued": self.skipped_issued,
            "companies": self.companies,
            "total_vnd": self.total_vnd,
        }


def invoice_run(*, park, month: date | str, dry_run: bool = False, actor=None) -> RunSummary:
    """Make or refresh one draft per company billed in `month` (its first day, or `2027-01`).

    Refreshing replaces a draft's generated lines and keeps its manual ones (after them); a
    draft whose lines and totals would not change is left alone (`unchanged`: no write, no
    version). A dry run answers the same summary and writes nothing.
    """
    first_day = parse_month(month)
    if first_day is None:
        raise DomainError(str(INVALID_MONTH), field="month")
    if dry_run:
        return _run(park=park, month=first_day, actor=actor, write=False)

    def attempt() -> RunSummary:
        with transaction.atomic():
            return _run(park=park, month=first_day, actor=actor, write=True)

    return retrying(attempt, retry_if=_retryable)


def _retryable(error: Exception) -> bool:
    if isinstance(error, IntegrityError):
        return any(name in str(error) for name in _ONE_PER_MONTH)
    return is_retryable(error)


# --- the run -------------------------------------------------------------------------------


def _same(old: InvoiceLine, new: InvoiceLine) -> bool:
    """Two lines that would print and sum the same (ids and invoice aside)."""
    names = (
        "position",
        "kind",
        "description",
        "lease_id",
        "charge_id",
        "usage_id",
        "quantity",
        "unit_of_measure",
        "unit_price_vnd",
        "amount_vnd",
        "vat_rate",
        "vat_vnd",
    )
    return all(getattr(old, name) == getattr(new, name) for name in names)


def _run(*, park, month: date, actor, write: bool) -> RunSummary:
    if write:
        # Runs of one park queue here (NO KEY: inserts referring to the park don't wait).
        list(Park.objects.filter(pk=park.pk).select_for_update(no_key=True).values_list("pk"))
    settings = BillingSettings.objects.filter(park=park).first() or BillingSettings(park=park)
    with translation.override(INVOICE_LANGUAGE):
        billed = billed_companies(park=park, month=month, settings=settings)

    existing = Invoice.objects.filter(
        park=park, month=month, kind__in=[InvoiceKind.NORMAL, InvoiceKind.REPLACEMENT]
    ).order_by("pk")
    if write:  # an issuer waits for the refresh, or the run sees the invoice issued
        existing = existing.select_for_update()
    drafts: dict[uuid.UUID, Invoice] = {}
    billed_already: dict[uuid.UUID, Invoice] = {}
    for invoice in existing:
        is_normal_draft = (
            invoice.kind == InvoiceKind.NORMAL and invoice.status == InvoiceStatus.DRAFT
        )
        if is_normal_draft:
            drafts[invoice.company_id] = invoice
        elif invoice.status != InvoiceStatus.VOID or invoice.company_id not in billed_already:
            billed_already[invoice.company_id] = invoice  # a live one wins over a void one
    for company_id in drafts:
        billed_already.pop(company_id, None)  # the month's live invoice is this draft

    old_lines: dict[uuid.UUID, list[InvoiceLine]] = defaultdict(list)
    if drafts:
        for line in InvoiceLine.objects.filter(
            invoice__park=park,
            invoice__month=month,
            invoice__kind=InvoiceKind.NORMAL,
            invoice__status=InvoiceStatus.DRAFT,
        ).order_by("invoice_id", "position"):
            old_lines[line.invoice_id].append(line)

    # Companies with a draft but nothing billed any more: their generated lines go.
    missing = [company_id for company_id in drafts if company_id not in billed]
    missing += [company_id for company_id in billed_already if company_id not in billed]
    if missing:
        for company_id, name in Company.objects.filter(pk__in=missing).values_list(
            "pk", "legal_name"
        ):
            billed[company_id] = BilledCompany(company_id, name)

    summary = RunSummary()
    created: list[Invoice] = []
    refreshed: list[Invoice] = []
    new_lines: list[InvoiceLine] = []
    stale_line_ids: list[uuid.UUID] = []
    moved_manual: list[InvoiceLine] = []
    skipped_rows: list[tuple[RunRow, uuid.UUID]] = []

    for company in sorted(billed.values(), key=lambda c: (c.company_name, str(c.company_id))):
        if company.company_id in billed_already:
            invoice = billed_already[company.company_id]
            row = RunRow(
                company_id=str(company.company_id),
                company_name=company.company_name,
                outcome="skipped_issued",
                subtotal_vnd=invoice.subtotal_vnd,
                vat_vnd=invoice.vat_vnd,
                total_vnd=invoice.total_vnd,
                lines=0,
                invoice_id=str(invoice.pk),
            )
            skipped_rows.append((row, invoice.pk))
            summary.rows.append(row)
            summary.skipped_issued += 1
            continue
        generated = company.lines
        draft = drafts.get(company.company_id)
        if draft is None:
            invoice = Invoice(park=park, company_id=company.company_id, month=month)
            for line in generated:
                line.invoice = invoice
            invoice_totals_set(invoice, generated)
            created.append(invoice)
            new_lines.extend(generated)
            outcome, lines = "created", generated
            summary.created += 1
        else:
            invoice = draft
            before = old_lines[draft.pk]
            old_generated = [line for line in before if line.kind in GENERATED_LINE_KINDS]
            manual = [line for line in before if line.kind not in GENERATED_LINE_KINDS]
            moves = [
                (line, position)
                for position, line in enumerate(manual, start=len(generated) + 1)
                if line.position != position
            ]
            lines = generated + manual
            same_lines = len(old_generated) == len(generated) and all(
                _same(old, new) for old, new in zip(old_generated, generated, strict=True)
            )
            if same_lines and not moves and totals_of(lines) == _totals(draft):
                outcome = "unchanged"
                summary.unchanged += 1
            else:
                for line in generated:
                    line.invoice = invoice
                for line, position in moves:
                    line.position = position
                    moved_manual.append(line)
                stale_line_ids.extend(line.pk for line in old_generated)
                new_lines.extend(generated)
                invoice_totals_set(invoice, lines)
                refreshed.append(invoice)
                outcome = "refreshed"
                summary.refreshed += 1
        summary.companies += 1
        summary.total_vnd += invoice.total_vnd
        summary.rows.append(
            RunRow(
                company_id=str(company.company_id),
                company_name=company.company_name,
                outcome=outcome,
                subtotal_vnd=invoice.subtotal_vnd,
                vat_vnd=invoice.vat_vnd,
                total_vnd=invoice.total_vnd,
                lines=len(lines),
                invoice_id=str(invoice.pk) if (write or outcome != "created") else None,
            )
        )

    if skipped_rows:
        _count_lines([row for row, _pk in skipped_rows], [pk for _row, pk in skipped_rows])
    if write:
        _write(
            created=created,
            refreshed=refreshed,
            new_lines=new_lines,
            stale_line_ids=stale_line_ids,
            moved_manual=moved_manual,
            actor=actor,
        )
    return summary


def _totals(invoice: Invoice) -> tuple[int, int, int]:
    return invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd


def _count_lines(rows: list[RunRow], invoice_ids: list[uuid.UUID]) -> None:
    counts = dict(
        InvoiceLine.objects.filter(invoice_id__in=invoice_ids)
        .values("invoice_id")
        .annotate(n=Count("id"))
        .values_list("invoice_id", "n")
    )
    for row, invoice_id in zip(rows, invoice_ids, strict=True):
        row.lines = counts.get(invoice_id, 0)


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write(
    *,
    created: list[Invoice],
    refreshed: list[Invoice],
    new_lines: list[InvoiceLine],
    stale_line_ids: list[uuid.UUID],
    moved_manual: list[InvoiceLine],
    actor,
) -> None:
    """The run's writes, in bulk: new drafts (with their history rows), the refreshed drafts'
    generated lines replaced, manual lines moved after them, totals and versions."""
    if created:
        for chunk in _chunks(created):
            bulk_create_with_history(chunk, Invoice, default_user=actor, batch_size=500)
    for ids in _chunks(stale_line_ids):
        InvoiceLine.objects.filter(pk__in=ids).delete()
    if moved_manual:
        final = {line.pk: line.position for line in moved_manual}
        for line in moved_manual:
            line.position += _PARKING_OFFSET
        InvoiceLine.objects.bulk_update(moved_manual, ["position"])
        for ids in _chunks(list(final)):
            InvoiceLine.objects.filter(pk__in=ids).update(position=F("position") - _PARKING_OFFSET)
        for line in moved_manual:
            line.position = final[line.pk]
    if new_lines:
        InvoiceLine.objects.bulk_create(new_lines, batch_size=500)
    if refreshed:
        now = timezone.now()
        for invoice in refreshed:
            invoice.version += 1  # the row is ours (locked above): ETags see the change
            invoice.updated_at = now
        bulk_update_with_history(
            refreshed,
            Invoice,
            ["subtotal_vnd", "vat_vnd", "total_vnd", "version", "updated_at"],
            default_user=actor,
        )
