import pytest
from rest_framework.test import APIClient

from accounts.roles import roles_of
from tenants.models import CompanyMember, Contact, TenantReport
from tests.factories import make_company, make_contact, make_report, make_user
from tests.tenants.helpers import validation_problem


def url(company, kind, item=None):
    base = f"/api/v1/companies/{company.pk}/{kind}/"
    return f"{base}{item}/" if item else base


# --- contacts ---------------------------------------------------------------------------------


def test_a_representative_adds_and_edits_contacts(representative_client, company):
    response = representative_client.post(
        url(company, "contacts"),
        {"name": "Nguyễn Văn An", "role": "Giám đốc", "email": "an@dtsoft.vn", "is_primary": True},
    )
    assert response.status_code == 201
    contact = Contact.objects.get()
    assert response.json() == {
        "id": str(contact.pk),
        "name": "Nguyễn Văn An",
        "role": "Giám đốc",
        "email": "an@dtsoft.vn",
        "phone": "",
        "is_primary": True,
        "is_billing": False,
        "version": 1,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }
    response = representative_client.patch(url(company, "contacts", contact.pk), {"phone": "0901"})
    assert (response.status_code, response.json()["phone"], response.json()["version"]) == (
        200,
        "0901",
        2,
    )


def test_naming_a_new_primary_contact_demotes_the_old_one(manager_client, company):
    first = make_contact(company, is_primary=True)
    response = manager_client.post(url(company, "contacts"), {"name": "B", "is_primary": True})
    assert response.status_code == 201
    first.refresh_from_db()
    assert (first.is_primary, first.version) == (False, 2)
    assert Contact.objects.filter(is_primary=True).count() == 1


def test_a_contact_is_deleted(manager_client, company):
    contact = make_contact(company)
    assert manager_client.delete(url(company, "contacts", contact.pk)).status_code == 204
    assert Contact.objects.count() == 0


def test_another_company_contacts_are_404_for_a_representative(representative_client):
    other = make_company()
    contact = make_contact(other)
    assert representative_client.get(url(other, "contacts")).status_code == 404
    response = representative_client.patch(url(other, "contacts", contact.pk), {"name": "X"})
    assert response.status_code == 404
    response = representative_client.post(url(other, "contacts"), {"name": "X"})
    assert response.status_code == 404
    assert list(Contact.objects.values_list("name", flat=True)) == [contact.name]


@pytest.mark.parametrize("count", [1, 50])
def test_the_contact_list_runs_constant_queries(
    manager_client, company, count, django_assert_max_num_queries
):
    for _ in range(count):
        make_contact(company)
    with django_assert_max_num_queries(10):
        response = manager_client.get(url(company, "contacts"), {"page_size": 100})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    ("value", "names"), [("true", ["A"]), ("1", ["A"]), ("false", ["B"]), ("0", ["B"])]
)
def test_the_contacts_filter_on_is_primary_with_true_false_1_or_0(
    manager_client, company, value, names
):
    make_contact(company, name="A", is_primary=True)
    make_contact(company, name="B")
    response = manager_client.get(url(company, "contacts"), {"is_primary": value})
    assert response.status_code == 200
    assert [contact["name"] for contact in response.json()["results"]] == names


def test_an_is_primary_filter_that_is_not_a_boolean_is_a_400_naming_it(manager_client, company):
    make_contact(company, name="A", is_primary=True)
    make_contact(company, name="B")
    response = manager_client.get(url(company, "contacts"), {"is_primary": "maybe"})
    assert response.status_code == 400
    assert response.json() == validation_problem(
        "is_primary",
        "invalid",
        "Must be true or false.",
        url(company, "contacts"),
        detail="is_primary: Must be true or false.",
    )


# --- members ----------------------------------------------------------------------------------


def test_a_manager_makes_a_user_a_representative(manager_client, company):
    person = make_user(full_name="Trần Thị Bích")
    response = manager_client.post(url(company, "members"), {"user": str(person.pk)})
    assert response.status_code == 201
    assert response.json() == {
        "user": str(person.pk),
        "email": person.email,
        "full_name": "Trần Thị Bích",
        "role": "representative",
        "created_at": response.json()["created_at"],
    }
    assert roles_of(person) == ["representative"]
    client = APIClient()
    client.force_authenticate(person)
    assert client.get(f"/api/v1/companies/{company.pk}/").status_code == 200


def test_a_user_cannot_be_added_twice(manager_client, company, representative):
    response = manager_client.post(url(company, "members"), {"user": str(representative.pk)})
    assert response.status_code == 400
    message = f"{representative.email} already represents DTSoft."
    assert response.json() == validation_problem("user", "unique", message, url(company, "members"))
    assert CompanyMember.objects.count() == 1


