from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.errors import InvalidTransition
from park.exceptions import InvalidDesks, OutsideLease, UnitInactive, UnitUnavailable
from park.models import Lease
from park.services import (
    lease_cancel,
    lease_create,
    lease_renew,
    lease_terminate,
    lease_update,
)
from tests.factories import make_company, make_lease, make_pool, make_unit

pytestmark = pytest.mark.django_db


def test_a_lease_ending_on_a_day_blocks_another_starting_that_same_day():
    office = make_unit()
    first = make_lease(unit=office, start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))

    with pytest.raises(UnitUnavailable) as refusal:
        make_lease(unit=office, start_date=date(2027, 6, 30), end_date=date(2027, 12, 31))

    assert refusal.value.extra["conflicts"] == [
        {"lease": str(first.pk), "start_date": "2027-01-01", "end_date": "2027-06-30", "desks": 8}
    ]
    assert Lease.objects.filter(unit=office).count() == 1


def test_a_lease_may_start_the_day_after_the_previous_one_ends():
    office = make_unit()
    make_lease(unit=office, start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))

    second = make_lease(unit=office, start_date=date(2027, 7, 1), end_date=None)

    assert (second.start_date, second.end_date, second.desks) == (date(2027, 7, 1), None, 8)


def test_an_open_ended_lease_blocks_every_later_start():
    office = make_unit()
    make_lease(unit=office, start_date=date(2027, 1, 1), end_date=None)

    with pytest.raises(UnitUnavailable):
        make_lease(unit=office, start_date=date(2031, 5, 1), end_date=date(2031, 5, 2))


def test_a_cancelled_lease_frees_the_unit():
    office = make_unit()
    upcoming = make_lease(unit=office, start_date=date(2030, 1, 1), end_date=date(2030, 12, 31))

    lease_cancel(lease=upcoming, actor=None)
    again = make_lease(unit=office, start_date=date(2030, 3, 1), end_date=date(2030, 3, 31))

    assert again.unit == office


def test_renewing_into_another_lease_is_refused_and_changes_nothing():
    office = make_unit()
    lease = make_lease(unit=office, start_date=date(2030, 1, 1), end_date=date(2030, 6, 30))
    make_lease(unit=office, start_date=date(2030, 9, 1), end_date=date(2030, 12, 31))

    with pytest.raises(UnitUnavailable):
        lease_renew(lease=lease, end_date=date(2030, 9, 1), actor=None)

    lease.refresh_from_db()
    assert (lease.end_date, lease.version) == (date(2030, 6, 30), 1)


def test_renewing_up_to_the_day_before_the_next_lease_is_allowed():
    office = make_unit()
    lease = make_lease(unit=office, start_date=date(2030, 1, 1), end_date=date(2030, 6, 30))
    make_lease(unit=office, start_date=date(2030, 9, 1), end_date=date(2030, 12, 31))

    renewed = lease_renew(lease=lease, end_date=date(2030, 8, 31), actor=None)

    assert (renewed.end_date, renewed.version) == (date(2030, 8, 31), 2)


def test_terminating_before_the_start_is_refused():
    lease = make_lease(start_date=date(2030, 1, 1), end_date=date(2030, 6, 30))

    with pytest.raises(OutsideLease):
        lease_terminate(lease=lease, end_date=date(2029, 12, 31), actor=None)


def test_terminating_after_the_current_end_is_refused():
    lease = make_lease(start_date=date(2030, 1, 1), end_date=date(2030, 6, 30))

    with pytest.raises(OutsideLease):
        lease_terminate(lease=lease, end_date=date(2030, 7, 1), actor=None)


def test_an_ended_lease_cannot_be_renewed():
    lease = make_lease(start_date=date(2020, 1, 1), end_date=date(2020, 6, 30))

    with pytest.raises(InvalidTransition):
        lease_renew(lease=lease, end_date=date(2020, 12, 31), actor=None)


def test_a_started_lease_cannot_be_cancelled():
    lease = make_lease(start_date=date(2020, 1, 1), end_date=None)

    with pytest.raises(InvalidTransition):
        lease_cancel(lease=lease, actor=None)


def test_a_pool_never_holds_more_desks_than_it_has():
    pool = make_pool(desks=3)
    make_lease(unit=pool, desks=2, start_date=date(2027, 1, 1), end_date=date(2027, 3, 31))
    make_lease(unit=pool, desks=1, start_date=date(2027, 3, 1), end_date=date(2027, 12, 31))

    with pytest.raises(UnitUnavailable):
        make_lease(unit=pool, desks=1, start_date=date(2027, 3, 31), end_date=date(2027, 4, 30))
    fits = make_lease(unit=pool, desks=2, start_date=date(2027, 4, 1), end_date=date(2027, 4, 30))

    assert fits.desks == 2


def test_an_exclusive_unit_is_leased_whole():
    office = make_unit(capacity=6)

    with pytest.raises(InvalidDesks):
        lease_create(
            unit=office, company=make_company(), start_date=date(2027, 1, 1), desks=2, actor=None
        )


def test_a_unit_under_maintenance_takes_no_lease():
    office = make_unit(is_active=False)

    with pytest.raises(UnitInactive):
        make_lease(unit=office)
    assert Lease.objects.count() == 0


def test_a_lease_covering_today_makes_a_prospect_company_active():
    company = make_company()
    assert company.status == "prospect"

    make_lease(company=company, start_date=date(2020, 1, 1), end_date=None)

    company.refresh_from_db()
    assert company.status == "active"


def test_a_future_lease_leaves_the_company_a_prospect():
    company = make_company()

    make_lease(company=company, start_date=date(2040, 1, 1), end_date=None)

    company.refresh_from_db()
    assert company.status == "prospect"


def test_lease_update_changes_the_terms_and_bumps_the_version_once():
    lease = make_lease()
    updated = lease_update(
        lease=lease, data={"note": "Tầng 2", "deposit_vnd": 30_000_000}, actor=None
    )
    assert (updated.note, updated.deposit_vnd, updated.version) == ("Tầng 2", 30_000_000, 2)
    assert lease.history.count() == 2


def test_lease_update_refuses_a_field_outside_the_terms_and_writes_nothing():
    lease = make_lease()
    with pytest.raises(TypeError):
        lease_update(lease=lease, data={"end_date": date(2030, 1, 1)}, actor=None)
    lease.refresh_from_db()
    assert (lease.end_date, lease.version) == (date(2027, 12, 31), 1)


def test_lease_update_refuses_a_contract_number_another_lease_has():
    make_lease(contract_number="HD-1")
    lease = make_lease(contract_number="HD-2")
    with pytest.raises(ValidationError) as refusal:
        lease_update(lease=lease, data={"contract_number": "HD-1"}, actor=None)
    assert refusal.value.messages == ["Another lease has this contract number."]
    lease.refresh_from_db()
    assert (lease.contract_number, lease.version) == ("HD-2", 1)
