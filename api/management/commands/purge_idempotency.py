from django.core.management.base import BaseCommand

from api.base import idempotency


class Command(BaseCommand):
    help = "Forget Idempotency-Key records older than 24 hours (run daily from cron)."

    def handle(self, *args, **options):
        removed = idempotency.purge_expired()
        self.stdout.write(f"Removed {removed} expired idempotency record(s).")
