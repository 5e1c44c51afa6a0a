"""The demo's two bookable rooms and week of bookings, loaded twice without duplicates."""

import pytest

from accounts.demo import seed_accounts
from bookings.demo import DEMO_BOOKINGS, seed_bookings
from bookings.models import Booking
from park.demo import seed_park
from park.models import Unit
from tenants.demo import seed_tenants

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_bookable_rooms_and_a_week_of_bookings_once():
    admin = seed_accounts()
    seed_tenants(admin)
    seed_park(admin)

    made = seed_bookings(admin)
    again = seed_bookings(admin)

    assert sorted(Unit.objects.filter(bookable=True).values_list("code", flat=True)) == [
        "A-1-M1",
        "A-1-M2",
    ]
    assert len(made) == len(DEMO_BOOKINGS) == Booking.objects.count()
    assert again == []
    assert Booking.objects.values("company").distinct().count() > 1
