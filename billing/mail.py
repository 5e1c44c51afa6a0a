"""Emails of billing: each issued invoice's PDF to the company's billing contacts, and the
overdue reminders of `manage.py remind_overdue`.

Both go in the company's language. A company has no language of its own: it is the one most
of its representatives' accounts use (Vietnamese on a tie, and when it has none), since they
are the people who read the park's emails for it. Recipients are the contacts marked
`is_billing`, else the primary contact; a company with neither (or no email on them) gets
nothing, and that is logged.

Issuing queues its emails with `transaction.on_commit`: a rolled-back issue sends nothing,
and a mail server that fails cannot undo committed invoices (the failure is logged and the
invoice keeps `emailed_at` empty, so it can be sent again).
"""

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import partial

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Language
from billing.documents.pdf import invoice_pdf
from billing.documents.words import amount_in_words
from billing.models import Invoice, InvoiceStatus, Reminder
from tenants.models import Company, CompanyMember
from tenants.selectors import company_for_update

logger = logging.getLogger("softpark.billing")

REMINDER_INTERVAL_DAYS = 7  # billing.md: each overdue company at most once per 7 days


def company_language(company: Company) -> str:
    """The language most of the company's representatives use; Vietnamese on a tie or none."""
    languages = Counter(
        CompanyMember.objects.filter(company=company, user__is_active=True).values_list(
            "user__language", flat=True
        )
    )
    return Language.EN if languages[Language.EN] > languages[Language.VI] else Language.VI


def billing_recipients(company: Company) -> list[str]:
    """The emails of the contacts marked `is_billing`, else of the primary contact."""
    contacts = list(company.contacts.exclude(email="").order_by("name", "pk"))
    chosen = [contact for contact in contacts if contact.is_billing] or [
        contact for contact in contacts if contact.is_primary
    ]
    return list(dict.fromkeys(contact.email for contact in chosen))  # once each, in order


def money(amount: int, language: str) -> str:
    """1234567 as "1.234.567 VND" in Vietnamese, "1,234,567 VND" in English."""
    grouped = f"{amount:,}"
    return f"{grouped.replace(',', '.') if language == Language.VI else grouped} VND"


def day(value: date | None, language: str) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y" if language == Language.VI else "%Y-%m-%d")


def _render(name: str, language: str, context: dict) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"billing/email/{language}/{name}_subject.txt", context)
        body = render_to_string(f"billing/email/{language}/{name}_body.txt", context)
    return " ".join(subject.split()), body


# --- invoices issued ---------------------------------------------------------------------------


def invoices_issued_notify(invoice_ids: Iterable) -> None:
    """Called by the issuing service after commit: queue the emails of these invoices.

    It defers to the commit itself too, so a call inside the issuing transaction also sends
    nothing until (and unless) that transaction commits."""
    from billing.tasks import email_issued_invoices  # the task module imports this one

    ids = [str(invoice_id) for invoice_id in invoice_ids]
    if ids:
        transaction.on_commit(partial(email_issued_invoices.enqueue, ids))


def invoices_email(invoice_ids: Iterable) -> int:
    """Email each issued invoice of `invoice_ids` not emailed yet; the number emailed."""
    invoices = (
        Invoice.objects.filter(
            pk__in=list(invoice_ids), status=InvoiceStatus.ISSUED, emailed_at__isnull=True
        )
        .select_related("park__billing_settings", "company", "series", "replaces__series")
        .order_by("series", "number")
    )
    sent = 0
    for invoice in invoices:
        try:
            sent += invoice_email(invoice)
        except Exception:  # the invoice is issued all the same; it can be sent again
            logger.exception("Could not email invoice %s", invoice.pk)
    return sent


