"""Cohort seats and onboarding under parallel managers, on real parallel connections."""

from datetime import date

import pytest

from incubator.exceptions import CohortFull
from incubator.models import Application
from incubator.services import application_onboard, application_transition
from park.exceptions import UnitUnavailable
from park.models import Lease
from tenants.models import Company, CompanyMember
from tests.concurrency.race import run_together
from tests.factories import (
    make_application,
    make_lease,
    make_manager,
    make_pool,
    make_program,
    make_tax_code,
)

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_eight_managers_accepting_eight_applications_for_one_seat_accept_exactly_one():
    program = make_program(seats=1)
    applications = [make_application(program=program, state="interview") for _ in range(THREADS)]
    managers = [make_manager() for _ in range(THREADS)]

    outcomes = run_together(
        lambda pair: application_transition(application=pair[0], to="accepted", actor=pair[1]),
        list(zip(applications, managers, strict=True)),
    )

    assert outcomes == [CohortFull.code] * (THREADS - 1) + ["done"]
    assert Application.objects.filter(program=program, state="accepted").count() == 1
    assert Application.objects.filter(program=program, state="interview").count() == THREADS - 1


@pytest.mark.django_db(transaction=True)
def test_parallel_onboardings_into_a_pool_lease_only_the_free_desks_and_write_nothing_else():
    pool = make_pool(desks=4)
    program = make_program(seats=THREADS, workspace_unit=pool)
    make_lease(unit=pool, desks=2, start_date=date(2027, 1, 1), end_date=None)
    applications = [
        make_application(
            program=program, state="accepted", requested_desks=2, tax_code=make_tax_code()
        )
        for _ in range(THREADS)
    ]
    manager = make_manager()
    companies_before = Company.objects.count()

    outcomes = run_together(
        lambda application: application_onboard(
            application=application, start_date=date(2027, 1, 1), actor=manager
        ),
        applications,
    )

    assert outcomes == ["done"] + [UnitUnavailable.code] * (THREADS - 1)
    [onboarded] = Application.objects.filter(program=program, state="incubating")
    assert Company.objects.count() == companies_before + 1
    assert Company.objects.filter(incubated=True).get() == onboarded.company
    assert sum(Lease.objects.filter(unit=pool).values_list("desks", flat=True)) == 4
    assert CompanyMember.objects.count() == 1
    assert Application.objects.filter(program=program, state="accepted").count() == THREADS - 1


@pytest.mark.django_db(transaction=True)
def test_onboarding_into_a_full_pool_is_refused_with_no_company_or_lease_written():
    pool = make_pool(desks=2)
    program = make_program(workspace_unit=pool)
    make_lease(unit=pool, desks=2, start_date=date(2027, 1, 1), end_date=None)
    application = make_application(
        program=program, state="accepted", requested_desks=1, tax_code=make_tax_code()
    )
    companies, leases = Company.objects.count(), Lease.objects.count()

    with pytest.raises(UnitUnavailable):
        application_onboard(
            application=application, start_date=date(2027, 3, 1), actor=make_manager()
        )

    assert (Company.objects.count(), Lease.objects.count()) == (companies, leases)
    assert not Company.objects.filter(tax_code=application.tax_code).exists()
    assert CompanyMember.objects.count() == 0
    application.refresh_from_db()
    assert application.state == "accepted"
