"""Register, tokens (create, revoke, expiry) and `me`."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from api.base.throttles import FailedLoginLimit
from tests.factories import PASSWORD, make_reviewer, make_token, make_user

PROBLEM = "application/problem+json"


def _client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_registering_opens_an_account_and_answers_a_working_token(api_client, db):
    response = api_client.post(
        "/api/v1/auth/register/",
        {"email": " Lan.Tran@Example.VN ", "password": PASSWORD, "full_name": "Trần Thị Lan"},
    )
    assert response.status_code == 201
    user = User.objects.get()
    body = response.json()
    assert body == {"id": str(user.pk), "email": "lan.tran@example.vn", "token": body["token"]}
    assert (user.full_name, user.is_staff, list(user.groups.all())) == ("Trần Thị Lan", False, [])
    assert user.check_password(PASSWORD)
    me = _client_with(body["token"]).get("/api/v1/auth/me/")
    assert me.json()["email"] == "lan.tran@example.vn"


def test_registering_a_taken_email_is_refused_on_email_with_code_unique(api_client, db):
    make_user(email="lan@example.vn")
    response = api_client.post(
        "/api/v1/auth/register/",
        {"email": "LAN@example.vn", "password": PASSWORD, "full_name": "Lan"},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": "A user with this email already exists.",
        "code": "validation_error",
        "instance": "/api/v1/auth/register/",
        "errors": [
            {
                "field": "email",
                "code": "unique",
                "message": "A user with this email already exists.",
            }
        ],
    }
    assert User.objects.count() == 1


def test_registering_with_a_weak_password_is_refused_by_djangos_validators(api_client, db):
    response = api_client.post(
        "/api/v1/auth/register/",
        {"email": "lan@example.vn", "password": "12345678", "full_name": "Lan"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": "password: This password is too common. (and 1 more)",
        "code": "validation_error",
        "instance": "/api/v1/auth/register/",
        "errors": [
            {
                "field": "password",
                "code": "password_too_common",
                "message": "This password is too common.",
            },
            {
                "field": "password",
                "code": "password_entirely_numeric",
                "message": "This password is entirely numeric.",
            },
        ],
    }
    assert User.objects.count() == 0


def test_registering_names_each_missing_field(api_client, db):
    response = api_client.post("/api/v1/auth/register/", {})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "email", "code": "required", "message": "This field is required."},
        {"field": "password", "code": "required", "message": "This field is required."},
        {"field": "full_name", "code": "required", "message": "This field is required."},
    ]
    assert User.objects.count() == 0


def test_registering_cannot_grant_itself_anything(api_client, db):
    response = api_client.post(
        "/api/v1/auth/register/",
        {"email": "lan@example.vn", "password": PASSWORD, "full_name": "Lan", "is_staff": True},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "is_staff", "code": "unknown", "message": "Unknown field."}
    ]
    assert User.objects.count() == 0


def test_a_token_is_issued_for_the_email_in_any_case(api_client, db):
    user = make_user(email="lan@example.vn")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "LAN@Example.vn", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert list(response.json()) == ["token"]
    me = _client_with(response.json()["token"]).get("/api/v1/auth/me/")
    assert me.json()["id"] == str(user.pk)


def test_tokens_are_stored_hashed_and_expire_after_the_ttl(api_client, db):
    make_user(email="lan@example.vn")
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "lan@example.vn", "password": PASSWORD}
    ).json()["token"]
    stored = AuthToken.objects.get()
    assert token not in (stored.digest, stored.token_key)
    assert abs(stored.expiry - (stored.created + timedelta(days=30))) < timedelta(seconds=5)


def test_wrong_credentials_are_a_validation_error_and_issue_no_token(api_client, db):
    make_user(email="lan@example.vn")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "lan@example.vn", "password": "wrong-password"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": "Unable to log in with those credentials.",
        "code": "validation_error",
        "instance": "/api/v1/auth/token/",
        "errors": [
            {
                "field": "non_field_errors",
                "code": "invalid_credentials",
                "message": "Unable to log in with those credentials.",
            }
        ],
    }
    assert AuthToken.objects.count() == 0


def test_a_deactivated_account_gets_no_token(api_client, db):
    make_user(email="lan@example.vn")
    User.objects.filter(email="lan@example.vn").update(is_active=False)
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "lan@example.vn", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert AuthToken.objects.count() == 0


def test_logging_in_ignores_a_stale_authorization_header(api_client, db):
    make_user(email="lan@example.vn")
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "lan@example.vn", "password": PASSWORD},
        HTTP_AUTHORIZATION="Token revoked-long-ago",
    )
    assert response.status_code == 200


def test_deleting_the_token_revokes_only_the_token_in_use(db):
    user = make_user()
    in_use, other = make_token(user), make_token(user)
    response = _client_with(in_use).delete("/api/v1/auth/token/")
    assert response.status_code == 204
    assert response.content == b""
    assert _client_with(in_use).get("/api/v1/auth/me/").status_code == 401
    assert _client_with(other).get("/api/v1/auth/me/").status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1


def test_a_revoked_token_is_401_authentication_failed(db):
    token = make_token(make_user())
    _client_with(token).delete("/api/v1/auth/token/")
    response = _client_with(token).get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "type": "/problems/authentication-failed",
        "title": "Authentication failed",
        "status": 401,
        "detail": "Invalid token.",
        "code": "authentication_failed",
        "instance": "/api/v1/auth/me/",
    }


def test_an_expired_token_is_401_authentication_failed(db):
    token = make_token(make_user())
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    response = _client_with(token).get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "type": "/problems/authentication-failed",
        "title": "Authentication failed",
        "status": 401,
        "detail": "Invalid token.",
        "code": "authentication_failed",
        "instance": "/api/v1/auth/me/",
    }


def test_revoking_without_credentials_is_401_not_authenticated(api_client, db):
    response = api_client.delete("/api/v1/auth/token/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_me_answers_the_callers_own_account_with_roles(token_client, db):
    reviewer = make_reviewer(email="hoa@example.vn", full_name="Phạm Hoa")
    response = token_client(reviewer).get("/api/v1/auth/me/")
    assert response.status_code == 200
    assert response.json() == {
        "id": str(reviewer.pk),
        "email": "hoa@example.vn",
        "full_name": "Phạm Hoa",
        "language": "en",
        "roles": ["reviewer"],
        "version": 1,
    }


def test_me_changes_name_and_language_and_records_who_did_it(token_client, user):
    response = token_client(user).patch(
        "/api/v1/auth/me/", {"full_name": "Trần Thị Lan", "language": "vi"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": str(user.pk),
        "email": user.email,
        "full_name": "Trần Thị Lan",
        "language": "vi",
        "roles": [],
        "version": 2,
    }
    latest = user.history.latest()
    assert (latest.full_name, latest.language, latest.history_user) == ("Trần Thị Lan", "vi", user)


def test_me_cannot_grant_itself_a_role(token_client, user):
    response = token_client(user).patch("/api/v1/auth/me/", {"roles": ["manager"]})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "roles", "code": "read_only", "message": "This field is read-only."}
    ]
    assert list(user.groups.all()) == []
    assert User.objects.get(pk=user.pk).is_staff is False


def test_me_refuses_an_unknown_language(token_client, user):
    response = token_client(user).patch("/api/v1/auth/me/", {"language": "fr"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "language", "code": "invalid_choice", "message": '"fr" is not a valid choice.'}
    ]
    assert User.objects.get(pk=user.pk).language == "en"


def test_me_without_credentials_is_401_not_authenticated(api_client, db):
    response = api_client.patch("/api/v1/auth/me/", {"full_name": "Lan"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "type": "/problems/not-authenticated",
        "title": "Authentication required",
        "status": 401,
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "instance": "/api/v1/auth/me/",
    }


def test_me_works_with_a_session_as_the_browsable_api_uses(client, user):
    client.force_login(user)
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 200
    assert response.json()["id"] == str(user.pk)


def _login(password: str, *, email: str = "lan@example.vn", address: str = "127.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"username": email, "password": password}
    )


def test_ten_wrong_passwords_for_one_account_lock_its_logins_from_any_address(db, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "1000/min"}
    make_user(email="lan@example.vn")
    statuses = [
        _login("wrong-password", address=f"203.0.113.{number}").status_code for number in range(10)
    ]
    # The right password from yet another address: refused before the password is checked.
    response = _login(PASSWORD, email="LAN@example.vn", address="198.51.100.1")
    assert statuses == [400] * 10
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert response["Retry-After"] == "900"
    assert response.json() == {
        "type": "/problems/throttled",
        "title": "Too many requests",
        "status": 429,
        "detail": "Request was throttled. Expected available in 900 seconds.",
        "code": "throttled",
        "instance": "/api/v1/auth/token/",
    }
    assert AuthToken.objects.count() == 0


def test_the_failed_login_limit_holds_one_account_not_the_others(db, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "1000/min"}
    settings.LOGIN_FAILURES_MAX = 2
    make_user(email="lan@example.vn")
    make_user(email="hoa@example.vn")
    assert [_login("wrong-password").status_code for _ in range(3)] == [400, 400, 429]
    assert _login(PASSWORD, email="hoa@example.vn").status_code == 200


def test_a_successful_login_clears_the_failed_login_count(db, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "1000/min"}
    settings.LOGIN_FAILURES_MAX = 2
    make_user(email="lan@example.vn")
    statuses = [_login(password).status_code for password in ("wrong", PASSWORD, "wrong")]
    assert statuses == [400, 200, 400]
    assert _login(PASSWORD).status_code == 200


def test_failed_logins_older_than_the_window_no_longer_count(db, settings, monkeypatch):
    # The limit's own clock is set, not slept past: a slow machine could take a whole short
    # window between two logins (the password check alone is slow by design).
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "1000/min"}
    settings.LOGIN_FAILURES_MAX = 1
    settings.LOGIN_FAILURES_WINDOW = timedelta(minutes=15)
    clock = [1_800_000_000.0]
    monkeypatch.setattr(FailedLoginLimit, "timer", staticmethod(lambda: clock[0]))
    make_user(email="lan@example.vn")
    assert [_login("wrong").status_code for _ in range(2)] == [400, 429]
    clock[0] += 14 * 60
    assert _login(PASSWORD).status_code == 429
    clock[0] += 61
    assert _login(PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/auth/token/"),
        ("post", "/api/v1/auth/register/"),
        ("patch", "/api/v1/auth/me/"),
    ],
)
@pytest.mark.parametrize("opening", ['{"full_name":', "["])
def test_a_json_body_nested_thousands_deep_is_a_400_parse_error(
    user_client, user, method, path, opening
):
    closing = "}" if opening.startswith("{") else "]"
    body = opening * 5000 + "1" + closing * 5000
    response = getattr(user_client, method)(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": "JSON parse error - nested deeper than 64 levels.",
        "code": "validation_error",
        "instance": path,
        "errors": [
            {
                "field": "non_field_errors",
                "code": "parse_error",
                "message": "JSON parse error - nested deeper than 64 levels.",
            }
        ],
    }
    assert User.objects.values_list("full_name", "version").get(pk=user.pk) == (user.full_name, 1)
    assert (User.objects.count(), AuthToken.objects.count()) == (1, 0)
