"""`manage.py seed_demo`: demo data and the development admin, on development databases only."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEV_ADMIN_EMAIL
from accounts.models import User

ROOT = Path(__file__).resolve().parents[2]
REFUSAL = (
    f"seed_demo loads demo data and makes {DEV_ADMIN_EMAIL} a superuser with a published "
    "password, so it runs only with DEBUG=1. Pass --force to run it anyway (never on a "
    "production database)."
)


@pytest.mark.django_db
def test_without_debug_it_refuses_and_writes_nothing(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=StringIO())

    assert str(refused.value) == REFUSAL
    assert User.objects.count() == 0


def test_without_debug_the_command_exits_non_zero_with_the_reason(tmp_path):
    database = tmp_path / "production.sqlite3"
    environment = {
        **{name: value for name, value in os.environ.items() if name != "PYTEST_VERSION"},
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-key-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{database}",
    }

    finished = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 1
    assert finished.stderr.strip() == f"CommandError: {REFUSAL}"
    assert finished.stdout == ""
    assert not database.exists() or database.stat().st_size == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("debug", "arguments"), [(True, []), (False, ["--force"])])
def test_with_debug_or_force_it_loads_the_demo_and_the_development_admin(
    settings, debug, arguments
):
    settings.DEBUG = debug
    output = StringIO()

    call_command("seed_demo", *arguments, stdout=output)

    assert "Demo data loaded." in output.getvalue()
    assert User.objects.get(email=DEV_ADMIN_EMAIL).is_superuser is True
