"""A database that does not answer: 503 service_unavailable with Retry-After, logged once.

The faults are real and our own: the default connection re-pointed where nothing answers (a
closed port on PostgreSQL, a file under a regular file on SQLite), or our own PostgreSQL
session terminated from a second connection. The machine's server keeps running.
"""

import logging
import socket
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from api.base.errors import outage_log
from tests.factories import make_manager, make_token

PROBLEM = "application/problem+json"
UNAVAILABLE = {
    "type": "/problems/service-unavailable",
    "title": "Service unavailable",
    "status": 503,
    "detail": "The database does not answer; retry in a few seconds.",
    "code": "service_unavailable",
}

pytestmark = pytest.mark.django_db(transaction=True)  # the tests close the connection


@pytest.fixture(autouse=True)
def _a_new_burst():
    outage_log.reset()
    yield
    outage_log.reset()


@contextmanager
def database_unreachable(tmp_path):
    """Point the default connection where no database answers, as while PostgreSQL restarts."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        with socket.socket() as probe:  # a port nothing listens on: connections are refused
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        connection.settings_dict.update(HOST="127.0.0.1", PORT=port)
    else:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        connection.settings_dict["NAME"] = str(blocker / "softpark.sqlite3")  # cannot be opened
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def _signed_in():
    manager = make_manager()
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {make_token(manager)}")
    admin = Client(raise_request_exception=False)
    admin.force_login(manager)
    return api, admin


def test_every_request_answers_503_with_retry_after_while_the_database_is_unreachable(tmp_path):
    api, admin = _signed_in()
    with database_unreachable(tmp_path):
        health = api.get("/healthz")
        units = api.get("/api/v1/units/")
        login = Client().post(
            "/api/v1/auth/token/",
            {"username": "a@example.vn", "password": "x"},
            content_type="application/json",
        )
        admin_page = admin.get("/admin/")

    assert (health.status_code, health["Content-Type"], health["Retry-After"]) == (
        503,
        PROBLEM,
        "5",
    )
    assert health.json() == {**UNAVAILABLE, "instance": "/healthz", "database": "unavailable"}
    assert (units.status_code, units["Content-Type"], units["Retry-After"]) == (503, PROBLEM, "5")
    assert units.json() == {**UNAVAILABLE, "instance": "/api/v1/units/"}
    assert (login.status_code, login["Retry-After"]) == (503, "5")
    assert login.json() == {**UNAVAILABLE, "instance": "/api/v1/auth/token/"}
    assert (admin_page.status_code, admin_page["Retry-After"]) == (503, "5")
    assert (
        admin_page.content == b"The service is unavailable for a moment; retry in a few seconds.\n"
    )
    assert api.get("/healthz").json() == {"status": "ok", "database": "ok"}  # back again


def test_an_outage_is_logged_once_per_burst_without_a_traceback(tmp_path, caplog):
    api, admin = _signed_in()
    with database_unreachable(tmp_path), caplog.at_level(logging.INFO):
        statuses = [api.get("/api/v1/units/").status_code for _ in range(5)]
        statuses += [api.get("/healthz").status_code, admin.get("/admin/").status_code]

    assert statuses == [503] * 7
    [record] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert (record.name, record.levelname, record.exc_info) == ("softpark.api", "ERROR", None)
    assert record.getMessage().startswith("Database unavailable (OperationalError: ")
    assert record.getMessage().endswith(
        "on /api/v1/units/; 0 more failure(s) since the last report, "
        "the next within 60 s are not logged"
    )


@pytest.mark.postgres
def test_a_session_postgresql_terminates_answers_503_and_the_next_connection_works():
    manager = make_manager()
    api = Client(HTTP_AUTHORIZATION=f"Token {make_token(manager)}")
    assert api.get("/api/v1/units/").status_code == 200  # the session is open now
    own_session = connection.connection.info.backend_pid
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [own_session])
    finally:
        other.close()

    lost = api.get("/api/v1/units/")
    connection.close()  # a new request starts with a new connection, as Django's handler does
    back = api.get("/api/v1/units/")

    assert (lost.status_code, lost["Retry-After"]) == (503, "5")
    assert lost.json() == {**UNAVAILABLE, "instance": "/api/v1/units/"}
    assert back.status_code == 200
