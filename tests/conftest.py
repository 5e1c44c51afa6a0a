import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from api.base.pagination import forget_estimates
from tests.factories import make_manager, make_reviewer, make_token, make_user


def redis_url() -> str | None:
    """The Redis the `redis` tests use: REDIS_URL, else one answering on 127.0.0.1:6379."""
    import os
    import socket

    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return None
    return "redis://127.0.0.1:6379/0"


def pytest_collection_modifyitems(config, items):
    """Deselect (not skip) PostgreSQL-only tests when the suite runs on SQLite, and Redis
    tests when no Redis answers."""
    from django.conf import settings

    unavailable = set()
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        unavailable.add("postgres")
    if any(item.get_closest_marker("redis") for item in items) and redis_url() is None:
        unavailable.add("redis")
    kept, dropped = [], []
    for item in items:
        needs = {name for name in unavailable if item.get_closest_marker(name)}
        (dropped if needs else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    # Throttle counts live in the (database) cache: each test starts with none; nor does it
    # inherit the planner estimates a page count remembered for an earlier test's tables.
    cache.clear()
    forget_estimates()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def manager(db):
    return make_manager()


@pytest.fixture
def reviewer(db):
    return make_reviewer()


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def manager_client(manager):
    client = APIClient()
    client.force_authenticate(manager)
    return client


@pytest.fixture
def user_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Django's default PBKDF2 costs ~0.4 s a hash; the suite checks behaviour, not the cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def token_client():
    """`token_client(user)`: a client that sends a real knox token, as clients do."""

    def build(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
        return client

    return build
