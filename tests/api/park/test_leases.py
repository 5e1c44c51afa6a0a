"""`/leases/` (design/api.md, Space): create, the date rules at their edges, the actions,
who may see and do what."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from park.models import Lease
from tenants.models import CompanyStatus
from tests.factories import (
    make_company,
    make_lease,
    make_pool,
    make_representative,
    make_unit,
)
from tests.tenants.helpers import problem, validation_problem

pytestmark = pytest.mark.django_db

LIST = "/api/v1/leases/"


def detail(lease) -> str:
    return f"{LIST}{lease.pk}/"


def lease_request(unit, company, **overrides) -> dict:
    body = {"unit": str(unit.pk), "company": str(company.pk), "start_date": "2027-01-01"}
    body.update(overrides)
    return body


def test_a_manager_leases_an_office_whole(manager_client):
    office, company = make_unit(capacity=8, monthly_rate_vnd=15_000_000), make_company()
    response = manager_client.post(
        LIST,
        lease_request(
            office, company, end_date="2027-06-30", contract_number="HD-2027/01", note="Tầng 1"
        ),
    )
    assert response.status_code == 201
    lease = Lease.objects.get()
    assert response.json() == {
        "id": str(lease.pk),
        "unit": str(office.pk),
        "unit_code": office.code,
        "company": str(company.pk),
        "company_name": company.legal_name,
        "park": str(office.park_id),
        "desks": 8,
        "start_date": "2027-01-01",
        "end_date": "2027-06-30",
        "status": lease.status_on(timezone.localdate()),
        "monthly_rent_vnd": 15_000_000,
        "deposit_vnd": 0,
        "contract_number": "HD-2027/01",
        "note": "Tầng 1",
        "meeting_hours_monthly": 0.0,
        "cancelled_at": None,
        "version": 1,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }
    assert response["ETag"] == '"1"'
    assert lease.history.get().history_user_id is not None


def test_desks_default_to_one_on_a_pool_with_the_rent_per_desk(manager_client):
    pool = make_pool(desks=10)
    response = manager_client.post(LIST, lease_request(pool, make_company()))
    assert response.status_code == 201
    body = response.json()
    assert (body["desks"], body["end_date"], body["monthly_rent_vnd"]) == (1, None, 1_500_000)


def test_other_desks_than_the_capacity_of_an_exclusive_unit_is_400(manager_client):
    office = make_unit(capacity=8)
    response = manager_client.post(LIST, lease_request(office, make_company(), desks=3))
    assert response.status_code == 400
    assert response.json() == validation_problem(
        "desks",
        "invalid",
        f"{office.code} is leased whole: desks must be its capacity, 8.",
        LIST,
    )
    assert not Lease.objects.exists()


def test_a_lease_ending_2027_06_30_blocks_a_start_that_day_with_the_exact_409(manager_client):
    office = make_unit()
    first = make_lease(unit=office, start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))
    response = manager_client.post(
        LIST, lease_request(office, make_company(), start_date="2027-06-30")
    )
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "unit_unavailable",
        "Unit not available",
        f"Unit {office.code} is leased from 2027-01-01 to 2027-06-30.",
        LIST,
        conflicts=[
            {
                "lease": str(first.pk),
                "start_date": "2027-01-01",
                "end_date": "2027-06-30",
                "desks": 8,
            }
        ],
    )
    assert Lease.objects.count() == 1


def test_the_day_after_an_inclusive_end_is_free(manager_client):
    office = make_unit()
    make_lease(unit=office, start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))
    response = manager_client.post(
        LIST, lease_request(office, make_company(), start_date="2027-07-01")
    )
    assert (response.status_code, response.json()["end_date"]) == (201, None)


def test_an_open_ended_lease_blocks_any_later_start_through_the_api(manager_client):
    office = make_unit()
    open_ended = make_lease(unit=office, start_date=date(2027, 1, 1), end_date=None)
    response = manager_client.post(
        LIST,
        lease_request(office, make_company(), start_date="2040-01-01", end_date="2040-01-31"),
    )
    assert response.status_code == 409
    assert response.json()["conflicts"] == [
        {"lease": str(open_ended.pk), "start_date": "2027-01-01", "end_date": None, "desks": 8}
    ]


def test_a_cancelled_lease_frees_the_unit_through_the_api(manager_client):
    office = make_unit()
    upcoming = make_lease(unit=office, start_date=date(2040, 1, 1), end_date=date(2040, 12, 31))
    response = manager_client.post(f"{detail(upcoming)}cancel/")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    response = manager_client.post(
        LIST, lease_request(office, make_company(), start_date="2040-03-01")
    )
    assert response.status_code == 201


def test_a_full_pool_is_409_naming_the_leases_that_fill_it(manager_client):
    pool = make_pool(desks=4)
    first = make_lease(unit=pool, desks=3, start_date=date(2027, 1, 1), end_date=None)
    response = manager_client.post(
        LIST, lease_request(pool, make_company(), desks=2, start_date="2027-03-01")
    )
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "unit_unavailable",
        "Unit not available",
        f"Pool {pool.code} has 1 free desk(s) on its busiest day of that range; 2 asked.",
        LIST,
        conflicts=[
            {"lease": str(first.pk), "start_date": "2027-01-01", "end_date": None, "desks": 3}
        ],
    )
    assert Lease.objects.count() == 1


def test_an_inactive_unit_is_409_unit_inactive(manager_client):
    office = make_unit(is_active=False)
    response = manager_client.post(LIST, lease_request(office, make_company()))
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "unit_inactive",
        "Unit inactive",
        f"Unit {office.code} is under maintenance.",
        LIST,
    )
    assert not Lease.objects.exists()


def test_an_end_before_the_start_is_400_and_writes_nothing(manager_client):
    office = make_unit()
    response = manager_client.post(
        LIST, lease_request(office, make_company(), end_date="2026-12-31")
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "end_date",
            "code": "outside_lease",
            "message": "The end date cannot be before the start date.",
        }
    ]
    assert not Lease.objects.exists()


def test_a_lease_covering_today_activates_a_prospect(manager_client):
    company = make_company()
    assert company.status == CompanyStatus.PROSPECT
    today = timezone.localdate().isoformat()
    response = manager_client.post(LIST, lease_request(make_unit(), company, start_date=today))
    assert (response.status_code, response.json()["status"]) == (201, "active")
    company.refresh_from_db()
    assert company.status == CompanyStatus.ACTIVE


def test_a_duplicate_contract_number_is_400_unique(manager_client):
    make_lease(contract_number="HD-1")
    response = manager_client.post(
        LIST, lease_request(make_unit(), make_company(), contract_number="HD-1")
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "contract_number"
    assert response.json()["errors"][0]["code"] == "unique"
    assert Lease.objects.count() == 1


def test_unknown_and_read_only_fields_are_400(manager_client):
    office = make_unit()
    response = manager_client.post(LIST, lease_request(office, make_company(), status="active"))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (400, "status")
    assert not Lease.objects.exists()


# --- actions ------------------------------------------------------------------------------


def test_terminate_moves_the_end_earlier(manager_client):
    lease = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    response = manager_client.post(f"{detail(lease)}terminate/", {"end_date": "2027-06-30"})
    assert response.status_code == 200
    assert (response.json()["end_date"], response.json()["version"]) == ("2027-06-30", 2)
    assert response["ETag"] == '"2"'


def test_terminate_before_the_start_is_400_outside_lease(manager_client):
    lease = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    response = manager_client.post(f"{detail(lease)}terminate/", {"end_date": "2026-12-31"})
    assert response.status_code == 400
    assert response.json() == validation_problem(
        "end_date",
        "outside_lease",
        "The lease starts on 2027-01-01; it cannot end before that.",
        f"{detail(lease)}terminate/",
    )
    lease.refresh_from_db()
    assert (lease.end_date, lease.version) == (date(2027, 12, 31), 1)


def test_terminate_on_the_start_day_is_allowed(manager_client):
    lease = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))
    response = manager_client.post(f"{detail(lease)}terminate/", {"end_date": "2027-01-01"})
    assert (response.status_code, response.json()["end_date"]) == (200, "2027-01-01")


def test_renew_extends_and_null_makes_it_open_ended(manager_client):
    lease = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))
    response = manager_client.post(f"{detail(lease)}renew/", {"end_date": "2027-12-31"})
    assert (response.status_code, response.json()["end_date"]) == (200, "2027-12-31")
    response = manager_client.post(f"{detail(lease)}renew/", {"end_date": None})
    assert (response.status_code, response.json()["end_date"]) == (200, None)


def test_renew_into_a_conflict_is_409_and_changes_nothing(manager_client):
    office = make_unit()
    lease = make_lease(unit=office, start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))
    later = make_lease(unit=office, start_date=date(2027, 9, 1), end_date=date(2027, 12, 31))
    response = manager_client.post(f"{detail(lease)}renew/", {"end_date": "2027-09-01"})
    assert response.status_code == 409
    assert response.json()["code"] == "unit_unavailable"
    assert response.json()["conflicts"] == [
        {"lease": str(later.pk), "start_date": "2027-09-01", "end_date": "2027-12-31", "desks": 8}
    ]
    lease.refresh_from_db()
    assert (lease.end_date, lease.version) == (date(2027, 6, 30), 1)
    response = manager_client.post(f"{detail(lease)}renew/", {"end_date": "2027-08-31"})
    assert response.status_code == 200


def test_renew_that_does_not_extend_is_400_outside_lease(manager_client):
    lease = make_lease(start_date=date(2027, 1, 1), end_date=date(2027, 6, 30))
    response = manager_client.post(f"{detail(lease)}renew/", {"end_date": "2027-06-30"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "outside_lease"
    response = manager_client.post(f"{detail(lease)}renew/", {})
    assert (response.status_code, response.json()["errors"][0]["code"]) == (400, "required")


def test_cancel_after_the_start_is_409_invalid_transition(manager_client):
    lease = make_lease(start_date=date(2020, 1, 1), end_date=None)
    response = manager_client.post(f"{detail(lease)}cancel/")
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "invalid_transition",
        "State change not allowed",
        "Only an upcoming lease can be cancelled; this one is active.",
        f"{detail(lease)}cancel/",
        allowed=[],
    )
    lease.refresh_from_db()
    assert lease.cancelled_at is None


def test_terminating_an_ended_lease_is_409(manager_client):
    lease = make_lease(start_date=date(2020, 1, 1), end_date=date(2020, 12, 31))
    response = manager_client.post(f"{detail(lease)}terminate/", {"end_date": "2020-06-30"})
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


def test_patch_changes_only_the_terms(manager_client):
    lease = make_lease()
    response = manager_client.patch(
        detail(lease), {"note": "Gia hạn", "deposit_vnd": 30_000_000, "monthly_rent_vnd": 1}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["note"], body["deposit_vnd"], body["monthly_rent_vnd"], body["version"]) == (
        "Gia hạn",
        30_000_000,
        1,
        2,
    )
    response = manager_client.patch(detail(lease), {"end_date": "2030-01-01"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "end_date", "code": "read_only", "message": "This field is read-only."}
    ]
    lease.refresh_from_db()
    assert (lease.end_date, lease.version) == (date(2027, 12, 31), 2)


def test_delete_and_put_on_a_lease_are_405(manager_client):
    lease = make_lease()
    response = manager_client.delete(detail(lease))
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
    assert manager_client.put(detail(lease), {"note": "x"}).status_code == 405
    assert Lease.objects.filter(pk=lease.pk).exists()


# --- who sees and does what ---------------------------------------------------------------


def test_a_representative_sees_only_their_companys_leases():
    company = make_company()
    mine, _other = make_lease(company=company), make_lease()
    client = APIClient()
    client.force_authenticate(make_representative(company))
    assert [row["id"] for row in client.get(LIST).json()["results"]] == [str(mine.pk)]
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(_other)).status_code == 404


def test_a_representative_may_not_write_leases():
    company = make_company()
    lease = make_lease(company=company, start_date=date(2040, 1, 1), end_date=None)
    client = APIClient()
    client.force_authenticate(make_representative(company))
    response = client.post(LIST, lease_request(make_unit(), company))
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert client.post(f"{detail(lease)}cancel/").status_code == 403
    assert client.patch(detail(lease), {"note": "x"}).status_code == 403
    lease.refresh_from_db()
    assert (lease.cancelled_at, lease.note, Lease.objects.count()) == (None, "", 1)


def test_a_user_without_a_company_sees_no_leases(user_client):
    make_lease()
    assert user_client.get(LIST).json()["results"] == []


def test_anonymous_gets_401_on_leases():
    lease = make_lease()
    assert APIClient().get(detail(lease)).status_code == 401


# --- filters ------------------------------------------------------------------------------


def test_leases_filter_by_status_day_ending_soon_unit_company_and_park(manager_client):
    today = timezone.localdate()
    office, pool = make_unit(), make_pool()
    company = make_company()
    ended = make_lease(unit=office, start_date=date(2020, 1, 1), end_date=date(2020, 12, 31))
    active = make_lease(
        unit=office, company=company, start_date=today, end_date=today + timedelta(days=30)
    )
    upcoming = make_lease(unit=pool, start_date=today + timedelta(days=400), end_date=None)
    cancelled = make_lease(unit=pool, start_date=today + timedelta(days=500), end_date=None)
    Lease.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())

    def ids(**params):
        response = manager_client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="ended") == {str(ended.pk)}
    assert ids(status="active") == {str(active.pk)}
    assert ids(status="upcoming") == {str(upcoming.pk)}
    assert ids(status="cancelled") == {str(cancelled.pk)}
    assert ids(active_on="2020-12-31") == {str(ended.pk)}
    assert ids(active_on="2021-01-01") == set()
    assert ids(ending_within_days=30) == {str(active.pk)}
    assert ids(ending_within_days=29) == set()
    assert ids(unit=str(pool.pk)) == {str(upcoming.pk), str(cancelled.pk)}
    assert ids(company=str(company.pk)) == {str(active.pk)}
    assert ids(park=str(office.park_id)) == {str(ended.pk), str(active.pk)}
    for bad in ({"status": "gone"}, {"active_on": "soon"}, {"ending_within_days": "-1"}):
        assert manager_client.get(LIST, bad).status_code == 400


@pytest.mark.parametrize("count", [1, 50])
def test_the_lease_list_runs_the_same_queries_for_one_or_fifty(
    manager_client, count, django_assert_max_num_queries
):
    for _ in range(count):
        make_lease()
    # the manager's groups, the throttle's 6 (database cache), the count and the page
    with django_assert_max_num_queries(9):
        response = manager_client.get(LIST, {"page_size": 100})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_the_representatives_lease_list_runs_constant_queries(count, django_assert_max_num_queries):
    company = make_company()
    for _ in range(count):
        make_lease(company=company)
    client = APIClient()
    client.force_authenticate(make_representative(company))
    with django_assert_max_num_queries(9):
        response = client.get(LIST, {"page_size": 100})
    assert len(response.json()["results"]) == count


def test_the_companies_park_filter_keeps_those_leasing_there_today(manager_client):
    today = timezone.localdate()
    office = make_unit()
    here, gone, elsewhere = make_company(), make_company(), make_company()
    make_lease(unit=office, company=here, start_date=today, end_date=None)
    make_lease(
        unit=make_unit(floor=office.floor),
        company=gone,
        start_date=date(2020, 1, 1),
        end_date=date(2020, 12, 31),
    )
    make_lease(company=elsewhere, start_date=today, end_date=None)
    response = manager_client.get("/api/v1/companies/", {"park": str(office.park_id)})
    assert [row["id"] for row in response.json()["results"]] == [str(here.pk)]
    assert manager_client.get("/api/v1/companies/", {"park": "x"}).status_code == 400


def test_a_lease_post_reads_nothing_twice(manager_client, django_assert_max_num_queries):
    office, company = make_unit(capacity=8), make_company()
    # The user's groups and the throttle's 6 (database cache); the unit and the company the
    # body names; the savepoint, the unit's lock, its overlapping leases, the lease and its
    # history row, the release. The answer is built from what lease_create returned.
    with django_assert_max_num_queries(15):
        response = manager_client.post(LIST, lease_request(office, company))
    assert response.status_code == 201
    lease = Lease.objects.get()
    assert (response.json()["id"], response.json()["unit_code"], response.json()["park"]) == (
        str(lease.pk),
        office.code,
        str(office.park_id),
    )
    assert response.json()["company_name"] == company.legal_name
