"""`Idempotency-Key` on authenticated POSTs: executed once per user and key for 24 hours."""

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import User
from api.base.idempotency import KeyLock, _fingerprint
from api.models import IdempotencyRecord
from chain.models import PartnerKey, WebhookSecret
from tests.chain.factories import make_partner
from tests.factories import PASSWORD, make_manager, make_token

PROBLEM = "application/problem+json"
NEW_USER = {"email": "hoa@example.vn", "full_name": "Phạm Hoa", "roles": ["reviewer"]}


def test_a_repeat_with_the_same_key_and_body_replays_the_stored_answer(manager_client):
    first = manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="create-hoa")
    again = manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="create-hoa")
    assert first.status_code == 201
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"
    assert again["Idempotent-Replayed"] == "true"
    assert User.objects.filter(email="hoa@example.vn").count() == 1


def test_a_refusal_is_replayed_too(manager_client):
    body = {**NEW_USER, "email": "not-an-email"}
    first = manager_client.post("/api/v1/users/", body, HTTP_IDEMPOTENCY_KEY="bad")
    again = manager_client.post("/api/v1/users/", body, HTTP_IDEMPOTENCY_KEY="bad")
    assert (first.status_code, again.status_code) == (400, 400)
    assert again.content == first.content
    assert again["Content-Type"] == PROBLEM
    assert again["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_422_and_writes_nothing(manager_client):
    manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="create-hoa")
    other = {**NEW_USER, "email": "lan@example.vn"}
    response = manager_client.post("/api/v1/users/", other, HTTP_IDEMPOTENCY_KEY="create-hoa")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/idempotency-key-reused",
        "title": "Idempotency key reused",
        "status": 422,
        "detail": "This Idempotency-Key was used for a different request in the last 24 hours.",
        "code": "idempotency_key_reused",
        "instance": "/api/v1/users/",
    }
    assert not User.objects.filter(email="lan@example.vn").exists()


@contextmanager
def _in_flight(user, key: str, path: str, body: dict):
    """The first request while it runs: its record claimed, no outcome yet, and the key's lock
    held by its own database connection (another worker's)."""
    factory_request = APIRequestFactory().post(path, body, format="json")
    fingerprint = _fingerprint(Request(factory_request, parsers=[JSONParser()]))
    IdempotencyRecord.objects.create(user=user, key=key, request_hash=fingerprint)
    workers_connection = connection.copy()
    lock = KeyLock(user_id=user.pk, key=key, using=workers_connection)
    assert lock.acquire()
    try:
        yield
    finally:
        lock.release()
        workers_connection.close()


def test_a_repeat_while_the_first_is_still_running_is_409(manager, manager_client):
    with _in_flight(manager, "create-hoa", "/api/v1/users/", NEW_USER):
        response = manager_client.post(
            "/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="create-hoa"
        )
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/idempotency-conflict",
        "title": "Request in progress",
        "status": 409,
        "detail": "The first request with this Idempotency-Key is still running.",
        "code": "idempotency_conflict",
        "instance": "/api/v1/users/",
    }
    assert not User.objects.filter(email="hoa@example.vn").exists()
    assert IdempotencyRecord.objects.get().status_code is None  # the first one still owns it


# A worker, as a separate process: it claims the key the way a request does, says so, and then
# hangs mid-request until the test kills it.
CLAIMANT = """
import json, sys, time
import django
django.setup()
from django.db import connection
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from accounts.models import User
from api.base import idempotency

user_id, path, body, key = sys.argv[1:5]
http = APIRequestFactory().post(path, json.loads(body), format="json", HTTP_IDEMPOTENCY_KEY=key)
request = Request(http, parsers=[JSONParser()])
request.user = User.objects.get(pk=user_id)
claim = idempotency.begin(request)  # held, as the running view holds it
backend = connection.connection.info.backend_pid if connection.vendor == "postgresql" else 0
print("claimed", backend, flush=True)
time.sleep(600)
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_claimant(user, key: str, path: str, body: dict) -> tuple[subprocess.Popen, int]:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}  # as production runs
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": "a-test-key-for-the-claimant-worker-process-only",
        "DEBUG": "0",
        "IDEMPOTENCY_LOCK_DIR": str(settings.IDEMPOTENCY_LOCK_DIR),
    }
    worker = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", CLAIMANT, str(user.pk), path, json.dumps(body), key],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    words = worker.stdout.readline().split()
    assert words[0] == "claimed"
    return worker, int(words[1])


def _kill(worker: subprocess.Popen, backend_pid: int) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    if backend_pid:  # PostgreSQL ends the dead worker's session (and its locks) on its own
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend_pid]
                )
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_key_whose_worker_was_killed_mid_request_runs_on_retry(token_client):
    manager = make_manager()
    client = token_client(manager)
    worker, backend_pid = _start_claimant(manager, "create-hoa", "/api/v1/users/", NEW_USER)
    try:
        while_alive = client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="create-hoa")
    finally:
        _kill(worker, backend_pid)
    retry = client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="create-hoa")
    again = client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="create-hoa")

    assert while_alive.status_code == 409
    assert while_alive.json()["code"] == "idempotency_conflict"
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry
    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")
    assert again.content == retry.content
    assert User.objects.filter(email="hoa@example.vn").count() == 1
    assert IdempotencyRecord.objects.get().status_code == 201


def _stored_rows() -> str:
    """Every column of every idempotency record, as text: what a database reader would see."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_idempotencyrecord")
        rows = cursor.fetchall()
    return repr(
        [
            [bytes(value).decode() if isinstance(value, bytes | memoryview) else value]
            for row in rows
            for value in row
        ]
    )


