import itertools

import pytest

from tenants.models import ALLOWED_STATUS_CHANGES, Company, CompanyStatus
from tenants.services import company_set_status
from tests.factories import make_company
from tests.tenants.helpers import problem

# The table of design/domain.md, written out again so the test does not trust the code's copy.
ALLOWED = {
    ("prospect", "active"),
    ("prospect", "exited"),
    ("active", "suspended"),
    ("active", "exited"),
    ("suspended", "active"),
    ("suspended", "exited"),
    ("exited", "active"),
}
ALL_PAIRS = list(itertools.product(CompanyStatus.values, repeat=2))


def company_in(status):
    company = make_company()
    if status != "prospect":
        Company.objects.filter(pk=company.pk).update(status=status)  # arrange only
        company.refresh_from_db()
    return company


def test_the_code_holds_the_table_of_the_design():
    assert {(a, b) for a, targets in ALLOWED_STATUS_CHANGES.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(("current", "to"), sorted(ALLOWED))
def test_an_allowed_status_change_is_made(manager_client, manager, current, to):
    company = company_in(current)
    url = f"/api/v1/companies/{company.pk}/status/"
    response = manager_client.post(url, {"to": to, "note": "Hợp đồng thuê đã ký"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == (to, company.version + 1)
    assert response["ETag"] == f'"{company.version + 1}"'
    latest = company.history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        to,
        manager,
        "Hợp đồng thuê đã ký",
    )


@pytest.mark.parametrize(("current", "to"), [pair for pair in ALL_PAIRS if pair not in ALLOWED])
def test_a_status_change_outside_the_table_is_refused(manager_client, current, to):
    company = company_in(current)
    history_rows = company.history.count()
    url = f"/api/v1/companies/{company.pk}/status/"
    response = manager_client.post(url, {"to": to})
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "invalid_transition",
        "State change not allowed",
        f"A {current} company cannot become {to}.",
        url,
        allowed=sorted(b for a, b in ALLOWED if a == current),
    )
    company.refresh_from_db()
    assert (company.status, company.version, company.history.count()) == (
        current,
        1,
        history_rows,
    )


def test_an_unknown_status_is_a_400_on_to(manager_client, company):
    response = manager_client.post(f"/api/v1/companies/{company.pk}/status/", {"to": "closed"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "to", "code": "invalid_choice", "message": '"closed" is not a valid choice.'}
    ]


def test_a_representative_may_not_change_their_company_status(representative_client, company):
    response = representative_client.post(
        f"/api/v1/companies/{company.pk}/status/", {"to": "active"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    company.refresh_from_db()
    assert company.status == "prospect"


def test_status_cannot_be_patched(manager_client, company):
    response = manager_client.patch(f"/api/v1/companies/{company.pk}/", {"status": "active"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "status", "code": "read_only", "message": "This field is read-only."}
    ]
    company.refresh_from_db()
    assert (company.status, company.version) == ("prospect", 1)


def test_the_service_records_who_changed_the_status(manager):
    company = make_company()
    company_set_status(company=company, to="active", actor=manager)
    assert [row.history_user for row in company.history.order_by("history_date")] == [
        None,
        manager,
    ]
