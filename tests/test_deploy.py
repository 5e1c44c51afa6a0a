"""Production readiness: `check --deploy` and the OpenAPI schema, run as an operator runs them.

Each command runs in a subprocess with the environment of a deployment. PYTEST_VERSION is
removed from it, because settings.py relaxes the security settings for the test run when it
sees that variable: the real production settings are the ones checked here.
"""

import os
import secrets
import subprocess
import sys

import yaml
from django.conf import settings

# Variables of the test run (or of a developer's shell) that would change what is checked.
INHERITED_NOT_WANTED = {
    "PYTEST_VERSION",
    "PYTEST_CURRENT_TEST",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
}
PROBLEM_STATUSES = {"400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422"}


def manage(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in INHERITED_NOT_WANTED}
    env.update(environment)
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def operations_of(schema: dict):
    for path, path_item in schema["paths"].items():
        for method, operation in path_item.items():
            if method in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}:
                yield f"{method.upper()} {path}", operation


def production_environment(tmp_path) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "park.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }


def test_check_deploy_prints_no_warning_under_production_variables(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **production_environment(tmp_path)
    )

    assert (result.returncode, result.stdout) == (
        0,
        "System check identified no issues (0 silenced).\n",
    )
    assert "WARNING" not in result.stderr
    assert "?: (security" not in result.stderr


def test_check_deploy_reports_the_debug_warning_when_debug_is_on(tmp_path):
    # The check above can fail: the same command flags a production setting that is wrong.
    environment = {**production_environment(tmp_path), "DEBUG": "1"}

    result = manage("check", "--deploy", "--fail-level", "WARNING", **environment)

    assert result.returncode == 1
    assert "?: (security.W018) You should not have DEBUG set to True" in result.stderr


def test_without_a_secret_key_and_with_debug_off_the_app_refuses_to_start(tmp_path):
    environment = production_environment(tmp_path)
    del environment["SECRET_KEY"]

    result = manage("check", **environment)

    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in result.stderr
    assert result.stdout == ""


def test_makemigrations_check_needs_no_secret_key_and_finds_the_models_in_step(tmp_path):
    environment = production_environment(tmp_path)
    del environment["SECRET_KEY"]

    result = manage("makemigrations", "--check", "--dry-run", **environment)

    assert (result.returncode, result.stdout, result.stderr) == (0, "No changes detected\n", "")


def test_the_openapi_schema_is_valid_and_generates_without_a_warning(tmp_path):
    schema_file = tmp_path / "schema.yaml"
    environment = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}"}

    result = manage(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file), **environment
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert yaml.safe_load(schema_file.read_text())["openapi"].startswith("3.")


def test_the_schema_is_the_committed_contract_docs_openapi_yaml(tmp_path):
    """Paths, fields, statuses and codes are a contract partners code against: a change to
    the schema is a deliberate change to docs/openapi.yaml (`make schema`), never a side effect
    of moving code around."""
    schema_file = tmp_path / "schema.yaml"
    environment = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}"}
    manage("spectacular", "--file", str(schema_file), **environment)
    committed = settings.BASE_DIR / "docs" / "openapi.yaml"

    assert yaml.safe_load(schema_file.read_text()) == yaml.safe_load(committed.read_text())


def test_every_operation_of_the_schema_documents_its_errors_as_problem_details(tmp_path):
    schema_file = tmp_path / "schema.yaml"
    environment = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}"}
    manage("spectacular", "--file", str(schema_file), **environment)
    schema = yaml.safe_load(schema_file.read_text())
    problem_body = {"schema": {"$ref": "#/components/schemas/Problem"}}

    undocumented = [
        (label, status)
        for label, operation in operations_of(schema)
        for status, response in operation["responses"].items()
        if status[0] in "45"
        and response.get("content") != {"application/problem+json": problem_body}
    ]
    missing = [
        (label, sorted(PROBLEM_STATUSES - set(operation["responses"])))
        for label, operation in operations_of(schema)
        if PROBLEM_STATUSES - set(operation["responses"])
    ]

    assert (undocumented, missing) == ([], [])
    assert schema["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
        "detail",
        "code",
        "instance",
    ]
