"""The one signal receiver STYLE.md allows: a committed directory change queues the notifier."""

import logging

from chain.models import Partner

logger = logging.getLogger("softpark.chain")


def on_directory_changed(sender, seq: int, **kwargs) -> None:
    from chain.tasks import notify_partners

    listening = Partner.objects.filter(is_active=True, webhook_disabled_at=None).exclude(
        webhook_url=""
    )
    if not listening.exists():
        return
    try:
        notify_partners.enqueue()
    except Exception:  # the change is committed; cron's notify_partners catches up
        logger.exception("Could not queue the partner notifier after seq %s", seq)
