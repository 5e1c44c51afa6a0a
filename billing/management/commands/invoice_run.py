"""`manage.py invoice_run --park SLUG --month 2027-01 [--dry-run]`: a park's month of drafts.

The accountant's monthly step (README): it makes or refreshes one draft invoice per company
billed in the month and prints the run's summary; `-v 2` adds a line per company.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.money import parse_month
from billing.services.runs import invoice_run
from park.models import Park

OUTCOMES = {
    "created": gettext_lazy("created"),
    "refreshed": gettext_lazy("refreshed"),
    "unchanged": gettext_lazy("unchanged"),
    "skipped_issued": gettext_lazy("skipped (issued)"),
}


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Make or refresh the draft invoices of a park for a month (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--park", required=True, help="The park's slug.")
        parser.add_argument("--month", required=True, help="The month billed, as 2027-01.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what the run would do and write nothing.",
        )

    def handle(self, *args, park: str, month: str, dry_run: bool, verbosity: int, **options):
        try:
            the_park = Park.objects.get(slug=park)
        except Park.DoesNotExist:
            raise CommandError(_("No park has the slug %(slug)s.") % {"slug": park}) from None
        first_day = parse_month(month)
        if first_day is None:
            raise CommandError(
                _("%(month)s is not a month: write it as 2027-01.") % {"month": month}
            )
        summary = invoice_run(park=the_park, month=first_day, dry_run=dry_run, actor=None)
        title = _("Invoice run for %(park)s, %(month)s") % {
            "park": the_park.name,
            "month": f"{first_day:%Y-%m}",
        }
        if dry_run:
            title += " " + _("(dry run: nothing written)")
        self.stdout.write(title)
        if verbosity >= 2:
            self.stdout.write(
                f"  {_('company'):<50} {_('outcome'):<17} {_('lines'):>5} {_('subtotal'):>15} "
                f"{_('VAT'):>13} {_('total'):>15}"
            )
            for row in summary.rows:
                self.stdout.write(
                    f"  {row.company_name[:50]:<50} {OUTCOMES[row.outcome]!s:<17} "
                    f"{row.lines:>5} {_vnd(row.subtotal_vnd):>15} {_vnd(row.vat_vnd):>13} "
                    f"{_vnd(row.total_vnd):>15}"
                )
        self.stdout.write(
            _(
                "created %(created)s, refreshed %(refreshed)s, unchanged %(unchanged)s, "
                "skipped (issued) %(skipped_issued)s; %(companies)s drafts, "
                "total %(total)s VND"
            )
            % {**summary.as_dict(), "total": _vnd(summary.total_vnd)}
        )
