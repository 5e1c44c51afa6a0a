from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.services import tokens_purge_expired


class Command(BaseCommand):
    help = "Delete expired API tokens (run daily from cron; expired ones never authenticate)."

    def handle(self, *args, **options):
        removed = tokens_purge_expired(now=timezone.now())
        self.stdout.write(f"Removed {removed} expired token(s).")
