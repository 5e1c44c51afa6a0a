"""The chain's fixtures; tests/api/chain and tests/api/directory import them too."""

import pytest
from rest_framework.test import APIClient

from chain.services import partner_key_create
from tests.chain.factories import make_partner
from tests.factories import make_park


@pytest.fixture(autouse=True)
def _private_urls_allowed(settings):
    # Receivers and partner servers in these tests listen on loopback over plain http.
    settings.CHAIN_ALLOW_PRIVATE_URLS = True


@pytest.fixture
def home_park(db):
    return make_park(name="Công viên Phần mềm Mỹ Tho", slug="my-tho", is_home=True)


@pytest.fixture
def partner(db, home_park):
    return make_partner()


@pytest.fixture
def partner_key(partner):
    _record, key = partner_key_create(partner=partner, actor=None)
    return key


@pytest.fixture
def partner_client(partner_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner_key}")
    return client
