"""Every 4xx/5xx answer is RFC 9457 problem+json with the stable code of design/api.md."""

import logging

import pytest
from django.urls import path
from django.utils.html import escape
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import User
from api.base.problems import PROBLEM_TYPES

PROBLEM = "application/problem+json"


# A test-only URLconf (used through @pytest.mark.urls(__name__)) with views that fail.
class ExplodingView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        raise RuntimeError("secret internals: password=hunter2")


class VanishedUnitView(APIView):
    """Reads, as lease_create does, a unit deleted after the request named it."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        from django.db import transaction

        from park.selectors import unit_for_update

        with transaction.atomic():
            unit_for_update("0" * 32)


def exploding_django_view(request):
    raise RuntimeError("secret internals: password=hunter2")


urlpatterns = [
    path("api/v1/boom/", ExplodingView.as_view()),
    path("api/v1/plain-boom/", exploding_django_view),
    path("api/v1/vanished-unit/", VanishedUnitView.as_view()),
]
handler404 = "api.base.pages.handler404"
handler500 = "api.base.pages.handler500"


def test_malformed_json_is_a_validation_error_on_the_body(api_client):
    response = api_client.post(
        "/api/v1/auth/register/", '{"email": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    message = "JSON parse error - Expecting value: line 1 column 11 (char 10)"
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": message,
        "code": "validation_error",
        "instance": "/api/v1/auth/register/",
        "errors": [{"field": "non_field_errors", "code": "parse_error", "message": message}],
    }
    assert User.objects.count() == 0


def test_wrong_types_are_listed_field_by_field(user_client, user):
    response = user_client.patch("/api/v1/auth/me/", {"full_name": ["A"], "language": 7})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": "full_name: Not a valid string. (and 1 more)",
        "code": "validation_error",
        "instance": "/api/v1/auth/me/",
        "errors": [
            {"field": "full_name", "code": "invalid", "message": "Not a valid string."},
            {
                "field": "language",
                "code": "invalid_choice",
                "message": '"7" is not a valid choice.',
            },
        ],
    }
    assert User.objects.values_list("full_name", "language", "version").get(pk=user.pk) == (
        user.full_name,
        "en",
        1,
    )


def test_nested_errors_carry_dotted_field_paths(manager_client):
    response = manager_client.post(
        "/api/v1/users/",
        {"email": "new@example.vn", "full_name": "New", "roles": ["reviewer", "boss"]},
    )
    assert response.status_code == 400
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": 'roles.1: "boss" is not a valid choice.',
        "code": "validation_error",
        "instance": "/api/v1/users/",
        "errors": [
            {
                "field": "roles.1",
                "code": "invalid_choice",
                "message": '"boss" is not a valid choice.',
            }
        ],
    }
    assert not User.objects.filter(email="new@example.vn").exists()


def test_an_unknown_field_is_refused_by_name_not_ignored(user_client, user):
    response = user_client.patch("/api/v1/auth/me/", {"full_name": "Lan", "is_staff": True})
    assert response.status_code == 400
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": "is_staff: Unknown field.",
        "code": "validation_error",
        "instance": "/api/v1/auth/me/",
        "errors": [{"field": "is_staff", "code": "unknown", "message": "Unknown field."}],
    }
    assert User.objects.values_list("full_name", "is_staff", "version").get(pk=user.pk) == (
        user.full_name,
        False,
        1,
    )


def test_a_read_only_field_is_refused_by_name_not_ignored(user_client, user):
    response = user_client.patch("/api/v1/auth/me/", {"email": "other@example.vn"})
    assert response.status_code == 400
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": "email: This field is read-only.",
        "code": "validation_error",
        "instance": "/api/v1/auth/me/",
        "errors": [{"field": "email", "code": "read_only", "message": "This field is read-only."}],
    }
    assert User.objects.values_list("email", "version").get(pk=user.pk) == (user.email, 1)


def test_a_request_without_credentials_is_401_not_authenticated(api_client, db):
    response = api_client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "type": "/problems/not-authenticated",
        "title": "Authentication required",
        "status": 401,
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "instance": "/api/v1/auth/me/",
    }


def test_a_bad_token_is_401_authentication_failed(api_client, db):
    response = api_client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION="Token not-a-real-token")
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


def test_a_non_manager_on_a_manager_collection_is_403_permission_denied(user_client):
    response = user_client.get("/api/v1/users/")
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/permission-denied",
        "title": "Permission denied",
        "status": 403,
        "detail": "You do not have permission to perform this action.",
        "code": "permission_denied",
        "instance": "/api/v1/users/",
    }


def test_an_unknown_url_under_the_api_is_a_problem_404(api_client, db):
    response = api_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No such URL.",
        "code": "not_found",
        "instance": "/api/v1/no-such-thing/",
    }


def test_an_unknown_record_is_a_problem_404(manager_client):
    path_ = "/api/v1/users/00000000-0000-4000-8000-000000000000/"
    response = manager_client.get(path_)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "Not found.",
        "code": "not_found",
        "instance": path_,
    }


def test_a_page_past_the_end_is_a_problem_404(manager_client):
    response = manager_client.get("/api/v1/users/?page=2")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "Invalid page.",
        "code": "not_found",
        "instance": "/api/v1/users/",
    }


def test_an_unsupported_method_is_405_with_the_allowed_ones(manager_client, user):
    response = manager_client.delete(f"/api/v1/users/{user.pk}/")
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert response["Allow"] == "GET, PATCH, HEAD, OPTIONS"
    assert response.json() == {
        "type": "/problems/method-not-allowed",
        "title": "Method not allowed",
        "status": 405,
        "detail": 'Method "DELETE" not allowed.',
        "code": "method_not_allowed",
        "instance": f"/api/v1/users/{user.pk}/",
    }
    assert User.objects.filter(pk=user.pk).exists()


def test_an_accept_header_we_cannot_serve_is_406(user_client):
    response = user_client.get("/api/v1/auth/me/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/not-acceptable",
        "title": "Not acceptable",
        "status": 406,
        "detail": "Could not satisfy the request Accept header.",
        "code": "not_acceptable",
        "instance": "/api/v1/auth/me/",
    }


def test_a_body_in_an_unsupported_media_type_is_415(user_client, user):
    response = user_client.patch("/api/v1/auth/me/", "full_name=Lan", content_type="text/plain")
    assert response.status_code == 415
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/unsupported-media-type",
        "title": "Unsupported media type",
        "status": 415,
        "detail": 'Unsupported media type "text/plain" in request.',
        "code": "unsupported_media_type",
        "instance": "/api/v1/auth/me/",
    }
    assert User.objects.values_list("full_name", "version").get(pk=user.pk) == (user.full_name, 1)


@pytest.mark.urls(__name__)
def test_an_unexpected_exception_in_an_api_view_is_a_500_problem_without_traceback(settings, db):
    settings.DEBUG = False
    client = APIClient(raise_request_exception=False)
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/server-error",
        "title": "Server error",
        "status": 500,
        "detail": "An unexpected error occurred.",
        "code": "server_error",
        "instance": "/api/v1/boom/",
    }


@pytest.mark.urls(__name__)
def test_a_row_deleted_while_the_request_ran_is_a_404_problem(settings, db):
    settings.DEBUG = False
    response = APIClient(raise_request_exception=False).get("/api/v1/vanished-unit/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "not_found"


@pytest.mark.urls(__name__)
def test_an_unexpected_exception_is_logged_with_its_traceback(settings, db, caplog):
    settings.DEBUG = False
    client = APIClient(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="softpark.api"):
        client.get("/api/v1/boom/")
    [record] = [r for r in caplog.records if r.name == "softpark.api"]
    assert record.getMessage() == "Unhandled error on /api/v1/boom/"
    assert str(record.exc_info[1]) == "secret internals: password=hunter2"


@pytest.mark.urls(__name__)
def test_an_unexpected_exception_outside_drf_under_the_api_is_a_500_problem(settings, db):
    settings.DEBUG = False
    client = APIClient(raise_request_exception=False)
    response = client.get("/api/v1/plain-boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/server-error",
        "title": "Server error",
        "status": 500,
        "detail": "An unexpected error occurred.",
        "code": "server_error",
        "instance": "/api/v1/plain-boom/",
    }


@pytest.mark.parametrize("code", sorted(PROBLEM_TYPES))
def test_each_problem_type_has_a_page_at_its_type_url(client, code):
    status, title, description = PROBLEM_TYPES[code]
    response = client.get(f"/problems/{code.replace('_', '-')}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page
    assert f"<code>{code}</code> · HTTP {status}" in page
    assert f"<p>{escape(description)}</p>" in page


def test_the_problem_index_links_every_problem_page(client):
    response = client.get("/problems/")
    assert response.status_code == 200
    page = response.content.decode()
    assert [
        code for code in PROBLEM_TYPES if f'href="/problems/{code.replace("_", "-")}"' in page
    ] == (list(PROBLEM_TYPES))


@pytest.mark.parametrize("slug", ["no-such-problem", "validation_error"])
def test_an_unknown_problem_page_is_404(client, db, slug):
    response = client.get(f"/problems/{slug}")
    assert response.status_code == 404


def test_healthz_answers_ok_without_credentials(api_client, db):
    response = api_client.get("/healthz", HTTP_AUTHORIZATION="Token stale-or-broken")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
