import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import make_manager, make_reviewer, make_token, make_user


def pytest_collection_modifyitems(config, items):
    """Deselect (not skip) PostgreSQL-only tests when the suite runs on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    # Throttle counts live in the (database) cache: each test starts with none.
    cache.clear()


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
