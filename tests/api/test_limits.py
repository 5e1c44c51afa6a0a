"""Limits: JSON bodies of at most 1 MB (413), per-role throttles (429), page size <= 200."""

import json
import socket
import threading
import uuid
from urllib.parse import urlsplit

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.test.client import FakePayload
from rest_framework.test import APIClient

from accounts.models import User
from api.base.throttles import RoleRateThrottle
from tests.factories import PASSWORD, link_without_after, make_token, make_user, make_users

# A whole hour since the epoch: the first second of a minute's and of an hour's window.
WINDOW_START = 1_800_000_000.0


@pytest.fixture(autouse=True)
def throttle_clock(monkeypatch):
    """The throttles' clock, set by each test (their windows are aligned to it); it starts
    at a window's first second, so a caller throttled at once waits the whole window."""
    clock = {"now": WINDOW_START}
    monkeypatch.setattr(RoleRateThrottle, "timer", staticmethod(lambda: clock["now"]))
    return clock


PROBLEM = "application/problem+json"
ONE_MB = 1024 * 1024


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def throttle_cache(request, settings):
    """Each throttle test runs on both caches a deployment may count in: the database cache
    (counts read, then written) and Redis with REDIS_URL (counted by INCR, one round trip)."""
    if request.param == "redis":
        from tests.conftest import redis_url

        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.ReusedClientRedisCache",
                "LOCATION": redis_url(),
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            }
        }
        yield request.param
        from django.core.cache import cache

        cache.clear()
    else:
        yield request.param


def _over_one_mb() -> str:
    return json.dumps({"full_name": "x" * ONE_MB})


def test_a_json_body_over_one_mb_is_413_and_changes_nothing(user_client, user):
    response = user_client.patch(
        "/api/v1/auth/me/", _over_one_mb(), content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/payload-too-large",
        "title": "Payload too large",
        "status": 413,
        "detail": "The request body is larger than 1024 KB.",
        "code": "payload_too_large",
        "instance": "/api/v1/auth/me/",
    }
    assert User.objects.values_list("full_name", "version").get(pk=user.pk) == (user.full_name, 1)


def test_a_json_body_of_exactly_one_mb_is_read(user_client, user):
    body = json.dumps({"full_name": ""})
    body = body[:-2] + " " * (ONE_MB - len(body)) + body[-2:]  # padded with white space
    assert len(body) == ONE_MB
    response = user_client.patch("/api/v1/auth/me/", body, content_type="application/json")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_json_body_that_understates_its_content_length_is_413():
    # WSGI servers cut the body at Content-Length; an ASGI server hands over all of it, so
    # the JSON parser counts what it reads instead of trusting the header.
    make_user(email="lan@example.vn")
    body = json.dumps({"username": "lan@example.vn", "password": "x" * ONE_MB}).encode()
    scope = {
        "method": "POST",
        "path": "/api/v1/auth/token/",
        "query_string": "",
        "server": ("127.0.0.1", "80"),
        "scheme": "http",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", b"64"),
        ],
        "_body_file": FakePayload(body),
    }
    response = async_to_sync(AsyncClient().request)(**scope)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert json.loads(response.content) == {
        "type": "/problems/payload-too-large",
        "title": "Payload too large",
        "status": 413,
        "detail": "JSON bodies are limited to 1024 KB.",
        "code": "payload_too_large",
        "instance": "/api/v1/auth/token/",
    }


def _throttled_body(path: str, seconds: int) -> dict:
    return {
        "type": "/problems/throttled",
        "title": "Too many requests",
        "status": 429,
        "detail": f"Request was throttled. Expected available in {seconds} seconds.",
        "code": "throttled",
        "instance": path,
    }


def test_anonymous_callers_are_throttled_with_retry_after(throttle_cache, api_client, settings, db):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "2/min"}
    login = {"username": "nobody@example.vn", "password": "guess"}
    statuses = [api_client.post("/api/v1/auth/token/", login).status_code for _ in range(2)]
    response = api_client.post("/api/v1/auth/token/", login)
    assert statuses == [400, 400]
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert response["Retry-After"] == "60"
    assert response.json() == _throttled_body("/api/v1/auth/token/", 60)


def test_signed_in_users_are_throttled_at_the_user_rate(throttle_cache, user_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "user": "3/hour"}
    statuses = [user_client.get("/api/v1/auth/me/").status_code for _ in range(4)]
    response = user_client.get("/api/v1/auth/me/")
    assert statuses == [200, 200, 200, 429]
    assert response["Retry-After"] == "3600"
    assert response.json() == _throttled_body("/api/v1/auth/me/", 3600)


