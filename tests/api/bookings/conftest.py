from datetime import timedelta

import pytest
from django.utils import timezone

from tests.bookings.factories import make_park_with_room, make_tenant, soon
from tests.factories import make_representative


@pytest.fixture
def room(db):
    _park, room = make_park_with_room(code="M-201", capacity=8)
    return room


@pytest.fixture
def company(room):
    """An active tenant of the room's park, its lease covering the real clock's weeks."""
    return make_tenant(room, start_date=timezone.localdate() - timedelta(days=30), end_date=None)


@pytest.fixture
def representative(company):
    return make_representative(company)


@pytest.fixture
def rep_client(api_client, representative):
    api_client.force_authenticate(representative)
    return api_client


@pytest.fixture
def day():
    return soon(7)