def test_a_partner_key_made_with_an_idempotency_key_is_neither_stored_nor_replayed(
    manager_client,
):
    partner = make_partner()
    url = f"/api/v1/chain/partners/{partner.pk}/keys/"
    first = manager_client.post(url, HTTP_IDEMPOTENCY_KEY="new-key")
    again = manager_client.post(url, HTTP_IDEMPOTENCY_KEY="new-key")

    made = first.json()
    assert first.status_code == 201
    assert made["key"] not in _stored_rows()
    assert made["prefix"] in _stored_rows()
    assert again.status_code == 409
    assert again["Content-Type"] == PROBLEM
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == {
        "type": "/problems/secret-shown-once",
        "title": "Secret shown once",
        "status": 409,
        "detail": "The first request with this Idempotency-Key succeeded, but its answer held a "
        "secret, which is shown only once. Revoke what it made if the secret was lost, then make "
        "a new one.",
        "code": "secret_shown_once",
        "instance": url,
        "first_status": 201,
        "first_response": {"prefix": made["prefix"]},
    }
    assert made["key"] not in again.content.decode()
    assert PartnerKey.objects.filter(partner=partner).count() == 1


def test_a_webhook_secret_made_with_an_idempotency_key_is_neither_stored_nor_replayed(
    manager_client,
):
    partner = make_partner()
    url = f"/api/v1/chain/partners/{partner.pk}/webhook-secrets/"
    first = manager_client.post(url, {}, HTTP_IDEMPOTENCY_KEY="new-secret")
    again = manager_client.post(url, {}, HTTP_IDEMPOTENCY_KEY="new-secret")

    made = first.json()
    assert first.status_code == 201
    assert made["secret"] not in _stored_rows()
    assert again.status_code == 409
    assert again.json() == {
        "type": "/problems/secret-shown-once",
        "title": "Secret shown once",
        "status": 409,
        "detail": "The first request with this Idempotency-Key succeeded, but its answer held a "
        "secret, which is shown only once. Revoke what it made if the secret was lost, then make "
        "a new one.",
        "code": "secret_shown_once",
        "instance": url,
        "first_status": 201,
        "first_response": {"id": made["id"]},
    }
    assert made["secret"] not in again.content.decode()
    assert WebhookSecret.objects.filter(partner=partner).count() == 1


def test_a_refused_webhook_secret_is_replayed_as_usual(manager_client):
    partner = make_partner()
    url = f"/api/v1/chain/partners/{partner.pk}/webhook-secrets/"
    body = {"secret": "whsec_c2hvcnQ="}
    first = manager_client.post(url, body, HTTP_IDEMPOTENCY_KEY="bad-secret")
    again = manager_client.post(url, body, HTTP_IDEMPOTENCY_KEY="bad-secret")
    assert (first.status_code, again.status_code) == (400, 400)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"


def test_a_token_asked_for_with_an_idempotency_key_is_never_stored(api_client, user):
    credentials = {"username": user.email, "password": PASSWORD}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    first = api_client.post("/api/v1/auth/token/", credentials, HTTP_IDEMPOTENCY_KEY="login")
    again = api_client.post("/api/v1/auth/token/", credentials, HTTP_IDEMPOTENCY_KEY="login")
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["token"] != again.json()["token"]  # logging in is not replayed
    assert IdempotencyRecord.objects.count() == 0


def test_another_user_with_the_same_key_is_independent(manager_client, token_client):
    colleague = token_client(make_manager())
    first = manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="k")
    other = {**NEW_USER, "email": "lan@example.vn"}
    second = colleague.post("/api/v1/users/", other, HTTP_IDEMPOTENCY_KEY="k")
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second
    assert User.objects.filter(email__in=["hoa@example.vn", "lan@example.vn"]).count() == 2


def test_a_post_without_the_header_runs_every_time(manager_client):
    manager_client.post("/api/v1/users/", NEW_USER)
    response = manager_client.post("/api/v1/users/", NEW_USER)
    assert response.status_code == 400  # the email is taken now: it ran again
    assert response.json()["errors"] == [
        {"field": "email", "code": "unique", "message": "A user with this email already exists."}
    ]
    assert IdempotencyRecord.objects.count() == 0


def test_anonymous_posts_ignore_the_header(api_client, db):
    key = {"HTTP_IDEMPOTENCY_KEY": "same-key"}
    first = api_client.post(
        "/api/v1/auth/register/",
        {"email": "an@example.vn", "password": PASSWORD, "full_name": "An"},
        **key,
    )
    second = api_client.post(
        "/api/v1/auth/register/",
        {"email": "binh@example.vn", "password": PASSWORD, "full_name": "Bình"},
        **key,
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert User.objects.filter(email__in=["an@example.vn", "binh@example.vn"]).count() == 2
    assert IdempotencyRecord.objects.count() == 0


def test_a_key_longer_than_255_characters_is_refused_and_nothing_runs(manager_client):
    response = manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": "Idempotency-Key: An Idempotency-Key has 1 to 255 characters.",
        "code": "validation_error",
        "instance": "/api/v1/users/",
        "errors": [
            {
                "field": "Idempotency-Key",
                "code": "invalid",
                "message": "An Idempotency-Key has 1 to 255 characters.",
            }
        ],
    }
    assert not User.objects.filter(email="hoa@example.vn").exists()
    assert IdempotencyRecord.objects.count() == 0


def test_a_key_of_255_characters_is_accepted(manager_client):
    response = manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="k" * 255)
    assert response.status_code == 201
    assert IdempotencyRecord.objects.get().key == "k" * 255


def test_a_key_older_than_24_hours_is_forgotten(manager, manager_client):
    manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="k")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=24, seconds=1))
    other = {**NEW_USER, "email": "lan@example.vn"}
    response = manager_client.post("/api/v1/users/", other, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 201
    assert response.json()["email"] == "lan@example.vn"
