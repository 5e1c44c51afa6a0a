"""`manage.py import_rows RESOURCE FILE [--commit] [--sheet NAME] [--park SLUG] [--user EMAIL]`.

Checks a spreadsheet (CSV or XLSX) as one of the resources (units, companies, contacts,
leases, usage, payments) and, with `--commit`, writes all of it or nothing. It runs here,
however many rows the file has, with a progress bar on stderr, then prints the report: a
summary line and each error as `row N, column: code: message`. Exits 1 when a row has an
error or the file is refused, 0 otherwise.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.errors import DomainError
from imports.report import Report
from imports.resources import RESOURCES
from imports.services import import_file
from park.models import Park

BAR_WIDTH = 30


class ProgressBar:
    """`[######........] 1500/4000 rows` on one line of `stream`, redrawn as rows are read."""

    def __init__(self, stream):
        self.stream = stream
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} " + _("rows"), ending="")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Check a CSV or XLSX file as units, companies, contacts, leases, usage or payments; "
        "with --commit, write all of it or nothing. Exits 1 when a row has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=RESOURCES, help="What the file holds.")
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument(
            "--commit",
            action="store_true",
            help="Write the rows (all or none); without it, a dry run that writes nothing.",
        )
        parser.add_argument("--sheet", help="The XLSX sheet to read (default: the first).")
        parser.add_argument("--park", help="The park's slug (required for usage and payments).")
        parser.add_argument("--user", help="The account (email) the history names as the importer.")

    def handle(self, *args, resource: str, file: str, commit: bool, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        park = self._park(options.get("park"))
        actor = self._user(options.get("user"))
        bar = ProgressBar(self.stderr)
        try:
            _record, report = import_file(
                resource=resource,
                data=data,
                file_name=path.name,
                commit=commit,
                sheet=options.get("sheet"),
                park=park,
                actor=actor,
                run_now=True,
                progress=bar,
            )
        except DomainError as error:
            bar.close()
            raise CommandError(
                _("%(file)s is refused (%(code)s): %(detail)s")
                % {"file": path.name, "code": error.code, "detail": error.detail}
            ) from None
        bar.close()
        self._print(report, commit=commit)
        if report.errors:
            sys.exit(1)

    def _park(self, slug: str | None) -> Park | None:
        if not slug:
            return None
        try:
            return Park.objects.get(slug=slug)
        except Park.DoesNotExist:
            raise CommandError(_("No park has the slug %(slug)s.") % {"slug": slug}) from None

    def _user(self, username: str | None):
        if not username:
            return None
        User = get_user_model()
        try:
            return User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(_("No account %(username)s.") % {"username": username}) from None

    def _print(self, report: Report, *, commit: bool) -> None:
        body = report.as_dict()
        summary = _(
            "%(resource)s: %(rows)s rows, %(new)s new, %(updated)s updated, "
            "%(unchanged)s unchanged, %(skipped)s skipped, %(errors)s errors"
        ) % {**body, "errors": len(report.errors)}
        if report.unmatched is not None:
            summary += ", " + _("%(count)s unmatched") % {"count": len(report.unmatched)}
        if report.committed:
            summary += "; " + _("committed.")
        elif commit:
            summary += "; " + _("nothing written: fix the errors and import again.")
        else:
            summary += "; " + _("dry run: nothing written.")
        self.stdout.write(summary)
        for error in report.errors:
            where = _("row %(row)s") % {"row": error.row} if error.row is not None else _("file")
            if error.column:
                where += f", {error.column}"
            self.stdout.write(f"{where}: {error.code}: {error.message}")
        if report.unmatched:
            self.stdout.write(
                _("Rows matching no company (not imported): %(rows)s")
                % {"rows": ", ".join(str(row) for row in report.unmatched)}
            )
