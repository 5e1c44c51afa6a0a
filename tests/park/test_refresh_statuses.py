"""`manage.py refresh_statuses`: companies become active on the day their lease starts."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from park.services import lease_cancel
from tenants.models import Company, CompanyStatus
from tenants.services import company_set_status
from tests.factories import make_company, make_lease

pytestmark = pytest.mark.django_db


def refresh(*args) -> str:
    out = StringIO()
    call_command("refresh_statuses", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def test_a_prospect_becomes_active_on_its_leases_start_day_recorded_as_the_system(tomorrow):
    company = make_company(legal_name="Công ty Mới")
    make_lease(company=company, start_date=tomorrow, end_date=None)
    company.refresh_from_db()
    assert company.status == CompanyStatus.PROSPECT  # a future lease does not activate yet

    assert refresh("--on", str(tomorrow - timedelta(days=1))).endswith("no company to activate.\n")
    company.refresh_from_db()
    assert company.status == CompanyStatus.PROSPECT

    output = refresh("--on", tomorrow.isoformat())
    assert output == f"{tomorrow}: activated 1 companies:\n  Công ty Mới\n"
    company.refresh_from_db()
    assert (company.status, company.version) == (CompanyStatus.ACTIVE, 2)
    latest = company.history.order_by("-history_date").first()
    assert (latest.status, latest.history_user) == (CompanyStatus.ACTIVE, None)


def test_running_it_twice_changes_nothing_the_second_time(tomorrow):
    company = make_company()
    make_lease(company=company, start_date=tomorrow, end_date=None)
    refresh("--on", tomorrow.isoformat())
    company.refresh_from_db()
    version = company.version
    assert refresh("--on", tomorrow.isoformat()) == f"{tomorrow}: no company to activate.\n"
    company.refresh_from_db()
    assert (company.status, company.version) == (CompanyStatus.ACTIVE, version)


def test_an_exited_company_returns_and_a_suspended_one_stays_suspended(tomorrow):
    returning, suspended = make_company(legal_name="Trở lại"), make_company(legal_name="Treo")
    company_set_status(company=returning, to=CompanyStatus.EXITED, actor=None)
    company_set_status(company=suspended, to=CompanyStatus.ACTIVE, actor=None)
    company_set_status(company=suspended, to=CompanyStatus.SUSPENDED, actor=None)
    make_lease(company=returning, start_date=tomorrow, end_date=None)
    make_lease(company=suspended, start_date=tomorrow, end_date=None)

    assert (
        refresh("--on", tomorrow.isoformat()) == f"{tomorrow}: activated 1 companies:\n  Trở lại\n"
    )
    statuses = dict(Company.objects.values_list("legal_name", "status"))
    assert statuses == {"Trở lại": "active", "Treo": "suspended"}


def test_a_cancelled_lease_activates_nobody(tomorrow):
    company = make_company()
    lease = make_lease(company=company, start_date=tomorrow, end_date=None)
    lease_cancel(lease=lease, actor=None)
    refresh("--on", tomorrow.isoformat())
    company.refresh_from_db()
    assert company.status == CompanyStatus.PROSPECT


def test_catching_up_takes_leases_that_started_on_missed_days(tomorrow):
    company = make_company()
    make_lease(company=company, start_date=tomorrow, end_date=None)
    later = tomorrow + timedelta(days=3)
    assert refresh("--on", later.isoformat()).endswith("no company to activate.\n")
    assert refresh("--on", later.isoformat(), "--catch-up-days", "3").startswith(
        f"{later}: activated 1 companies:"
    )


def test_a_one_day_lease_that_ended_before_the_day_activates_nobody(tomorrow):
    company = make_company()
    make_lease(company=company, start_date=tomorrow, end_date=tomorrow)
    later = tomorrow + timedelta(days=1)
    refresh("--on", later.isoformat(), "--catch-up-days", "5")
    company.refresh_from_db()
    assert company.status == CompanyStatus.PROSPECT


def test_without_arguments_it_looks_at_today():
    assert refresh() == f"{timezone.localdate()}: no company to activate.\n"
    with pytest.raises(CommandError):
        refresh("--catch-up-days", "-1")
