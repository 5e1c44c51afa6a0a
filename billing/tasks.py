"""Billing's background work on django-tasks (the database backend, run by `manage.py
db_worker`): the emails of issued invoices, queued after the issuing commit."""

from django_tasks import task

from billing.mail import invoices_email, reminders_send


@task()
def email_issued_invoices(invoice_ids: list[str]) -> int:
    """Email each invoice's PDF to its company's billing contacts; the number emailed."""
    return invoices_email(invoice_ids)


@task()
def remind_overdue() -> int:
    """The daily overdue reminders, for a scheduler that runs tasks rather than commands."""
    return reminders_send()
