"""`manage.py remind_overdue [--on 2027-03-01]` (daily cron): email each company with overdue
invoices one reminder listing them, at most once per 7 days (billing.Reminder rows)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from billing.mail import reminders_send


class Command(BaseCommand):
    help = "Email the overdue reminders (each company at most once per 7 days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--on", help="The day to count overdue invoices on, as 2027-03-01 (default: today)."
        )

    def handle(self, *args, on: str | None, **options):
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError as error:
            raise CommandError(_("--on must be a date such as 2027-03-01.")) from error
        sent = reminders_send(on=day)
        self.stdout.write(_("%(count)d overdue reminders sent.") % {"count": sent})
