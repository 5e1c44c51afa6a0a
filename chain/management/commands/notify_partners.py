"""`manage.py notify_partners` (every minute): write pending pings and send the due ones.

The same work as the task queued after each change, so a crash between a commit and its
signal only delays a ping.
"""

from django.core.management.base import BaseCommand

from chain.webhooks import deliveries_run, partners_notify


class Command(BaseCommand):
    help = "Ping partners whose view of our directory is behind, and retry due deliveries."

    def handle(self, *args, **options):
        created = partners_notify()
        sent = deliveries_run()
        self.stdout.write(f"{len(created)} pings queued, {sent} deliveries attempted.")
