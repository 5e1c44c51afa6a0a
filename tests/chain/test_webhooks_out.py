import json
from datetime import timedelta

import pytest
from django.utils import timezone

from chain.exceptions import WebhookRejected
from chain.models import DeliveryStatus, Partner, WebhookAttempt, WebhookDelivery
from chain.services import partner_update, webhook_secret_add
from chain.webhooks import deliveries_run, partners_notify, verify
from tests.chain.factories import key_of, make_partner, visible_company
from tests.chain.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def listening_partner(partner, receiver):
    partner = partner_update(partner=partner, data={"webhook_url": receiver.url}, actor=None)
    _record, secret = webhook_secret_add(partner=partner, actor=None)
    partner.secret = secret
    return partner


def test_the_notifier_writes_one_delivery_per_partner_that_is_behind(listening_partner):
    make_partner(slug="no-hooks", name="Không có webhook")  # no webhook_url: never pinged
    assert partners_notify() == []  # nothing changed yet
    visible_company()
    visible_company()
    [delivery] = partners_notify()
    assert (delivery.partner, delivery.seq, delivery.status) == (listening_partner, 2, "pending")
    assert partners_notify() == []  # told already
    assert Partner.objects.get(pk=listening_partner.pk).told_seq == 2


def test_a_delivery_is_signed_with_standard_webhooks_headers(listening_partner, receiver):
    visible_company()
    [delivery] = partners_notify()
    assert deliveries_run() == 1
    [hit] = receiver.hits
    assert hit["body"] == b'{"type":"directory.changed","data":{"seq":1}}'
    assert hit["headers"]["webhook-id"] == delivery.webhook_id
    assert hit["headers"]["Content-Type"] == "application/json"
    keys = [key_of(listening_partner.secret)]
    assert verify(keys=keys, headers=hit["headers"], body=hit["body"], now=timezone.now()) == (
        delivery.webhook_id
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("delivered", 1)


def test_a_tampered_body_fails_verification(listening_partner, receiver):
    visible_company()
    partners_notify()
    deliveries_run()
    [hit] = receiver.hits
    tampered = hit["body"].replace(b'"seq":1', b'"seq":9')
    with pytest.raises(WebhookRejected):
        verify(
            keys=[key_of(listening_partner.secret)],
            headers=hit["headers"],
            body=tampered,
            now=timezone.now(),
        )


@pytest.mark.parametrize("shift", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_a_stale_or_future_timestamp_fails_verification(listening_partner, receiver, shift):
    visible_company()
    partners_notify()
    deliveries_run()
    [hit] = receiver.hits
    with pytest.raises(WebhookRejected):
        verify(
            keys=[key_of(listening_partner.secret)],
            headers=hit["headers"],
            body=hit["body"],
            now=timezone.now() - shift,
        )


def test_while_rotating_both_secrets_sign_so_either_side_verifies(listening_partner, receiver):
    _record, new_secret = webhook_secret_add(partner=listening_partner, actor=None)
    visible_company()
    partners_notify()
    deliveries_run()
    [hit] = receiver.hits
    assert len(hit["headers"]["webhook-signature"].split()) == 2
    for secret in (listening_partner.secret, new_secret):
        verify(keys=[key_of(secret)], headers=hit["headers"], body=hit["body"], now=timezone.now())


def test_a_receiver_that_fails_twice_gets_the_ping_on_the_third_attempt(listening_partner):
    with Receiver([500, 503, 204]) as flaky:
        partner_update(partner=listening_partner, data={"webhook_url": flaky.url}, actor=None)
        visible_company()
        [delivery] = partners_notify()
        start = timezone.now()
        assert deliveries_run(now=start) == 1
        assert deliveries_run(now=start) == 0  # backing off: not due yet
        delivery.refresh_from_db()
        first_retry = delivery.next_attempt_at
        assert timedelta(seconds=4) <= first_retry - start <= timedelta(seconds=6)
        assert deliveries_run(now=first_retry) == 1
        delivery.refresh_from_db()
        assert (
            timedelta(seconds=8) <= delivery.next_attempt_at - first_retry <= timedelta(seconds=12)
        )
        assert deliveries_run(now=delivery.next_attempt_at) == 1
        assert [hit["headers"]["webhook-id"] for hit in flaky.hits] == [delivery.webhook_id] * 3
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("delivered", 3)
    attempts = WebhookAttempt.objects.filter(delivery=delivery).order_by("attempted_at")
    assert [a.status_code for a in attempts] == [500, 503, 204]


def test_a_410_disables_the_endpoint(listening_partner):
    with Receiver([410]) as gone:
        partner_update(partner=listening_partner, data={"webhook_url": gone.url}, actor=None)
        visible_company()
        [delivery] = partners_notify()
        deliveries_run()
        visible_company()
        assert partners_notify() == []  # disabled: no more pings
        assert len(gone.hits) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DISABLED
    assert Partner.objects.get(pk=listening_partner.pk).webhook_disabled_at is not None


def test_a_ping_is_given_up_after_three_days(listening_partner):
    with Receiver([500]) as down:
        partner_update(partner=listening_partner, data={"webhook_url": down.url}, actor=None)
        visible_company()
        [delivery] = partners_notify()
        later = timezone.now() + timedelta(days=3) - timedelta(seconds=2)
        deliveries_run(now=later)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED


def test_an_unreachable_receiver_is_recorded_and_retried(listening_partner):
    partner_update(
        partner=listening_partner, data={"webhook_url": "http://127.0.0.1:9/nothing"}, actor=None
    )
    visible_company()
    [delivery] = partners_notify()
    deliveries_run()
    delivery.refresh_from_db()
    [attempt] = delivery.attempts.all()
    assert attempt.status_code is None
    assert "ConnectionRefusedError" in attempt.error
    assert delivery.status == DeliveryStatus.PENDING


def test_delivery_to_a_private_address_is_refused_when_not_allowed(
    listening_partner, receiver, settings
):
    visible_company()
    [delivery] = partners_notify()
    settings.CHAIN_ALLOW_PRIVATE_URLS = False  # e.g. DNS now answers 127.0.0.1 (rebinding)
    deliveries_run()
    assert receiver.hits == []
    [attempt] = delivery.attempts.all()
    assert "https" in attempt.error


def test_an_older_pending_ping_is_superseded_by_a_newer_one(listening_partner, receiver):
    visible_company()
    [older] = partners_notify()
    visible_company()
    [newer] = partners_notify()
    deliveries_run()
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.status, newer.status) == ("superseded", "delivered")
    assert [json.loads(hit["body"])["data"]["seq"] for hit in receiver.hits] == [2]


def test_no_delivery_is_written_for_an_inactive_partner(listening_partner):
    partner_update(partner=listening_partner, data={"is_active": False}, actor=None)
    visible_company()
    assert partners_notify() == []
    assert WebhookDelivery.objects.count() == 0