def test_one_users_throttle_does_not_hold_back_another(throttle_cache, token_client, settings, db):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "user": "1/min"}
    first, second = token_client(make_user()), token_client(make_user())
    assert [first.get("/api/v1/auth/me/").status_code for _ in range(2)] == [200, 429]
    assert second.get("/api/v1/auth/me/").status_code == 200


def test_a_crowd_of_other_callers_does_not_reset_a_users_count(token_client, settings, db):
    from django.core.cache import cache

    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "user": "1/min"}
    client = token_client(make_user())
    assert client.get("/api/v1/auth/me/").status_code == 200
    # 400 other callers' counts. Django culls the alphabetically first third of a full
    # cache table, so these sort after this user's key: a cull would take the user's first.
    for number in range(400):
        cache.set(f"throttle_user_user-~{number:03d}", [1.0], 60)
    assert client.get("/api/v1/auth/me/").status_code == 429


def test_managers_are_throttled_at_the_manager_rate(throttle_cache, manager_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "user": "1/min", "manager": "2/min"}
    statuses = [manager_client.get("/api/v1/users/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_registration_has_its_own_stricter_rate(throttle_cache, api_client, settings, db):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "100/min", "register": "1/hour"}
    first = api_client.post(
        "/api/v1/auth/register/",
        {"email": "an@example.vn", "password": PASSWORD, "full_name": "An"},
    )
    second = api_client.post(
        "/api/v1/auth/register/",
        {"email": "binh@example.vn", "password": PASSWORD, "full_name": "Bình"},
    )
    assert first.status_code == 201
    assert second.status_code == 429
    assert second["Retry-After"] == "3600"
    assert second.json() == _throttled_body("/api/v1/auth/register/", 3600)
    assert list(User.objects.values_list("email", flat=True)) == ["an@example.vn"]


def test_throttle_counts_live_in_the_shared_cache(throttle_cache, settings, db):
    # Two clients from the same address share one anonymous count, as two server
    # processes would: the count is in the cache, not in a process.
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "1/min"}
    login = {"username": "nobody@example.vn", "password": "guess"}
    assert APIClient().post("/api/v1/auth/token/", login).status_code == 400
    assert APIClient().post("/api/v1/auth/token/", login).status_code == 429


def test_the_previous_windows_count_fades_as_the_window_slides(
    throttle_cache, token_client, settings, db, throttle_clock
):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "user": "10/min"}
    client = token_client(make_user())
    assert [client.get("/api/v1/auth/me/").status_code for _ in range(11)] == [200] * 10 + [429]
    # A quarter into the next minute, three quarters of the last one's 10 still count (7.5):
    # three more requests fit (9.5), a fourth would make 10.5.
    throttle_clock["now"] = WINDOW_START + 60 + 15
    statuses = [client.get("/api/v1/auth/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/auth/me/")
    # 7.5 + 3 fades below 10 once the last minute's share is under 7: 18 s in.
    assert refused["Retry-After"] == "3"
    throttle_clock["now"] = WINDOW_START + 60 + 18.5
    assert client.get("/api/v1/auth/me/").status_code == 200
    # Two windows later nothing of the first one counts.
    throttle_clock["now"] = WINDOW_START + 120 + 30
    statuses = [client.get("/api/v1/auth/me/").status_code for _ in range(6)]
    assert statuses == [200] * 6


def test_a_throttle_count_stays_two_small_numbers_whatever_the_rate(throttle_cache, settings, db):
    """DRF's own throttle keeps every request's time in one cache entry (up to the rate's
    count, read and written whole on each request); ours keeps two integers."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache

    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "100000/min"}
    request = SimpleNamespace(
        partner=None, user=AnonymousUser(), META={"REMOTE_ADDR": "203.0.113.9"}, headers={}
    )
    for _ in range(1_000):
        throttle = RoleRateThrottle()
        assert throttle.allow_request(request, None)
    key = f"{throttle.key}:{int(WINDOW_START // 60)}"
    assert cache.get(key) == 1_000


def test_page_size_is_25_by_default(manager_client):
    make_users(29)
    response = manager_client.get("/api/v1/users/")
    body = response.json()
    assert (body["count"], len(body["results"])) == (30, 25)
    assert link_without_after(body["next"]) == "http://testserver/api/v1/users/?page=2"


def test_page_size_is_clamped_to_200(manager_client):
    make_users(201)
    response = manager_client.get("/api/v1/users/?page_size=500")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], len(body["results"])) == (202, 200)
    assert (
        link_without_after(body["next"]) == "http://testserver/api/v1/users/?page=2&page_size=500"
    )
    assert body["previous"] is None
    last = manager_client.get(body["next"]).json()
    assert len(last["results"]) == 2


def test_a_forged_x_forwarded_for_does_not_reset_the_login_throttle(
    throttle_cache, api_client, settings, db
):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "2/min"}
    login = {"username": "nobody@example.vn", "password": "guess"}
    statuses = [
        api_client.post(
            "/api/v1/auth/token/", login, HTTP_X_FORWARDED_FOR=f"203.0.113.{number}"
        ).status_code
        for number in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_a_forged_x_forwarded_for_does_not_reset_the_registration_throttle(
    throttle_cache, api_client, settings, db
):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "100/min", "register": "1/hour"}
    statuses = [
        api_client.post(
            "/api/v1/auth/register/",
            {"email": f"an{number}@example.vn", "password": PASSWORD, "full_name": "An"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        ).status_code
        for number in range(2)
    ]
    assert statuses == [201, 429]
    assert list(User.objects.values_list("email", flat=True)) == ["an0@example.vn"]


def test_behind_one_proxy_the_address_it_adds_is_the_client(
    throttle_cache, api_client, settings, db
):
    # The proxy appends the address it saw; whatever the client wrote before it is not trusted.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "1/min"}
    login = {"username": "nobody@example.vn", "password": "guess"}

    def status_from(forwarded_for: str) -> int:
        return api_client.post(
            "/api/v1/auth/token/", login, HTTP_X_FORWARDED_FOR=forwarded_for
        ).status_code

    assert status_from("198.51.100.7") == 400
    assert status_from("10.0.0.1, 198.51.100.7") == 429
    assert status_from("10.0.0.2, 198.51.100.8") == 400


def test_num_proxies_is_read_from_the_environment_and_is_zero_by_default():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def _nested(depth: int) -> str:
    return '{"a": ' * (depth - 1) + "{}" + "}" * (depth - 1)


def test_json_nested_64_levels_deep_is_read_and_65_is_a_parse_error(user_client):
    # 65 levels parse in Python, but anything that walks them later (a serializer, the
    # idempotency fingerprint) recurses again on top of the request's own stack.
    assert json.loads(_nested(64)) is not None
    read = user_client.patch("/api/v1/auth/me/", _nested(64), content_type="application/json")
    refused = user_client.patch("/api/v1/auth/me/", _nested(65), content_type="application/json")
    assert read.json()["errors"] == [{"field": "a", "code": "unknown", "message": "Unknown field."}]
    assert refused.json()["errors"] == [
        {
            "field": "non_field_errors",
            "code": "parse_error",
            "message": "JSON parse error - nested deeper than 64 levels.",
        }
    ]


def _send_chunked(live_server, method: str, path: str, chunks: list[bytes], headers: dict):
    """A real chunked request: WSGI gives the app no Content-Length for it.

    Written in one piece on a raw socket: the server may answer and close before it reads
    the body, and a client still sending chunk by chunk then loses the answer to a broken
    pipe (http.client did, now and then)."""
    address = urlsplit(live_server.url)
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {address.hostname}:{address.port}",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
        "Connection: close",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
        answer = b""
        while data := connection.recv(65536):
            answer += data
    head, _, content = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    answer_headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), answer_headers.get("Content-Type"), json.loads(content)


@pytest.mark.django_db(transaction=True)
def test_a_chunked_request_body_is_refused_with_411_not_read_as_empty(live_server):
    user = make_user(full_name="Lan")
    token = make_token(user)
    body = json.dumps({"full_name": "Trần Thị Lan"}).encode()
    status, content_type, problem = _send_chunked(
        live_server,
        "PATCH",
        "/api/v1/auth/me/",
        [body[:10], body[10:]],
        {"Authorization": f"Token {token}"},
    )
    assert (status, content_type) == (411, PROBLEM)
    assert problem == {
        "type": "/problems/length-required",
        "title": "Length required",
        "status": 411,
        "detail": "Send the body with a Content-Length: chunked request bodies are not read.",
        "code": "length_required",
        "instance": "/api/v1/auth/me/",
    }
    assert User.objects.values_list("full_name", "version").get(pk=user.pk) == ("Lan", 1)


@pytest.mark.redis
def test_with_redis_parallel_requests_are_each_counted(settings, db):
    """Redis counts by INCR: 8 threads sending 25 requests each leave exactly 200."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import caches

    from tests.conftest import redis_url

    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ReusedClientRedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "anon": "100000/min"}
    request = SimpleNamespace(
        partner=None, user=AnonymousUser(), META={"REMOTE_ADDR": "203.0.113.7"}, headers={}
    )
    start_together, refused = threading.Barrier(8), []

    def client() -> None:
        start_together.wait()
        for _ in range(25):
            if not RoleRateThrottle().allow_request(request, None):
                refused.append(1)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    throttle = RoleRateThrottle()
    throttle.allow_request(request, None)
    assert refused == []
    assert caches["default"].get(f"{throttle.key}:{int(WINDOW_START // 60)}") == 201
    caches["default"].clear()
