"""Schema-driven fuzzing: every operation of our own OpenAPI schema, called in-process.

The schema is loaded from `/api/v1/schema/`, so every endpoint a later issue adds joins the run
without touching this file. Each operation gets a bounded number of generated requests, valid
and invalid ones, sent as a manager; the generation is derandomized, so CI sends the same
requests on every run. Ids that collections answer with (`/users/` -> user ids) are fed to the
operations below them (`/users/{id}/`), so details and updates are reached, not only 404s.
Every operation that reads JSON is then sent bodies nested far deeper than any real one.
"""

import re
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_manager

EXAMPLES_PER_OPERATION_AND_MODE = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PROBLEM_CONTENT_TYPE = "application/problem+json"
PATH_PARAMETER = re.compile(r"\{(\w+)\}")
# Sent as raw bytes: json.dumps itself gives up on 5,000 levels.
DEEPLY_NESTED_BODIES = {
    "5,000 nested arrays": "[" * 5000 + "]" * 5000,
    "5,000 nested objects": '{"a": ' * 5000 + "1" + "}" * 5000,
    "65 nested objects": '{"a": ' * 64 + "{}" + "}" * 64,
}


@pytest.fixture
def in_process_app(db):
    """Django's WSGI application, answering in this thread on the test's database connection.

    Django's own test client does the same: `close_old_connections` on the request signals
    would close the connection in the middle of the test's transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def unthrottled(settings):
    # The throttle reads the rates on each request; the fuzzer sends far more than 10/hour.
    settings.THROTTLE_RATES = dict.fromkeys(settings.THROTTLE_RATES, "1000000/min")


@pytest.fixture
def fast_password_hashing(settings):
    # Registration, account creation and every failed login hash a password: PBKDF2's
    # deliberate slowness would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ids_in(body) -> list[str]:
    """The `id` of a created or fetched record, or of each row of a (paged) list."""
    if isinstance(body, dict):
        rows = body["results"] if isinstance(body.get("results"), list) else [body]
    else:
        rows = body if isinstance(body, list) else []
    return [row["id"] for row in rows if isinstance(row, dict) and isinstance(row.get("id"), str)]


def known_path_parameters(path: str, ids_by_path: dict[str, dict[str, None]]) -> dict | None:
    """`/users/{id}/` takes an id that `/users/` answered with; None while one is missing."""
    parameters = {}
    for match in PATH_PARAMETER.finditer(path):
        ids = ids_by_path.get(path[: match.start()])
        if not ids:
            return None
        parameters[match.group(1)] = next(iter(ids))
    return parameters


def fuzz_operation(operation, mode, *, manager, path_parameters, statuses, ids_by_path) -> None:
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION_AND_MODE,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case):
        # A fresh token per request: `DELETE /auth/token/` revokes the one it is sent with.
        _instance, token = AuthToken.objects.create(manager)
        # A savepoint per request: a database error is rolled back with its own request, so
        # one bug is reported once instead of aborting (on PostgreSQL) every request after it.
        with transaction.atomic():
            response = case.call(headers={"Authorization": f"Token {token}"})
        statuses[(operation.label, response.status_code)] += 1
        case.validate_response(response, checks=CHECKS)
        content_type = response.headers.get("content-type", [""])[0].split(";")[0].strip()
        if response.status_code >= 400:
            assert content_type == PROBLEM_CONTENT_TYPE, (
                f"{operation.label} answered {response.status_code} as {content_type!r}"
            )
        elif response.status_code < 300 and content_type == "application/json":
            for record_id in ids_in(response.json()):
                if record_id != str(manager.pk):  # the fuzzer must not demote its own caller
                    ids_by_path.setdefault(operation.path, {})[record_id] = None

    run()


def send_deeply_nested_bodies(operation, *, manager, path_parameters, outcomes) -> None:
    """Each of DEEPLY_NESTED_BODIES to an operation that reads JSON; `outcomes` collects
    (label, body name, status, problem code, the first error's code)."""
    content = operation.definition.raw.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return
    path = operation.path
    for name in PATH_PARAMETER.findall(path):  # an id seen earlier, else one that is not
        value = (path_parameters or {}).get(name, "00000000-0000-0000-0000-000000000000")
        path = path.replace(f"{{{name}}}", value)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(manager)[1]}")
    for name, body in DEEPLY_NESTED_BODIES.items():
        with transaction.atomic():
            response = client.generic(
                operation.method.upper(), path, body, content_type="application/json"
            )
        problem = response.json() if response["Content-Type"] == PROBLEM_CONTENT_TYPE else {}
        first_error = (problem.get("errors") or [{}])[0].get("code")
        outcomes.append(
            (operation.label, name, response.status_code, problem.get("code"), first_error)
        )


def test_every_operation_of_the_schema_answers_fuzzed_requests_without_a_server_error(
    in_process_app, unthrottled, fast_password_hashing
):
    manager = make_manager()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", in_process_app)
    # Collections come before their details (`/users/` < `/users/{id}/`), so ids are known.
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: (operation.path, operation.method != "post"),
    )
    statuses: Counter = Counter()
    ids_by_path: dict[str, dict[str, None]] = {}
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz_operation(
                    operation,
                    mode,
                    manager=manager,
                    path_parameters=known_path_parameters(operation.path, ids_by_path),
                    statuses=statuses,
                    ids_by_path=ids_by_path,
                )
            except Unsatisfiable:
                # No invalid form exists for inputs that are absent or free text.
                if mode != GenerationMode.NEGATIVE:
                    raise
            except (Exception, FailureGroup) as error:  # report every operation's failure
                failures.append(f"{operation.label} ({mode.value}): {error}")

    nested_outcomes: list[tuple] = []
    for operation in operations:
        send_deeply_nested_bodies(
            operation,
            manager=manager,
            path_parameters=known_path_parameters(operation.path, ids_by_path),
            outcomes=nested_outcomes,
        )

    assert failures == [], "\n\n".join(failures)
    # A deeply nested body is refused as unreadable (400 parse_error), or the request is
    # refused before its body is read (a 404 for an unknown id, a webhook's bad signature).
    assert [o for o in nested_outcomes if o[2] >= 500 or o[3] is None] == []
    assert [o for o in nested_outcomes if o[2] == 400 and o[4] != "parse_error"] == []
    parse_errors = {label for (label, _name, status, *_codes) in nested_outcomes if status == 400}
    assert {
        "POST /api/v1/auth/register/",
        "POST /api/v1/auth/token/",
        "PATCH /api/v1/auth/me/",
        "POST /api/v1/users/",
        "PATCH /api/v1/users/{id}/",
    } <= parse_errors
    # The run reached the application as a manager, details included, not only error paths.
    answered_2xx = {label for (label, status) in statuses if 200 <= status < 300}
    assert {
        "GET /healthz",
        "GET /api/v1/auth/me/",
        "GET /api/v1/users/",
        "POST /api/v1/users/",
        "GET /api/v1/users/{id}/",
        "PATCH /api/v1/users/{id}/",
    } <= answered_2xx
    assert {label for (label, _status) in statuses} == {op.label for op in operations}
