"""`core.models.insert_with_history` writes what `save()` and simple-history write.

lease_create writes through it (bench S4); the admin's history pages and the audit trail
read simple-history's table, so the rows must be the same as simple-history's own.
"""

from datetime import date

import pytest
from django.utils import timezone

from core.models import insert_with_history
from park.models import Lease
from tests.factories import make_company, make_manager, make_unit

pytestmark = pytest.mark.django_db

# Differ between any two records by construction.
OWN = {"id", "created_at", "updated_at"}
HISTORY_OWN = OWN | {"history_id", "history_date"}


def _lease(unit, company, **fields) -> Lease:
    return Lease(
        unit=unit,
        company=company,
        desks=unit.capacity,
        start_date=date(2031, 3, 1),
        end_date=fields.pop("end_date", date(2031, 8, 31)),
        monthly_rent_vnd=12_500_000,
        deposit_vnd=25_000_000,
        contract_number=fields.pop("contract_number", None),
        note="Hợp đồng thuê văn phòng, tầng 2",
        **fields,
    )


def _row(model, pk, *, leave_out) -> dict:
    [row] = model.objects.filter(id=pk).values()
    return {key: value for key, value in row.items() if key not in leave_out}


def test_the_rows_equal_what_save_and_simple_history_write():
    manager = make_manager()
    unit, other_unit, company = make_unit(), make_unit(), make_company()
    before = timezone.now()

    ours = _lease(unit, company, contract_number="HD-2031-001")
    insert_with_history(ours, actor=manager)
    theirs = _lease(other_unit, company, contract_number="HD-2031-002")
    theirs._history_user = manager
    theirs.save()

    expected = _row(Lease, theirs.pk, leave_out=OWN) | {
        "unit_id": unit.pk,
        "contract_number": "HD-2031-001",
    }
    assert _row(Lease, ours.pk, leave_out=OWN) == expected
    history = Lease.history.model
    expected_history = _row(history, theirs.pk, leave_out=HISTORY_OWN) | {
        "unit_id": unit.pk,
        "contract_number": "HD-2031-001",
    }
    assert _row(history, ours.pk, leave_out=HISTORY_OWN) == expected_history
    assert expected_history["history_type"] == "+"
    assert expected_history["history_user_id"] == manager.pk

    stored = Lease.objects.get(pk=ours.pk)
    assert before <= stored.created_at == ours.created_at
    assert stored.updated_at == ours.updated_at
    [record] = ours.history.all()
    assert before <= record.history_date <= timezone.now()
    assert record.history_user == manager


def test_the_instance_is_saved_afterwards_and_nulls_and_no_actor_are_kept():
    lease = _lease(make_unit(), make_company(), end_date=None)
    insert_with_history(lease, actor=None)

    assert not lease._state.adding
    lease.note = "Gia hạn"
    lease.save(update_fields=["note"])  # an UPDATE now: the row exists
    assert Lease.objects.get(pk=lease.pk).end_date is None
    history = list(lease.history.order_by("history_id"))
    assert [record.history_type for record in history] == ["+", "~"]
    assert history[0].history_user is None
    assert history[0].end_date is None
    assert history[0].contract_number is None
