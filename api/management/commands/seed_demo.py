"""Load the demo park: idempotent, so `make run` runs it every time.

It makes admin@softpark.local a superuser with a password printed in the README, so it runs
only with DEBUG (as `make run` sets it); `--force` runs it anyway, e.g. on a staging copy.

It lives in `api` because `api` is the one app allowed to import every domain app; each app
keeps its own demo data in its `demo.py`.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PEOPLE, DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD, seed_accounts
from billing.demo import seed_billing
from bookings.demo import seed_bookings
from chain.demo import seed_chain
from incubator.demo import seed_incubator
from park.demo import seed_park
from tenants.demo import DEMO_REPRESENTATIVE, seed_tenants


class Command(BaseCommand):
    help = "Load demo data (idempotent) and make sure the development admin exists."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run without DEBUG too (never on a production database).",
        )

    def handle(self, *args, force=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                f"seed_demo loads demo data and makes {DEV_ADMIN_EMAIL} a superuser with a "
                "published password, so it runs only with DEBUG=1. Pass --force to run it "
                "anyway (never on a production database)."
            )
        admin = seed_accounts()
        seed_tenants(admin)
        seed_park(admin)  # after the tenants: it leases units to them
        seed_bookings(admin)  # after the park: its tenants book its two bookable rooms
        seed_chain(admin)  # after the others: it joins the home park to the chain
        seed_incubator(admin)  # after the park: incubatees get desks in its coworking pool
        seed_billing(admin)  # last: the past months' invoices come from the leases above
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Admin login:  {DEV_ADMIN_EMAIL} / {DEV_ADMIN_PASSWORD}")
        for email, _name, roles, password in DEMO_PEOPLE:
            self.stdout.write(f"  {', '.join(roles) or 'applicant'}: {email} / {password}")
        email, _name, password = DEMO_REPRESENTATIVE
        self.stdout.write(f"  representative: {email} / {password}")
