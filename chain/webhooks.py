"""Webhooks both ways, Standard Webhooks style (design/sync.md, "Push: webhooks").

Out: the notifier writes one `WebhookDelivery` per partner whose told `seq` is behind; any
number of workers claim due rows with `select_for_update(skip_locked=True)`, so each row is
sent by one of them; failures are retried with exponential backoff and jitter for 3 days; a
410 disables the endpoint; every attempt is recorded.

In: the signature is checked in constant time against each active secret, the timestamp
both ways (5 minutes), a `webhook-id` seen in the last 7 days is ignored; an accepted ping
queues a pull. A ping only says "pull now": the feed is the source of truth.
"""

import base64
import hashlib
import hmac
import json
import random
import time
import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from chain.exceptions import UnsafeUrl, WebhookRejected
from chain.models import (
    DeliveryStatus,
    InboundWebhook,
    Partner,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSecret,
)
from chain.net import NetworkError, check_url, request
from chain.services import secret_bytes
from tenants.directory import latest_seq

TOLERANCE = timedelta(minutes=5)
TIMESTAMP_MAX_DIGITS = 12  # Unix seconds keep 10 digits until the year 2286
REPLAY_WINDOW = timedelta(days=7)
GIVE_UP_AFTER = timedelta(days=3)
CLAIM_LEASE = timedelta(minutes=2)  # a claimed row comes back if its worker dies mid-send
FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS = 5, 6 * 3600
EVENT_TYPE = "directory.changed"


# --- signatures -----------------------------------------------------------------------------


def signature(key: bytes, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(keys: list[bytes], webhook_id: str, timestamp: int, body: bytes) -> dict:
    """The three Standard Webhooks headers; one signature per active secret while rotating."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(k, webhook_id, timestamp, body) for k in keys),
        "Content-Type": "application/json",
    }


def verify(*, keys: list[bytes], headers, body: bytes, now: datetime) -> str:
    """The `webhook-id` of a genuine, fresh ping; WebhookRejected otherwise."""
    webhook_id = headers.get("webhook-id") or ""
    timestamp = headers.get("webhook-timestamp") or ""
    signatures = (headers.get("webhook-signature") or "").split()
    # ASCII digits only: str.isdigit() also takes "²" and other digits int() refuses.
    if not webhook_id or not (timestamp.isascii() and timestamp.isdigit()) or not signatures:
        raise WebhookRejected("Missing or malformed webhook headers.")
    # Compared as seconds, never turned into a datetime (20 nines overflow one), and a number
    # of more digits than any instant near now is stale or future without being parsed.
    if (
        len(timestamp) > TIMESTAMP_MAX_DIGITS
        or abs(int(timestamp) - now.timestamp()) > TOLERANCE.total_seconds()
    ):  # stale, or from the future
        raise WebhookRejected("The webhook timestamp is outside the 5-minute tolerance.")
    expected = [signature(key, webhook_id, int(timestamp), body) for key in keys]
    # Every pair is compared (no early exit), each in constant time.
    matched = False
    for given in signatures:
        for wanted in expected:
            matched |= hmac.compare_digest(given.encode(), wanted.encode())
    if not matched:
        raise WebhookRejected("No signature matches an active secret.")
    return webhook_id


def active_keys(partner: Partner) -> list[bytes]:
    secrets = WebhookSecret.objects.filter(partner=partner, retired_at=None).order_by(
        "-created_at", "-pk"
    )
    return [secret_bytes(secret) for secret in secrets]


# --- out: the notifier and the delivery worker ---------------------------------------------


def partners_notify(*, now: datetime | None = None) -> list[WebhookDelivery]:
    """One pending delivery per partner whose told seq is behind the feed."""
    now = now or timezone.now()
    latest = latest_seq()
    created = []
    with transaction.atomic():
        # Locked, so two notifiers at once write one row per partner; the WHERE is checked
        # again after the lock, so the second one finds nothing left to tell.
        behind = (
            Partner.objects.select_for_update()
            .filter(is_active=True, webhook_disabled_at=None, told_seq__lt=latest)
            .exclude(webhook_url="")
            .order_by("pk")
        )
        for partner in behind:
            created.append(
                WebhookDelivery.objects.create(
                    partner=partner,
                    webhook_id=f"msg_{uuid.uuid4().hex}",
                    seq=latest,
                    next_attempt_at=now,
                )
            )
            # update(): sync state, no history row (see Partner).
            Partner.objects.filter(pk=partner.pk).update(told_seq=latest)
    return created


def backoff(attempts: int) -> timedelta:
    """Exponential (5 s, 10 s, 20 s ... capped at 6 h) with ±20% jitter, so a recovering
    receiver is not hit by every sender at the same instant."""
    seconds = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311  not crypto


def delivery_claim(*, now: datetime) -> WebhookDelivery | None:
    """Take one due delivery; a parallel worker skips it (PostgreSQL: SKIP LOCKED; SQLite:
    IMMEDIATE transactions queue the claims)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if delivery is None:
            return None
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now + CLAIM_LEASE)
    return WebhookDelivery.objects.select_related("partner").get(pk=delivery.pk)


