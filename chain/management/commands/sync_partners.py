"""`manage.py sync_partners [--partner slug] [--full]`: pull partners' directories (hourly).

A progress line on a terminal, a one-line summary per partner, exit status 1 when any
partner failed (its stored cursor is kept, so the next run resumes).
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from chain.importer import partners_sync
from chain.models import Partner


class Command(BaseCommand):
    help = "Pull the directories of active partners into their mirrors."

    def add_arguments(self, parser):
        parser.add_argument("--partner", help="Only this partner (its slug).")
        parser.add_argument(
            "--full", action="store_true", help="Read the whole snapshot again (mark and sweep)."
        )

    def handle(self, *args, **options):
        slug = options["partner"]
        if slug and not Partner.objects.filter(slug=slug, is_active=True).exists():
            raise CommandError(f"No active partner with slug {slug!r}.")
        on_terminal = self.stdout.isatty()

        def progress(result):
            if on_terminal:
                self.stdout.write(
                    f"\r{result.partner}: page {result.pages}, {result.upserted} upserted",
                    ending="",
                )
                self.stdout.flush()

        results = partners_sync(slug=slug, full=options["full"], progress=progress)
        if on_terminal and results:
            self.stdout.write("\r", ending="")
        for result in results:
            (self.stdout if result.ok else self.stderr).write(result.summary())
        if any(not result.ok for result in results):
            sys.exit(1)
