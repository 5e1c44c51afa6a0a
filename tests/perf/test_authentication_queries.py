"""A request with a warm token authenticates in one query (issue 17), without weakening expiry
or revocation: the token, its user and the user's role groups are read together."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import make_manager, make_reviewer, make_token, make_user

# The tables authentication reads: the token, its user, the user's groups.
AUTHENTICATION_TABLES = ("knox_authtoken", "accounts_user", "auth_group")


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _authentication_queries(client: APIClient, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return [q["sql"] for q in queries if any(t in q["sql"] for t in AUTHENTICATION_TABLES)]


@pytest.mark.parametrize("make_person", [make_manager, make_reviewer, make_user])
def test_a_warm_token_costs_one_authentication_query_whatever_the_role(db, make_person):
    client = _client(make_token(make_person()))
    client.get("/api/v1/parks/")  # warm: the token has been used once

    [query] = _authentication_queries(client, "/api/v1/parks/")

    assert query.count("knox_authtoken") >= 1
    assert query.count("accounts_user") >= 1  # the user joined, not a second query


def test_the_user_has_other_expired_tokens_and_they_are_not_read_or_deleted_per_request(db):
    manager = make_manager()
    for _ in range(3):
        make_token(manager)
    AuthToken.objects.update(expiry=timezone.now() - timedelta(days=1))
    client = _client(make_token(manager))

    [_query] = _authentication_queries(client, "/api/v1/parks/")

    assert AuthToken.objects.filter(user=manager).count() == 4  # purge_tokens deletes them


def test_the_roles_read_with_the_token_are_the_users_roles(db):
    reviewer = make_reviewer()
    response = _client(make_token(reviewer)).get("/api/v1/auth/me/")
    assert response.json()["roles"] == ["reviewer"]
    response = _client(make_token(make_manager())).post("/api/v1/parks/", {}, format="json")
    assert response.status_code == 400  # a manager may create parks: validation, not 403
    response = _client(make_token(reviewer)).post("/api/v1/parks/", {}, format="json")
    assert response.status_code == 403


def test_an_expired_token_is_refused_and_kept_until_the_purge(db):
    user = make_user()
    token = make_token(user)
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))

    response = _client(token).get("/api/v1/auth/me/")

    assert (response.status_code, response.json()["detail"]) == (401, "Invalid token.")
    assert AuthToken.objects.filter(user=user).count() == 1


def test_purge_tokens_deletes_the_expired_tokens_only(db, capsys):
    user = make_user()
    make_token(user)
    kept = make_token(user)
    expired = AuthToken.objects.filter(user=user).order_by("created").first()
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(seconds=1))

    call_command("purge_tokens")

    assert list(AuthToken.objects.filter(user=user).values_list("token_key", flat=True)) == [
        kept[:15]
    ]
    assert capsys.readouterr().out == "Removed 1 expired token(s).\n"


def test_a_deactivated_users_token_is_refused(db):
    user = make_user()
    token = make_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = _client(token).get("/api/v1/auth/me/")

    assert (response.status_code, response.json()["detail"]) == (401, "User inactive or deleted.")


def test_a_token_that_is_not_utf8_is_refused_not_a_server_error(db):
    response = APIClient().get("/api/v1/auth/me/", HTTP_AUTHORIZATION=b"Token \xff\xfe")
    assert response.status_code == 401


@pytest.mark.parametrize("make_person", [make_manager, make_reviewer, make_user])
def test_the_hand_written_lookup_reads_what_the_orm_reads(db, make_person):
    """accounts.selectors.tokens_for_authentication builds its SQL by hand (bench S1): it must
    load the same token, the same user (every field, converted as the ORM converts it) and
    the same roles as the ORM's own query."""
    from accounts.models import MANAGERS_GROUP, REVIEWERS_GROUP
    from accounts.selectors import tokens_for_authentication

    person = make_person()
    make_token(make_user())  # another user's token is never read
    token = make_token(person)
    now = timezone.now()
    key = token[:15]

    [ours] = tokens_for_authentication(token_key=key, now=now)
    [theirs] = AuthToken.objects.select_related("user").filter(token_key=key, expiry__gt=now)

    def values(instance):
        return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}

    assert values(ours) == values(theirs)
    assert values(ours.user) == values(theirs.user)
    groups = set(theirs.user.groups.values_list("name", flat=True))
    assert (ours.in_managers, ours.in_reviewers) == (
        MANAGERS_GROUP in groups,
        REVIEWERS_GROUP in groups,
    )