def _finish(delivery: WebhookDelivery, *, status: str, now: datetime, attempt: dict) -> None:
    with transaction.atomic():
        WebhookAttempt.objects.create(delivery=delivery, attempted_at=now, **attempt)
        delivery.attempt_count += 1
        delivery.status = status
        if status == DeliveryStatus.PENDING:
            delivery.next_attempt_at = now + backoff(delivery.attempt_count)
            if delivery.next_attempt_at > delivery.created_at + GIVE_UP_AFTER:
                delivery.status = DeliveryStatus.FAILED
        if delivery.status != DeliveryStatus.PENDING:
            delivery.finished_at = now
        delivery.save(update_fields=["attempt_count", "status", "next_attempt_at", "finished_at"])
        if status == DeliveryStatus.DISABLED:
            Partner.objects.filter(pk=delivery.partner_id).update(webhook_disabled_at=now)


def delivery_send(delivery: WebhookDelivery, *, now: datetime | None = None) -> str:
    """One attempt at a claimed delivery; returns its new status."""
    now = now or timezone.now()
    partner = delivery.partner
    newer = WebhookDelivery.objects.filter(
        partner=partner, status=DeliveryStatus.PENDING, seq__gt=delivery.seq
    )
    if newer.exists():  # a newer ping says the same "pull now": send that one only
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SUPERSEDED, finished_at=now
        )
        return DeliveryStatus.SUPERSEDED
    if partner.webhook_disabled_at is not None or not partner.webhook_url:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DISABLED, finished_at=now
        )
        return DeliveryStatus.DISABLED
    body = json.dumps(
        {"type": EVENT_TYPE, "data": {"seq": delivery.seq}}, separators=(",", ":")
    ).encode()
    keys = active_keys(partner)
    started = time.monotonic()
    attempt = {"status_code": None, "error": ""}
    status = DeliveryStatus.PENDING
    if not keys:
        attempt["error"] = "No active webhook secret for this partner."
    else:
        headers = signed_headers(keys, delivery.webhook_id, int(time.time()), body)
        try:
            check_url(partner.webhook_url, field="webhook_url")  # again: DNS may have changed
            answer = request("POST", partner.webhook_url, body=body, headers=headers)
            attempt["status_code"] = answer.status
            if 200 <= answer.status < 300:
                status = DeliveryStatus.DELIVERED
            elif answer.status == 410:  # the receiver says: gone, stop sending
                status = DeliveryStatus.DISABLED
        except (NetworkError, UnsafeUrl) as error:
            attempt["error"] = str(getattr(error, "detail", error))[:1000]
    attempt["duration_ms"] = int((time.monotonic() - started) * 1000)
    _finish(delivery, status=status, now=now, attempt=attempt)
    delivery.refresh_from_db(fields=["status", "next_attempt_at"])
    return delivery.status


def deliveries_run(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Send every due delivery (what one worker does); returns how many were attempted."""
    sent = 0
    while sent < limit:
        moment = now or timezone.now()
        delivery = delivery_claim(now=moment)
        if delivery is None:
            break
        delivery_send(delivery, now=moment)
        sent += 1
    return sent


def next_due_at() -> datetime | None:
    return (
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


# --- in ------------------------------------------------------------------------------------


def webhook_receive(*, partner: Partner, headers, body: bytes, now: datetime | None = None) -> bool:
    """Check an inbound ping; True when it is new (the caller queues a pull), False for a
    replay. A bad signature or timestamp raises WebhookRejected (nothing is written)."""
    now = now or timezone.now()
    webhook_id = verify(keys=active_keys(partner), headers=headers, body=body, now=now)
    with transaction.atomic():
        InboundWebhook.objects.filter(received_at__lt=now - REPLAY_WINDOW).delete()
        try:
            with transaction.atomic():
                InboundWebhook.objects.create(
                    partner=partner, webhook_id=webhook_id[:255], received_at=now
                )
        except IntegrityError:
            return False
    return True
