"""`manage.py compact_directory` (daily): keep only the latest change per company among those
older than DIRECTORY_RETENTION_DAYS; older cursors then get 410 and resync."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from tenants.directory import directory_compact


class Command(BaseCommand):
    help = "Compact the directory feed beyond the retention horizon."

    def handle(self, *args, **options):
        before = timezone.now() - timedelta(days=settings.DIRECTORY_RETENTION_DAYS)
        removed = directory_compact(before=before)
        self.stdout.write(f"{removed} superseded changes older than {before:%Y-%m-%d} removed.")
