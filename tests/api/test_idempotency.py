"""`Idempotency-Key` on authenticated POSTs: executed once per user and key for 24 hours."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import User
from api.base.idempotency import _fingerprint
from api.models import IdempotencyRecord
from tests.factories import PASSWORD, make_manager

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


def _in_flight(user, key: str, path: str, body: dict) -> IdempotencyRecord:
    """The row the first request leaves while it runs: claimed, no outcome yet."""
    factory_request = APIRequestFactory().post(path, body, format="json")
    fingerprint = _fingerprint(Request(factory_request, parsers=[JSONParser()]))
    return IdempotencyRecord.objects.create(user=user, key=key, request_hash=fingerprint)


def test_a_repeat_while_the_first_is_still_running_is_409(manager, manager_client):
    _in_flight(manager, "create-hoa", "/api/v1/users/", NEW_USER)
    response = manager_client.post("/api/v1/users/", NEW_USER, HTTP_IDEMPOTENCY_KEY="create-hoa")
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
