import time
import uuid

import pytest
from django_tasks_db.models import DBTaskResult

from chain.models import InboundWebhook
from chain.services import webhook_secret_add
from chain.webhooks import signed_headers
from tests.chain.factories import key_of

BODY = b'{"type":"directory.changed","data":{"seq":7}}'


@pytest.fixture
def secret(partner):
    _record, secret = webhook_secret_add(partner=partner, actor=None)
    return secret


def post(client, headers, body=BODY, slug="quang-trung"):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    extra.pop("HTTP_CONTENT_TYPE", None)
    return client.generic(
        "POST",
        f"/api/v1/chain/webhooks/{slug}/",
        body,
        content_type="application/json",
        **extra,
    )


def queued_pulls() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="sync_partner").count()


def headers_for(secret, *, shift=0, webhook_id=None, body=BODY):
    return signed_headers(
        [key_of(secret)], webhook_id or f"msg_{uuid.uuid4().hex}", int(time.time()) + shift, body
    )


def test_a_genuine_ping_is_accepted_and_queues_one_pull(
    api_client, secret, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api_client, headers_for(secret))
    assert response.status_code == 204
    assert queued_pulls() == 1


def test_a_replayed_ping_answers_204_without_a_second_pull(
    api_client, secret, django_capture_on_commit_callbacks
):
    headers = headers_for(secret)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(api_client, headers).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        assert post(api_client, headers).status_code == 204
    assert queued_pulls() == 1
    assert InboundWebhook.objects.count() == 1


@pytest.mark.parametrize("shift", [-305, 305])  # clear of the 300 s edge, whatever the clock
def test_a_stale_or_future_ping_is_401(api_client, secret, shift):
    response = post(api_client, headers_for(secret, shift=shift))
    assert response.status_code == 401
    assert response.json() == {
        "type": "/problems/authentication-failed",
        "title": "Authentication failed",
        "status": 401,
        "detail": "The webhook timestamp is outside the 5-minute tolerance.",
        "code": "authentication_failed",
        "instance": "/api/v1/chain/webhooks/quang-trung/",
    }
    assert (queued_pulls(), InboundWebhook.objects.count()) == (0, 0)


def test_a_tampered_body_is_401(api_client, secret):
    response = post(api_client, headers_for(secret), body=BODY.replace(b"7", b"8"))
    assert response.status_code == 401
    assert response.json()["detail"] == "No signature matches an active secret."
    assert (queued_pulls(), InboundWebhook.objects.count()) == (0, 0)


def test_a_ping_signed_with_a_retired_secret_is_401(api_client, partner, secret):
    webhook_secret_add(partner=partner, actor=None)
    webhook_secret_add(partner=partner, actor=None)  # the first one is retired now
    assert post(api_client, headers_for(secret)).status_code == 401


def test_either_active_secret_is_accepted_while_rotating(api_client, partner, secret):
    _record, newer = webhook_secret_add(partner=partner, actor=None)
    assert post(api_client, headers_for(secret)).status_code == 204
    assert post(api_client, headers_for(newer)).status_code == 204


def test_missing_headers_are_401(api_client, secret):
    assert post(api_client, {}).status_code == 401


def test_an_unknown_partner_is_404(api_client, secret):
    assert post(api_client, headers_for(secret), slug="nowhere").status_code == 404


@pytest.mark.parametrize(
    ("timestamp", "detail"),
    [
        ("²", "Missing or malformed webhook headers."),  # a digit to str.isdigit(), not to int()
        ("٣", "Missing or malformed webhook headers."),  # an Arabic-Indic three
        ("9" * 20, "The webhook timestamp is outside the 5-minute tolerance."),  # overflows
        ("9" * 5000, "The webhook timestamp is outside the 5-minute tolerance."),  # too long
    ],
)
def test_a_hostile_timestamp_is_401_not_a_server_error(api_client, secret, timestamp, detail):
    headers = {**headers_for(secret), "webhook-timestamp": timestamp}
    response = post(api_client, headers)
    assert response.json() == {
        "type": "/problems/authentication-failed",
        "title": "Authentication failed",
        "status": 401,
        "detail": detail,
        "code": "authentication_failed",
        "instance": "/api/v1/chain/webhooks/quang-trung/",
    }
    assert (queued_pulls(), InboundWebhook.objects.count()) == (0, 0)
