"""The incubator tests' fixtures and `client_for`, shared by tests/incubator (services, admin,
emails) and tests/api/incubator (HTTP); each conftest imports the fixtures from here."""

import pytest
from rest_framework.test import APIClient

from tests.factories import make_manager, make_program, make_reviewer, make_user


@pytest.fixture(autouse=True)
def _storage_and_mail(settings, tmp_path):
    """Real files in throwaway roots; mail kept in django.core.mail.outbox."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def program(db):
    return make_program(name="Mekong Startup Incubation 2027", slug="mekong-2027")


@pytest.fixture
def applicant(db):
    return make_user(email="founder@example.vn", full_name="Lê Hoàng Phúc")


@pytest.fixture
def applicant_client(applicant):
    return client_for(applicant)


@pytest.fixture
def other_applicant_client(db):
    return client_for(make_user(email="someone-else@example.vn"))


@pytest.fixture
def reviewer_user(db):
    return make_reviewer(email="reviewer@example.vn", full_name="Trần Văn Minh")


@pytest.fixture
def second_manager(db):
    return make_manager()
