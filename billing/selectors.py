"""Reads of billing: who sees which invoices and payments, overdue, credit, aging, statements,
and the row locks the payment services take."""

from collections.abc import Iterable
from datetime import date

from django.db.models import F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import is_manager
from billing.models import Allocation, Charge, Invoice, InvoiceStatus, Payment
from park.models import Lease
from tenants.models import CompanyMember

AGING_BUCKETS = ("current", "1_30", "31_60", "61_90", "over_90")

# What a representative may see of their company's invoices: never a draft.
REPRESENTATIVE_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.VOID)


def _my_companies(user):
    return CompanyMember.objects.filter(user=user).values("company")


def charges_visible_to(user):
    """Managers read every park's price list; a representative the price lists of the parks
    where their company leases (or leased) units; anyone else none."""
    charges = Charge.objects.order_by("park_id", "code", "pk")
    if user is None or not user.is_authenticated:
        return charges.none()
    if not is_manager(user):
        parks = Lease.objects.filter(company__in=_my_companies(user)).values("unit__park_id")
        charges = charges.filter(park_id__in=parks)
    return charges


def invoices_visible_to(user) -> QuerySet[Invoice]:
    """Managers see every invoice; a representative their companies' issued and void ones
    (never drafts); anyone else none."""
    invoices = Invoice.objects.select_related("series", "company", "park")
    if user is None or not user.is_authenticated:
        return invoices.none()
    if not is_manager(user):
        invoices = invoices.filter(
            company__in=_my_companies(user), status__in=REPRESENTATIVE_STATUSES
        )
    return invoices.order_by("-month", "series_id", "number", "pk")


def payments_visible_to(user) -> QuerySet[Payment]:
    """Managers see every payment; a representative their companies'; anyone else none.
    Allocations come along, with their invoices' series (for `number_display`)."""
    allocations = Allocation.objects.select_related("invoice__series").order_by("created_at", "pk")
    payments = Payment.objects.select_related("company", "park").prefetch_related(
        Prefetch("allocations", queryset=allocations)
    )
    if user is None or not user.is_authenticated:
        return payments.none()
    if not is_manager(user):
        payments = payments.filter(company__in=_my_companies(user))
    return payments.order_by("-received_on", "-created_at", "pk")


def overdue_q(on: date) -> Q:
    """Issued, with a positive balance, after its due date (on `on`)."""
    return Q(status=InvoiceStatus.ISSUED, total_vnd__gt=F("paid_vnd"), due_date__lt=on)


def company_credit_vnd(*, company, park=None) -> int:
    """What the company has paid and no invoice has used yet (in `park`, or in all parks)."""
    payments = Payment.objects.filter(company=company)
    if park is not None:
        payments = payments.filter(park=park)
    return payments.aggregate(credit=Coalesce(Sum("unallocated_vnd"), 0))["credit"]


# -- locks (pk order, invoices before payments: see billing.services.payments) ------------


def invoices_for_update(invoice_ids: Iterable) -> list[Invoice]:
    ids = list(invoice_ids)
    if not ids:
        return []
    return list(Invoice.objects.filter(pk__in=ids).order_by("pk").select_for_update())


def open_invoices_for_update(*, park, company) -> list[Invoice]:
    """The company's issued invoices in `park` with a positive balance, locked."""
    return list(
        Invoice.objects.filter(
            park=park,
            company=company,
            status=InvoiceStatus.ISSUED,
            total_vnd__gt=F("paid_vnd"),
        )
        .order_by("pk")
        .select_for_update()
    )


def credit_payments_for_update(*, park, company) -> list[Payment]:
    """The company's payments in `park` with credit left, locked, oldest received first."""
    locked = list(
        Payment.objects.filter(park=park, company=company, unallocated_vnd__gt=0)
        .order_by("pk")
        .select_for_update()
    )
    return sorted(locked, key=lambda p: (p.received_on, p.created_at, str(p.pk)))


# -- aging ---------------------------------------------------------------------------------


def _bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "1_30"
    if days_past_due <= 60:
        return "31_60"
    if days_past_due <= 90:
        return "61_90"
    return "over_90"


