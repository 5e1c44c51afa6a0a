"""The hand-written reads on lease_create's path build the instances the ORM builds."""

from datetime import date

import pytest
from django.db import transaction

from park.models import Lease, Unit
from park.selectors import leases_overlapping, unit_for_update, unit_for_update_with_leases
from tests.factories import make_lease, make_pool

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
    }


def test_unit_for_update_reads_every_field_as_the_orm_does():
    pool = make_pool(desks=12, area_m2="80.50", plan_polygon=[[0, 0], [10, 0], [10, 6], [0, 6]])
    with transaction.atomic():
        locked = unit_for_update(pool.pk)
    assert _fields(locked) == _fields(Unit.objects.get(pk=pool.pk))
    assert str(locked.area_m2) == "80.50"


def test_unit_for_update_of_a_missing_unit_raises_does_not_exist():
    with transaction.atomic(), pytest.raises(Unit.DoesNotExist):
        unit_for_update(make_pool().pk.hex[::-1])  # a well-formed id of no unit


def test_leases_overlapping_match_the_orm_query_by_start_date():
    pool = make_pool(desks=10)
    late = make_lease(unit=pool, desks=2, start_date=date(2031, 5, 1), end_date=None)
    early = make_lease(unit=pool, desks=3, start_date=date(2031, 1, 1), end_date=date(2031, 3, 31))
    make_lease(unit=pool, desks=1, start_date=date(2030, 1, 1), end_date=date(2030, 12, 31))

    found = leases_overlapping(unit=pool, start_date=date(2031, 3, 31), end_date=date(2031, 5, 1))

    assert [lease.pk for lease in found] == [early.pk, late.pk]
    assert [_fields(lease) for lease in found] == [
        _fields(Lease.objects.get(pk=early.pk)),
        _fields(Lease.objects.get(pk=late.pk)),
    ]
    assert (
        leases_overlapping(unit=pool, start_date=date(2031, 4, 1), end_date=date(2031, 4, 30)) == []
    )
    open_ended = leases_overlapping(unit=pool, start_date=date(2040, 1, 1), end_date=None)
    assert [lease.pk for lease in open_ended] == [late.pk]
    assert (
        leases_overlapping(unit=pool, start_date=date(2040, 1, 1), end_date=None, exclude=late)
        == []
    )


def test_unit_for_update_with_leases_reads_both_as_the_separate_reads_do():
    pool = make_pool(desks=10)
    make_lease(unit=pool, desks=2, start_date=date(2031, 5, 1), end_date=None)
    make_lease(unit=pool, desks=3, start_date=date(2031, 1, 1), end_date=date(2031, 3, 31))
    span = {"start_date": date(2031, 3, 1), "end_date": date(2031, 6, 30)}

    with transaction.atomic():
        locked, overlapping = unit_for_update_with_leases(pool.pk, **span)
        assert _fields(locked) == _fields(unit_for_update(pool.pk))
        assert [_fields(lease) for lease in overlapping] == [
            _fields(lease) for lease in leases_overlapping(unit=pool, **span)
        ]
        assert len(overlapping) == 2
        with pytest.raises(Unit.DoesNotExist):
            unit_for_update_with_leases(pool.pk.hex[::-1], **span)
