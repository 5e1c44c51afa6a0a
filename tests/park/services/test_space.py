"""The space services with their declared writable fields: a change is checked on the
proposed record, written once through model_update, and nothing else may be set."""

import pytest

from park.exceptions import InvalidSpace, SpaceCodeTaken
from park.models import Unit
from park.services import park_create, unit_create, unit_update
from tests.factories import make_floor, make_lease, make_unit

pytestmark = pytest.mark.django_db


def unit_data(floor, **overrides) -> dict:
    return {"floor": floor, "code": "A-101", "kind": "office", "capacity": 4, **overrides}


def test_unit_create_copies_the_park_of_the_floor():
    floor = make_floor()
    unit = unit_create(data=unit_data(floor, name="Phòng 101"), actor=None)
    assert (unit.park_id, unit.name, unit.history.count()) == (
        floor.building.park_id,
        "Phòng 101",
        1,
    )


def test_unit_create_refuses_a_field_that_is_not_writable():
    floor = make_floor()
    with pytest.raises(TypeError):
        unit_create(data=unit_data(floor, park=floor.building.park), actor=None)
    assert not Unit.objects.exists()


def test_unit_update_refuses_a_taken_code_and_writes_nothing():
    floor = make_floor()
    make_unit(floor=floor, code="A-1")
    unit = make_unit(floor=floor, code="A-2")
    with pytest.raises(SpaceCodeTaken):
        unit_update(unit=unit, data={"code": "A-1"}, actor=None)
    unit.refresh_from_db()
    assert (unit.code, unit.version, unit.history.count()) == ("A-2", 1, 1)


def test_unit_update_checks_the_proposed_capacity_against_its_leases():
    office = make_unit(capacity=8)
    make_lease(unit=office)
    with pytest.raises(InvalidSpace) as refusal:
        unit_update(unit=office, data={"capacity": 4}, actor=None)
    assert (refusal.value.field, refusal.value.code) == ("capacity", "leased")
    office.refresh_from_db()
    assert (office.capacity, office.version) == (8, 1)


def test_unit_update_writes_only_what_changed():
    unit = make_unit(name="Cũ")
    unit_update(unit=unit, data={"name": "Cũ"}, actor=None)
    unit.refresh_from_db()
    assert (unit.version, unit.history.count()) == (1, 1)
    changed = unit_update(unit=unit, data={"name": "Mới", "code": unit.code}, actor=None)
    assert (changed.name, changed.version, changed.history.count()) == ("Mới", 2, 2)


def test_unit_update_moves_a_unit_to_a_floor_of_another_park_and_copies_its_park():
    unit, elsewhere = make_unit(), make_floor()
    moved = unit_update(unit=unit, data={"floor": elsewhere}, actor=None)
    moved.refresh_from_db()
    assert (moved.floor_id, moved.park_id) == (elsewhere.pk, elsewhere.building.park_id)


def test_park_create_refuses_a_second_home_park():
    park_create(data={"name": "Một", "slug": "mot", "is_home": True}, actor=None)
    with pytest.raises(SpaceCodeTaken) as refusal:
        park_create(data={"name": "Hai", "slug": "hai", "is_home": True}, actor=None)
    assert refusal.value.field == "is_home"