def _empty_buckets() -> dict[str, int]:
    return dict.fromkeys((*AGING_BUCKETS, "total"), 0)


def aging(*, park, on: date) -> dict:
    """What each company owed the park on `on`, by days past due.

    Counts the issued invoices issued on or before `on`, less the allocations of payments
    received on or before it (so a later payment does not make an old arrear vanish). A
    negative balance (an adjustment crediting the buyer) is never past due: it goes to
    `current`. One query, whatever the number of companies.
    """
    paid_by_then = (
        Allocation.objects.filter(invoice=OuterRef("pk"), payment__received_on__lte=on)
        .order_by()
        .values("invoice")
        .annotate(paid=Sum("amount_vnd"))
        .values("paid")
    )
    rows = (
        Invoice.objects.filter(park=park, status=InvoiceStatus.ISSUED, issue_date__lte=on)
        .annotate(
            paid_on=Coalesce(Subquery(paid_by_then, output_field=IntegerField()), 0),
        )
        .values_list("company_id", "company__legal_name", "due_date", "total_vnd", "paid_on")
    )
    totals, companies = _empty_buckets(), {}
    for company_id, company_name, due_date, total_vnd, paid_on in rows:
        balance = total_vnd - paid_on
        if balance == 0:
            continue
        bucket = "current" if balance < 0 else _bucket((on - due_date).days)
        row = companies.get(company_id)
        if row is None:
            row = companies[company_id] = {
                "company": str(company_id),
                "company_name": company_name,
                **_empty_buckets(),
            }
        for figures in (row, totals):
            figures[bucket] += balance
            figures["total"] += balance
    ordered = sorted(companies.values(), key=lambda r: (r["company_name"], r["company"]))
    return {"park": str(park.pk), "on": on.isoformat(), "totals": totals, "companies": ordered}


# -- statement -----------------------------------------------------------------------------


def statement(*, company, start: date, end: date, park=None) -> dict:
    """The company's account from `start` to `end` (both inclusive): issued invoices raise
    the balance, payments lower it (by their whole amount: credit shows as a negative
    balance). Void invoices are left out: voiding moved their payments to credit, and the
    replacement is the invoice that counts. Same-day entries: invoices before payments."""
    invoices = Invoice.objects.filter(company=company, status=InvoiceStatus.ISSUED)
    payments = Payment.objects.filter(company=company)
    if park is not None:
        invoices, payments = invoices.filter(park=park), payments.filter(park=park)
    invoiced_before = invoices.filter(issue_date__lt=start).aggregate(
        total=Coalesce(Sum("total_vnd"), 0)
    )["total"]
    paid_before = payments.filter(received_on__lt=start).aggregate(
        total=Coalesce(Sum("amount_vnd"), 0)
    )["total"]
    opening = invoiced_before - paid_before
    entries = [
        (
            (invoice.issue_date, 0, invoice.number or 0, invoice.created_at),
            {
                "date": invoice.issue_date.isoformat(),
                "kind": "invoice",
                "id": str(invoice.pk),
                "number_display": invoice.number_display,
                "amount_vnd": invoice.total_vnd,
            },
        )
        for invoice in invoices.filter(issue_date__gte=start, issue_date__lte=end).select_related(
            "series"
        )
    ]
    entries += [
        (
            (payment.received_on, 1, 0, payment.created_at),
            {
                "date": payment.received_on.isoformat(),
                "kind": "payment",
                "id": str(payment.pk),
                "number_display": payment.reference,
                "amount_vnd": -payment.amount_vnd,
            },
        )
        for payment in payments.filter(received_on__gte=start, received_on__lte=end)
    ]
    entries.sort(key=lambda entry: entry[0])
    balance, rows = opening, []
    for _key, entry in entries:
        balance += entry["amount_vnd"]
        rows.append({**entry, "balance_vnd": balance})
    return {
        "company": str(company.pk),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "opening_balance_vnd": opening,
        "entries": rows,
        "closing_balance_vnd": balance,
        "credit_vnd": company_credit_vnd(company=company, park=park),
    }