def test_a_manager_removes_a_representative(manager_client, company, representative):
    response = manager_client.delete(url(company, "members", representative.pk))
    assert response.status_code == 204
    assert CompanyMember.objects.count() == 0
    client = APIClient()
    client.force_authenticate(representative)
    assert client.get(f"/api/v1/companies/{company.pk}/").status_code == 404


def test_a_representative_may_not_manage_members(representative_client, company):
    newcomer = make_user()
    response = representative_client.post(url(company, "members"), {"user": str(newcomer.pk)})
    assert response.status_code == 403
    assert CompanyMember.objects.filter(user=newcomer).exists() is False


@pytest.mark.parametrize("count", [1, 50])
def test_the_member_list_runs_constant_queries(
    manager_client, company, count, django_assert_max_num_queries
):
    for _ in range(count):
        CompanyMember.objects.create(company=company, user=make_user())
    with django_assert_max_num_queries(10):
        response = manager_client.get(url(company, "members"), {"page_size": 100})
    assert len(response.json()["results"]) == count


# --- reports ----------------------------------------------------------------------------------

REPORT = {
    "year": 2024,
    "period": "H1",
    "revenue_vnd": 5_000_000_000,
    "export_revenue_usd": 60_000,
    "headcount": 30,
    "it_headcount": 25,
    "rnd_spend_vnd": 300_000_000,
}


def test_a_representative_files_a_report(representative_client, representative, company):
    response = representative_client.post(url(company, "reports"), REPORT)
    assert response.status_code == 201
    report = TenantReport.objects.get()
    assert response.json() == {
        "id": str(report.pk),
        **REPORT,
        "submitted_at": response.json()["submitted_at"],
        "submitted_by": str(representative.pk),
        "version": 1,
    }
    assert report.history.get().history_user == representative


def test_a_second_report_for_the_same_period_is_refused_on_period(manager_client, company):
    make_report(company, year=2024, period="H1")
    response = manager_client.post(url(company, "reports"), REPORT)
    assert response.status_code == 400
    assert response.json() == validation_problem(
        "period",
        "unique",
        "DTSoft has already filed its H1 2024 report.",
        url(company, "reports"),
    )
    assert TenantReport.objects.count() == 1


def test_the_other_periods_of_the_year_may_still_be_filed(manager_client, company):
    make_report(company, year=2024, period="H1")
    for period in ["H2", "Y"]:
        response = manager_client.post(url(company, "reports"), {**REPORT, "period": period})
        assert response.status_code == 201
    assert TenantReport.objects.count() == 3


def test_the_same_period_of_another_company_is_independent(manager_client, company):
    make_report(make_company(), year=2024, period="H1")
    assert manager_client.post(url(company, "reports"), REPORT).status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "code", "message"),
    [
        (
            {"it_headcount": 31},
            "it_headcount",
            "it_headcount_exceeds_headcount",
            "The IT headcount (31) cannot exceed the headcount (30).",
        ),
        (
            {"year": 2999},
            "year",
            "future_year",
            "Reports are filed for past or current years, not 2999.",
        ),
        ({"year": 0}, "year", "invalid_year", "Reports start in 2000, not 0."),
        ({"period": "Q1"}, "period", "invalid_choice", '"Q1" is not a valid choice.'),
    ],
)
def test_an_inconsistent_report_is_refused(manager_client, company, change, field, code, message):
    response = manager_client.post(url(company, "reports"), {**REPORT, **change})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": field, "code": code, "message": message}]
    assert TenantReport.objects.count() == 0


def test_reports_are_never_changed_or_deleted(manager_client, company):
    report = make_report(company)
    assert (
        manager_client.patch(url(company, "reports", report.pk), {"headcount": 1}).status_code
        == 405
    )
    assert manager_client.delete(url(company, "reports", report.pk)).status_code == 405


def test_another_company_reports_are_404_for_a_representative(representative_client):
    other = make_company()
    assert representative_client.get(url(other, "reports")).status_code == 404
    assert representative_client.post(url(other, "reports"), REPORT).status_code == 404
    assert TenantReport.objects.count() == 0


@pytest.mark.parametrize("count", [1, 50])
def test_the_report_list_runs_constant_queries(
    manager_client, company, count, django_assert_max_num_queries
):
    for index in range(count):
        make_report(company, year=2000 + index // 3, period=["H1", "H2", "Y"][index % 3])
    with django_assert_max_num_queries(10):
        response = manager_client.get(url(company, "reports"), {"page_size": 100})
    assert len(response.json()["results"]) == count
