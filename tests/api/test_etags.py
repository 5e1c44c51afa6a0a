"""ETag: "<version>" on details; If-None-Match -> 304; a stale If-Match -> 412."""

import pytest

from accounts.models import User

PROBLEM = "application/problem+json"


@pytest.fixture
def me_client(token_client, user):
    return token_client(user)  # a real token: each request loads the account afresh


def test_a_detail_carries_its_version_as_etag(me_client, user):
    response = me_client.get("/api/v1/auth/me/")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_if_none_match_with_the_current_etag_is_304_without_a_body(me_client, user):
    response = me_client.get("/api/v1/auth/me/", HTTP_IF_NONE_MATCH='"1"')
    assert response.status_code == 304
    assert response["ETag"] == '"1"'
    assert response.content == b""


def test_if_none_match_with_an_old_etag_answers_the_record(me_client, user):
    me_client.patch("/api/v1/auth/me/", {"full_name": "Trần Thị Lan"})
    response = me_client.get("/api/v1/auth/me/", HTTP_IF_NONE_MATCH='"1"')
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["full_name"] == "Trần Thị Lan"


def test_a_write_answers_the_new_etag(me_client, user):
    response = me_client.patch(
        "/api/v1/auth/me/", {"full_name": "Trần Thị Lan"}, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert User.objects.values_list("full_name", "version").get(pk=user.pk) == (
        "Trần Thị Lan",
        2,
    )


def test_a_write_with_a_stale_if_match_is_412_and_changes_nothing(me_client, user):
    me_client.patch("/api/v1/auth/me/", {"language": "vi"})  # version 1 -> 2
    response = me_client.patch(
        "/api/v1/auth/me/", {"full_name": "Trần Thị Lan"}, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/precondition-failed",
        "title": "Precondition failed",
        "status": 412,
        "detail": "The record is at version 2; reload it and try again.",
        "code": "precondition_failed",
        "instance": "/api/v1/auth/me/",
    }
    assert User.objects.values_list("full_name", "language", "version").get(pk=user.pk) == (
        user.full_name,
        "vi",
        2,
    )
    assert user.history.count() == 2  # created, language changed: nothing for the refusal


def test_no_write_requires_if_match(me_client, user):
    response = me_client.patch("/api/v1/auth/me/", {"language": "vi"})
    assert response.status_code == 200
    assert response["ETag"] == '"2"'


def test_a_users_detail_carries_etags_for_managers_too(manager_client, user):
    response = manager_client.get(f"/api/v1/users/{user.pk}/", HTTP_IF_NONE_MATCH='"1"')
    assert response.status_code == 304
    stale = manager_client.patch(
        f"/api/v1/users/{user.pk}/", {"roles": ["reviewer"]}, HTTP_IF_MATCH='"7"'
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert User.objects.get(pk=user.pk).groups.count() == 0
