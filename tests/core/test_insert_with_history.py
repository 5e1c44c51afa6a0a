"""`core.models.insert_with_history` (lease_create's one-round-trip INSERT) against the ORM's
`save(force_insert=True)`: the same record row and the same simple-history row, column by
column, and nothing written when the INSERT fails."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.models import insert_with_history
from park.models import Lease
from tests.factories import make_company, make_unit, make_user

# Differ by construction between two rows: their ids, their units, and the moments written.
_OWN = {"id", "unit_id", "created_at", "updated_at", "history_id", "history_date"}


def _lease(unit, company, **fields) -> Lease:
    return Lease(
        unit=unit,
        company=company,
        desks=unit.capacity,
        is_exclusive=True,
        start_date=date(2031, 1, 1),
        end_date=date(2031, 12, 31),
        monthly_rent_vnd=12_500_000,
        deposit_vnd=25_000_000,
        note="Hợp đồng thuê văn phòng",
        meeting_hours_monthly=Decimal("7.5"),
        **fields,
    )


def _rows(model, **where) -> dict:
    [row] = model.objects.filter(**where).values()
    return {key: value for key, value in row.items() if key not in _OWN}


@pytest.mark.django_db(transaction=True)
def test_the_rows_are_the_ones_save_writes():
    actor = make_user()
    company = make_company()
    by_orm, by_ours = _lease(make_unit(), company), _lease(make_unit(), company)
    by_orm._history_user = actor
    by_orm.save(force_insert=True)
    insert_with_history(by_ours, actor=actor)

    assert _rows(Lease, pk=by_ours.pk) == _rows(Lease, pk=by_orm.pk)
    ours_history = _rows(Lease.history.model, id=by_ours.pk)
    assert ours_history == _rows(Lease.history.model, id=by_orm.pk)
    assert ours_history["history_type"] == "+"
    assert ours_history["history_user_id"] == actor.pk
    assert ours_history["note"] == "Hợp đồng thuê văn phòng"
    stored = Lease.objects.get(pk=by_ours.pk)
    assert stored.created_at == by_ours.created_at
    assert stored.updated_at == by_ours.updated_at
    assert not by_ours._state.adding
    assert by_ours._state.db == "default"


@pytest.mark.django_db(transaction=True)
def test_one_round_trip_on_postgresql():
    unit, company = make_unit(), make_company()
    with CaptureQueriesContext(connection) as queries:
        insert_with_history(_lease(unit, company))
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    assert Lease.history.filter(id__in=Lease.objects.filter(unit=unit).values("pk")).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_insert_writes_no_row_and_no_history():
    company = make_company()
    insert_with_history(_lease(make_unit(), company, contract_number="HD-2031-001"))
    taken = _lease(make_unit(), company, contract_number="HD-2031-001")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_history(taken)
    assert not Lease.objects.filter(pk=taken.pk).exists()
    assert not Lease.history.filter(id=taken.pk).exists()
    assert Lease.history.count() == 1
