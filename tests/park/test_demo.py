"""The demo park (`park.demo.seed_park`, run by `manage.py seed_demo`)."""

from datetime import date

import pytest
from django.utils import timezone

from park.demo import DEMO_LEASES, seed_park
from park.models import Building, Floor, Lease, LeaseStatus, Park, Unit, UnitKind
from park.occupancy import leases_ending_within, occupancy_rows
from tenants.demo import seed_tenants
from tenants.models import Company

pytestmark = pytest.mark.django_db

TODAY = date(2027, 5, 14)  # where lease dates do not matter


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo tenants' logos are real files


def test_the_demo_park_has_every_kind_on_planned_floors_and_leases_of_every_tense(
    manager, media_root
):
    seed_tenants(manager)
    park = seed_park(manager)
    today = timezone.localdate()  # the services decide activation on the real day

    assert (park.name, park.city, park.province, park.is_home) == (
        "Mekong Software Park",
        "Mỹ Tho",
        "Tiền Giang",
        True,
    )
    assert park.land_area_m2 == 20000
    assert Building.objects.filter(park=park).count() == 2
    assert {unit.kind for unit in Unit.objects.filter(park=park)} == set(UnitKind.values)
    pool = Unit.objects.get(park=park, kind=UnitKind.COWORKING)
    assert (pool.capacity, "ươm tạo" in pool.name) == (40, True)
    for floor in Floor.objects.filter(building__park=park):
        assert (floor.plan_width, floor.plan_height) == (1000, 600)
        for unit in floor.units.all():
            xs = [x for x, _y in unit.plan_polygon]
            ys = [y for _x, y in unit.plan_polygon]
            assert 0 <= min(xs) < max(xs) <= floor.plan_width
            assert 0 <= min(ys) < max(ys) <= floor.plan_height

    assert Lease.objects.count() == len(DEMO_LEASES)
    statuses = {lease.status_on(today) for lease in Lease.objects.all()}
    assert statuses == {LeaseStatus.ACTIVE, LeaseStatus.ENDED, LeaseStatus.UPCOMING}
    assert len(leases_ending_within(days=90, on=today)) >= 2
    [whole] = occupancy_rows(park=park, on=today, group_by="park")
    assert 0.4 < whole["rate"] < 0.9
    assert Unit.objects.filter(park=park, is_active=False).count() == 1
    assert Company.objects.get(short_name="Sơn Trà Audio").status == "exited"

    counts = (Park.objects.count(), Unit.objects.count(), Lease.objects.count())
    seed_park(manager, today=date(2031, 9, 1))  # another day: still nothing new
    assert (Park.objects.count(), Unit.objects.count(), Lease.objects.count()) == counts


def test_the_demo_park_is_not_home_when_another_park_already_is(manager):
    Park.objects.create(name="Other", slug="other", is_home=True)
    park = seed_park(manager, today=TODAY)
    assert park.is_home is False
    assert Lease.objects.count() == 0  # no demo companies: the space alone
