"""`core.services.model_update`: the one set / validate / save loop of every update service."""

import pytest
from django.core.exceptions import ValidationError

from core.services import model_update, writable_data
from park.models import Unit
from tests.factories import make_floor, make_manager, make_park, make_unit

pytestmark = pytest.mark.django_db

FIELDS = ("name", "city", "province", "land_area_m2")


def test_only_the_changed_fields_are_saved_with_one_version_bump_and_the_actor_in_history():
    park = make_park(name="Mỹ Tho", city="Mỹ Tho")
    manager = make_manager()
    version = park.version

    changed = model_update(
        instance=park, fields=FIELDS, data={"name": "Tiền Giang", "city": "Mỹ Tho"}, actor=manager
    )

    park.refresh_from_db()
    assert (changed, park.name, park.version) == (["name"], "Tiền Giang", version + 1)
    latest = park.history.latest()
    assert (latest.history_type, latest.history_user, latest.name, latest.version) == (
        "~",
        manager,
        "Tiền Giang",
        version + 1,
    )


def test_nothing_changed_writes_nothing(django_assert_num_queries):
    park = make_park(name="Mỹ Tho")
    rows = park.history.count()

    with django_assert_num_queries(0):
        changed = model_update(instance=park, fields=FIELDS, data={"name": "Mỹ Tho"})

    park.refresh_from_db()
    assert (changed, park.version, park.history.count()) == ([], 1, rows)


def test_an_update_is_the_version_read_under_lock_the_update_and_the_history_row(
    django_assert_num_queries,
):
    park = make_park(name="Mỹ Tho")

    with django_assert_num_queries(3):
        model_update(instance=park, fields=FIELDS, data={"name": "Tiền Giang"})


def test_a_relation_is_compared_by_its_id_without_loading_it(django_assert_num_queries):
    unit = Unit.objects.get(pk=make_unit().pk)  # its floor is not loaded

    with django_assert_num_queries(0):
        changed = model_update(instance=unit, fields=("floor",), data={"floor": unit.floor_id})

    assert changed == []


def test_a_field_outside_the_declared_ones_is_a_programming_error_and_nothing_is_written():
    park = make_park(name="Mỹ Tho")

    with pytest.raises(TypeError, match="is_home"):
        model_update(instance=park, fields=FIELDS, data={"name": "X", "is_home": True})

    park.refresh_from_db()
    assert (park.name, park.is_home, park.version) == ("Mỹ Tho", False, 1)


def test_field_validation_runs_before_anything_is_saved():
    park = make_park(name="Mỹ Tho")

    with pytest.raises(ValidationError) as refused:
        model_update(instance=park, fields=FIELDS, data={"name": ""})

    park.refresh_from_db()
    assert (list(refused.value.error_dict), park.name, park.version) == (["name"], "Mỹ Tho", 1)


def test_writable_data_refuses_undeclared_keys_and_passes_declared_ones():
    assert writable_data(FIELDS, {"name": "A"}) == {"name": "A"}
    with pytest.raises(TypeError, match="floor"):
        writable_data(FIELDS, {"floor": make_floor()})
