import pytest
from rest_framework.test import APIClient

from tests.factories import make_company, make_representative


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Real files, in a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def company(db):
    return make_company(legal_name="Công ty Cổ phần Phần mềm Đồng Tháp", short_name="DTSoft")


@pytest.fixture
def representative(company):
    return make_representative(company)


@pytest.fixture
def representative_client(representative):
    client = APIClient()
    client.force_authenticate(representative)
    return client
