"""A park ready to bill: seller settings (15 days' terms), its 2027 series, a tenant company
with a representative; and clients for the manager, the representative and an outsider."""

import pytest
from rest_framework.test import APIClient

from tests.billing.factories import make_billing_settings, make_series
from tests.factories import make_company, make_park, make_representative, make_user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def park(db):
    park = make_park(slug="mekong")
    make_billing_settings(park)
    return park


@pytest.fixture
def series(park):
    return make_series(park, year=2027)


@pytest.fixture
def company(db):
    return make_company(legal_name="Công ty Cổ phần Phần mềm Đồng Tháp", address="1 Lê Lợi")


@pytest.fixture
def representative(company):
    return make_representative(company)


@pytest.fixture
def representative_client(representative):
    return client_for(representative)


@pytest.fixture
def outsider_client(db):
    return client_for(make_user())