def invoice_email(invoice: Invoice) -> bool:
    """Send one invoice's PDF to its company's billing contacts and set `emailed_at`."""
    recipients = billing_recipients(invoice.company)
    if not recipients:
        logger.warning(
            "Invoice %s not emailed: company %s has no billing or primary contact with an email",
            invoice.number_display,
            invoice.company_id,
        )
        return False
    language = company_language(invoice.company)
    seller = invoice.park.billing_settings
    context = {
        "invoice": invoice,
        "company": invoice.company,
        "seller": seller,
        "number": invoice.number_display,
        "month": invoice.month.strftime("%m/%Y"),
        "total": money(invoice.total_vnd, language),
        "total_in_words": amount_in_words(invoice.total_vnd),
        "issue_date": day(invoice.issue_date, language),
        "due_date": day(invoice.due_date, language),
    }
    subject, body = _render("invoice_issued", language, context)
    message = EmailMessage(subject, body, None, recipients)
    message.attach(f"{invoice.number_display}.pdf", invoice_pdf(invoice), "application/pdf")
    message.send()
    Invoice.objects.filter(pk=invoice.pk).update(emailed_at=timezone.now())
    return True


# --- overdue reminders -------------------------------------------------------------------------


def overdue_invoices(*, on: date):
    """Issued invoices with a positive balance after their due date, as of `on`."""
    return (
        Invoice.objects.filter(
            status=InvoiceStatus.ISSUED, due_date__lt=on, total_vnd__gt=F("paid_vnd")
        )
        .select_related("park__billing_settings", "company", "series")
        .order_by("park", "company", "due_date", "series", "number")
    )


def reminders_send(*, on: date | None = None) -> int:
    """Email each company with overdue invoices in a park one reminder listing them, unless
    it had one in the last 7 days (counted in days up to `on`, default today). Running it
    twice sends nothing the second time. Returns the number of reminders sent."""
    now = timezone.now()
    if on is None:
        on, sent_at = timezone.localdate(now), now
    else:  # a reminder "sent on" `on`, so the 7-day rule counts from that day
        sent_at = timezone.make_aware(datetime.combine(on, timezone.localtime(now).time()))
    by_company: dict[tuple, list[Invoice]] = {}
    for invoice in overdue_invoices(on=on):
        by_company.setdefault((invoice.park_id, invoice.company_id), []).append(invoice)
    sent = 0
    for invoices in by_company.values():
        try:
            sent += _reminder_send(invoices, on=on, sent_at=sent_at)
        except Exception:  # one company's mail failure does not stop the others
            logger.exception(
                "Could not send the overdue reminder of company %s", invoices[0].company_id
            )
    return sent


def _reminder_send(invoices: list[Invoice], *, on: date, sent_at: datetime) -> bool:
    park, company = invoices[0].park, invoices[0].company
    since = on - timedelta(days=REMINDER_INTERVAL_DAYS - 1)
    with transaction.atomic():
        # The company's row lock makes two runs at once queue here: the second sees the first
        # one's reminder and sends nothing.
        company_for_update(company.pk)
        recent = Reminder.objects.filter(park=park, company=company, sent_at__date__gte=since)
        if recent.exists():
            return False
        recipients = billing_recipients(company)
        if not recipients:
            logger.warning(
                "No overdue reminder for company %s: no billing or primary contact with an email",
                company.pk,
            )
            return False
        language = company_language(company)
        overdue_vnd = sum(invoice.balance_vnd for invoice in invoices)
        context = {
            "company": company,
            "seller": park.billing_settings,
            "on": day(on, language),
            "overdue": money(overdue_vnd, language),
            "invoices": [
                {
                    "number": invoice.number_display,
                    "issue_date": day(invoice.issue_date, language),
                    "due_date": day(invoice.due_date, language),
                    "days_late": (on - invoice.due_date).days,
                    "total": money(invoice.total_vnd, language),
                    "balance": money(invoice.balance_vnd, language),
                }
                for invoice in invoices
            ],
        }
        subject, body = _render("overdue_reminder", language, context)
        # Sent inside the transaction: a failed send records no reminder, so the next run
        # tries again rather than waiting a week.
        EmailMessage(subject, body, None, recipients).send()
        Reminder.objects.create(
            park=park,
            company=company,
            sent_at=sent_at,
            overdue_vnd=overdue_vnd,
            recipients=", ".join(recipients)[:1000],
        )
    return True
