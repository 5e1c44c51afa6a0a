"""Onboarding: an accepted startup becomes a tenant with desks, all or nothing."""

from datetime import date

import pytest

from incubator.models import ApplicationEvent
from incubator.services import program_update
from park.models import Lease
from tenants.models import Company, CompanyMember
from tenants.services import company_set_status
from tests.factories import (
    make_application,
    make_company,
    make_lease,
    make_pool,
    make_program,
    make_tax_code,
    make_unit,
)
from tests.tenants.helpers import problem


def onboard_url(application):
    return f"/api/v1/applications/{application.pk}/onboard/"


@pytest.fixture
def pool(db):
    return make_pool(desks=4, code="CW-1")


@pytest.fixture
def accepted(pool):
    program = make_program(workspace_unit=pool, incubation_months=6)
    return make_application(
        program=program, state="accepted", requested_desks=3, tax_code=make_tax_code()
    )


@pytest.mark.django_db
def test_onboarding_creates_the_company_membership_lease_and_moves_to_incubating(
    manager_client, manager, accepted, pool
):
    response = manager_client.post(onboard_url(accepted), {"start_date": "2027-01-15"})

    assert response.status_code == 200
    company = Company.objects.get(tax_code=accepted.tax_code)
    lease = Lease.objects.get(company=company)
    body = response.json()
    assert (body["state"], body["company"], body["lease"]) == (
        "incubating",
        str(company.pk),
        str(lease.pk),
    )
    assert (company.legal_name, company.sector, company.website, company.incubated) == (
        accepted.startup_name,
        "software",
        accepted.website,
        True,
    )
    assert (lease.unit, lease.desks, lease.start_date, lease.end_date) == (
        pool,
        3,
        date(2027, 1, 15),
        date(2027, 7, 14),
    )
    assert list(CompanyMember.objects.filter(company=company).values_list("user", flat=True)) == [
        accepted.applicant_id
    ]
    event = ApplicationEvent.objects.filter(application=accepted).order_by("-at").first()
    assert (event.from_state, event.to_state, event.actor) == ("accepted", "incubating", manager)


@pytest.mark.django_db
def test_onboarding_into_a_full_pool_is_409_and_writes_nothing(manager_client, accepted, pool):
    blocker = make_lease(unit=pool, desks=2, start_date=date(2027, 1, 1), end_date=None)
    companies_before = Company.objects.count()

    response = manager_client.post(onboard_url(accepted), {"start_date": "2027-01-15"})

    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "unit_unavailable",
        "Unit not available",
        "Pool CW-1 has 2 free desk(s) on its busiest day of that range; 3 asked.",
        onboard_url(accepted),
        conflicts=[
            {"lease": str(blocker.pk), "start_date": "2027-01-01", "end_date": None, "desks": 2}
        ],
    )
    assert Company.objects.count() == companies_before
    assert not Company.objects.filter(tax_code=accepted.tax_code).exists()
    assert Lease.objects.filter(unit=pool).count() == 1
    assert not CompanyMember.objects.filter(user=accepted.applicant).exists()
    accepted.refresh_from_db()
    assert (accepted.state, accepted.company, accepted.lease) == ("accepted", None, None)


@pytest.mark.django_db
def test_an_existing_company_is_found_by_tax_code(manager_client, accepted):
    company = make_company(tax_code=accepted.tax_code)
    response = manager_client.post(onboard_url(accepted), {"start_date": "2027-01-15"})
    assert response.json()["company"] == str(company.pk)
    company.refresh_from_db()
    assert company.incubated is True
    assert Company.objects.filter(tax_code=accepted.tax_code).count() == 1


@pytest.mark.django_db
def test_a_suspended_company_is_refused(manager_client, accepted):
    company = make_company(tax_code=accepted.tax_code)
    company_set_status(company=company, to="active", actor=None)
    company_set_status(company=company, to="suspended", actor=None)

    response = manager_client.post(onboard_url(accepted), {"start_date": "2027-01-15"})

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert Lease.objects.count() == 0
    company.refresh_from_db()
    assert company.incubated is False


@pytest.mark.django_db
def test_a_named_unit_wins_and_without_any_unit_it_is_a_400(manager_client, accepted):
    program_update(program=accepted.program, data={"workspace_unit": None}, actor=None)
    missing = manager_client.post(onboard_url(accepted), {"start_date": "2027-01-15"})
    assert missing.status_code == 400
    assert missing.json()["errors"] == [
        {
            "field": "unit",
            "code": "required",
            "message": "Name a unit: the program has no workspace unit.",
        }
    ]
    other = make_pool(desks=10)
    named = manager_client.post(
        onboard_url(accepted), {"start_date": "2027-01-15", "unit": str(other.pk)}
    )
    assert named.status_code == 200
    assert Lease.objects.get().unit == other


@pytest.mark.django_db
def test_only_an_accepted_application_is_onboarded_and_only_by_a_manager(
    manager_client, accepted, pool
):
    interview = make_application(program=accepted.program, state="interview")
    response = manager_client.post(onboard_url(interview), {"start_date": "2027-01-15"})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    from tests.incubator.helpers import client_for

    applicant = client_for(accepted.applicant)
    assert applicant.post(onboard_url(accepted), {"start_date": "2027-01-15"}).status_code == 403
    assert Lease.objects.count() == 0


@pytest.mark.django_db
def test_an_inactive_unit_is_unit_inactive(manager_client, accepted):
    office = make_unit(kind="coworking", capacity=5, is_active=False)
    response = manager_client.post(
        onboard_url(accepted), {"start_date": "2027-01-15", "unit": str(office.pk)}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "unit_inactive"
    assert Company.objects.count() == 0
