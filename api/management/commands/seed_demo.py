"""Load the demo park: idempotent, so `make run` runs it every time.

It lives in `api` because `api` is the one app allowed to import every domain app; each app
keeps its own demo data in its `demo.py`.
"""

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PEOPLE, DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD, seed_accounts
from chain.demo import seed_chain
from incubator.demo import seed_incubator
from park.demo import seed_park
from tenants.demo import DEMO_REPRESENTATIVE, seed_tenants


class Command(BaseCommand):
    help = "Load demo data (idempotent) and make sure the development admin exists."

    def handle(self, *args, **options):
        admin = seed_accounts()
        seed_tenants(admin)
        seed_park(admin)  # after the tenants: it leases units to them
        seed_chain(admin)  # after the others: it joins the home park to the chain
        seed_incubator(admin)  # after the park: incubatees get desks in its coworking pool
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Admin login:  {DEV_ADMIN_EMAIL} / {DEV_ADMIN_PASSWORD}")
        for email, _name, roles, password in DEMO_PEOPLE:
            self.stdout.write(f"  {', '.join(roles) or 'applicant'}: {email} / {password}")
        email, _name, password = DEMO_REPRESENTATIVE
        self.stdout.write(f"  representative: {email} / {password}")
