"""Onboarding: an accepted startup becomes a tenant with desks, all or nothing."""

from datetime import date

import pytest

from incubator.models import ApplicationEvent
from incubator.services import program_update
from park.models import Lease
from tenants.models import Company, CompanyMember
from tenants.services import company_set_status, member_add
from tests.factories import (
    make_application,
    make_company,
    make_lease,
    make_pool,
    make_program,
    make_representative,
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


def assert_nothing_written(application, company):
    application.refresh_from_db()
    company.refresh_from_db()
    assert (application.state, application.company, application.lease) == ("accepted", None, None)
    assert company.incubated is False
    assert Lease.objects.count() == 0
    assert not CompanyMember.objects.filter(user=application.applicant).exists()
    assert Company.objects.filter(tax_code=application.tax_code).get() == company


@pytest.mark.django_db
def test_a_company_found_by_tax_code_is_named_and_joined_only_once_the_manager_confirms(
    manager_client, accepted
):
    company = make_company(tax_code=accepted.tax_code, legal_name="Công ty TNHH Sen Vàng")

    unconfirmed = manager_client.post(onboard_url(accepted), {"start_date": "2027-01-15"})

    assert unconfirmed.status_code == 409
    assert unconfirmed.json() == problem(
        409,
        "company_exists",
        "Company exists",
        f"Công ty TNHH Sen Vàng already has tax code {accepted.tax_code}; "
        "confirm that the startup joins it.",
        onboard_url(accepted),
        company={"id": str(company.pk), "legal_name": "Công ty TNHH Sen Vàng"},
    )
    assert_nothing_written(accepted, company)

    confirmed = manager_client.post(
        onboard_url(accepted), {"start_date": "2027-01-15", "company": str(company.pk)}
    )

    assert confirmed.status_code == 200
    assert confirmed.json()["company"] == str(company.pk)
    company.refresh_from_db()
    assert company.incubated is True
    assert list(company.members.values_list("user", flat=True)) == [accepted.applicant_id]
    assert Company.objects.filter(tax_code=accepted.tax_code).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("confirmed", [False, True])
def test_a_company_with_representatives_is_never_joined_by_onboarding(
    manager_client, accepted, confirmed
):
    # Tax codes are public (the partner directory lists them): an applicant who writes a
    # tenant's tax code must not become that tenant's representative.
    company = make_company(tax_code=accepted.tax_code, legal_name="Công ty TNHH Sen Vàng")
    owner = make_representative(company)
    body = {"start_date": "2027-01-15", **({"company": str(company.pk)} if confirmed else {})}

    response = manager_client.post(onboard_url(accepted), body)

    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "company_has_members",
        "Company has representatives",
        "Công ty TNHH Sen Vàng already has representatives; onboarding never adds the "
        "applicant to it (its representatives or a manager add members).",
        onboard_url(accepted),
        company={"id": str(company.pk), "legal_name": "Công ty TNHH Sen Vàng"},
    )
    assert_nothing_written(accepted, company)
    assert list(company.members.values_list("user", flat=True)) == [owner.pk]


@pytest.mark.django_db
def test_an_applicant_who_already_represents_the_company_is_onboarded_into_it(
    manager_client, accepted
):
    company = make_company(tax_code=accepted.tax_code)
    member_add(company=company, user=accepted.applicant, actor=None)

    response = manager_client.post(
        onboard_url(accepted), {"start_date": "2027-01-15", "company": str(company.pk)}
    )

    assert response.status_code == 200
    assert response.json()["company"] == str(company.pk)
    assert list(company.members.values_list("user", flat=True)) == [accepted.applicant_id]


@pytest.mark.django_db
def test_a_confirmed_company_must_be_the_one_with_the_tax_code(manager_client, accepted):
    make_company(tax_code=accepted.tax_code)
    other = make_company(legal_name="Công ty TNHH Khác")
    without_tax_code = make_application(program=accepted.program, state="accepted")
    companies = Company.objects.count()

    for application in (accepted, without_tax_code):
        response = manager_client.post(
            onboard_url(application), {"start_date": "2027-01-15", "company": str(other.pk)}
        )

        assert response.status_code == 400
        assert response.json()["errors"] == [
            {
                "field": "company",
                "code": "invalid",
                "message": "Công ty TNHH Khác does not have this application's tax code.",
            }
        ]
    assert Company.objects.count() == companies
    assert Lease.objects.count() == 0
    assert CompanyMember.objects.count() == 0


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
