"""Background work on django-tasks (the database backend, run by `manage.py db_worker`)."""

from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from chain.importer import partners_sync
from chain.webhooks import deliveries_run, next_due_at, partners_notify


@task()
def notify_partners() -> int:
    """Write the pending pings, then send what is due."""
    partners_notify()
    return deliver_due()


def deliver_due() -> int:
    sent = deliveries_run()
    due = next_due_at()
    # Retries: the next run waits for the earliest backoff (cron's notify_partners is the
    # safety net, and the backend that runs tasks inline cannot defer them).
    if due is not None and default_task_backend.supports_defer:
        deliver_webhooks.using(run_after=max(due, timezone.now())).enqueue()
    return sent


@task()
def deliver_webhooks() -> int:
    return deliver_due()


@task()
def sync_partner(slug: str, full: bool = False) -> list[str]:
    return [result.summary() for result in partners_sync(slug=slug, full=full)]


def enqueue_after_commit(task_to_run, *args) -> None:
    transaction.on_commit(lambda: task_to_run.enqueue(*args))
