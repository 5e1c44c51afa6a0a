"""`manage.py refresh_statuses`: run daily by cron (README, Deploy).

A company becomes `active` on the day its future lease starts (design/domain.md); a lease
that covers today when created already did that in `lease_create`.
"""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from park.services import companies_activate_for_leases_starting


class Command(BaseCommand):
    help = "Activate the companies whose lease starts today (idempotent; run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--catch-up-days",
            type=int,
            default=0,
            help="Also take leases that started this many days ago (after missed runs).",
        )
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="The day (default: today)."
        )

    def handle(self, *args, catch_up_days: int, on: date | None, **options):
        if catch_up_days < 0:
            raise CommandError("--catch-up-days cannot be negative.")
        on = on or timezone.localdate()
        activated = companies_activate_for_leases_starting(
            since=on - timedelta(days=catch_up_days), on=on, actor=None
        )
        if not activated:
            self.stdout.write(f"{on}: no company to activate.")
            return
        self.stdout.write(f"{on}: activated {len(activated)} companies:")
        for company in activated:
            self.stdout.write(f"  {company.legal_name}")
