import pytest
from rest_framework.test import APIClient

from tenants.models import Company, CompanyMember
from tenants.services import member_add
from tests.factories import make_company, make_report, make_representative, make_user
from tests.tenants.helpers import problem, validation_problem

LIST = "/api/v1/companies/"


def detail(company):
    return f"/api/v1/companies/{company.pk}/"


def test_a_manager_creates_a_company_that_starts_as_an_invisible_prospect(manager_client, manager):
    response = manager_client.post(
        LIST,
        {
            "legal_name": "Công ty TNHH Giải pháp Số Cần Thơ",
            "short_name": "CT Digital",
            "tax_code": "1801234562",
            "sector": "it_services",
            "website": "https://ctdigital.vn",
            "headcount": 12,
            "founded_on": "2019-05-01",
        },
    )
    assert response.status_code == 201
    company = Company.objects.get()
    assert response.json() == {
        "id": str(company.pk),
        "legal_name": "Công ty TNHH Giải pháp Số Cần Thơ",
        "short_name": "CT Digital",
        "tax_code": "1801234562",
        "sector": "it_services",
        "status": "prospect",
        "website": "https://ctdigital.vn",
        "email": "",
        "phone": "",
        "address": "",
        "founded_on": "2019-05-01",
        "headcount": 12,
        "description": "",
        "logo_url": None,
        "logo_thumbnail_url": None,
        "incubated": False,
        "directory_visible": False,
        "version": 1,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }
    assert company.history.get().history_user == manager


def test_an_unknown_sector_is_refused(manager_client):
    response = manager_client.post(LIST, {"legal_name": "X", "sector": "mining"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "sector", "code": "invalid_choice", "message": '"mining" is not a valid choice.'}
    ]
    assert Company.objects.count() == 0


def test_anonymous_callers_get_401(api_client, company):
    for response in [api_client.get(LIST), api_client.get(detail(company))]:
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_a_representative_lists_only_their_own_company(representative_client, company):
    make_company(legal_name="Công ty Khác")
    response = representative_client.get(LIST)
    assert [row["id"] for row in response.json()["results"]] == [str(company.pk)]


def test_a_representative_gets_404_on_another_company(representative_client):
    other = make_company(legal_name="Công ty Khác")
    response = representative_client.get(detail(other))
    assert response.status_code == 404
    assert response.json() == problem(404, "not_found", "Not found", "Not found.", detail(other))
    response = representative_client.patch(detail(other), {"short_name": "Hijack"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert (other.short_name, other.version) == ("", 1)


def test_a_signed_in_user_without_a_company_sees_none(user_client, company):
    assert user_client.get(LIST).json()["results"] == []
    assert user_client.get(detail(company)).status_code == 404
    response = user_client.post(LIST, {"legal_name": "Mine"})
    assert response.status_code == 403
    assert Company.objects.count() == 1


def test_a_representative_edits_the_public_profile_and_consent(
    representative_client, representative, company
):
    response = representative_client.patch(
        detail(company),
        {
            "website": "https://dtsoft.vn",
            "description": "Phần mềm cho nông nghiệp",
            "directory_visible": True,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["website"], body["directory_visible"]) == ("https://dtsoft.vn", True)
    assert body["version"] == 3  # the profile, then the consent
    assert response["ETag"] == '"3"'
    assert company.history.latest().history_user == representative


TAX_CODE_SET = "The tax code is set; ask the park's managers to correct it."


@pytest.mark.parametrize(
    ("field", "value", "code", "message", "problem_detail"),
    [
        ("status", "active", "read_only", "This field is read-only.", None),
        ("incubated", True, "read_only", "This field is read-only.", None),
        ("version", 7, "read_only", "This field is read-only.", None),
        ("owner", "me", "unknown", "Unknown field.", None),
        ("tax_code", "0100109106", "read_only", TAX_CODE_SET, TAX_CODE_SET),
    ],
)
def test_a_representative_may_not_write_other_fields(
    representative_client, company, field, value, code, message, problem_detail
):
    response = representative_client.patch(detail(company), {field: value})
    assert response.status_code == 400
    assert response.json() == validation_problem(
        field, code, message, detail(company), detail=problem_detail or f"{field}: {message}"
    )
    after = Company.objects.get(pk=company.pk)
    assert (after.status, after.tax_code, after.incubated, after.version) == (
        "prospect",
        company.tax_code,
        False,
        1,
    )


def test_a_representative_may_set_a_missing_tax_code_once():
    company = make_company(tax_code=None)
    client = APIClient()
    client.force_authenticate(make_representative(company))
    response = client.patch(detail(company), {"tax_code": "0100109106"})
    assert response.status_code == 200
    assert response.json()["tax_code"] == "0100109106"
    response = client.patch(detail(company), {"tax_code": "0312345673"})
    assert response.status_code == 400
    company.refresh_from_db()
    assert company.tax_code == "0100109106"


def test_a_manager_may_correct_a_tax_code(manager_client, company):
    response = manager_client.patch(detail(company), {"tax_code": "0100109106"})
    assert response.status_code == 200
    assert response.json()["tax_code"] == "0100109106"


def test_a_representative_may_not_delete_their_company(representative_client, company):
    response = representative_client.delete(detail(company))
    assert response.status_code == 403
    assert Company.objects.filter(pk=company.pk).exists()


def test_a_manager_deletes_a_company_nothing_refers_to(manager_client, company, representative):
    response = manager_client.delete(detail(company))
    assert response.status_code == 204
    assert (Company.objects.count(), CompanyMember.objects.count()) == (0, 0)


def test_deleting_a_company_with_reports_is_409_in_use(manager_client, company):
    make_report(company)
    response = manager_client.delete(detail(company))
    assert response.status_code == 409
    assert response.json() == problem(
        409,
        "in_use",
        "Record in use",
        "DTSoft still has tenant reports; set it to exited instead.",
        detail(company),
    )
    assert Company.objects.filter(pk=company.pk).exists()


def test_a_stale_if_match_is_412_and_changes_nothing(manager_client, company):
    response = manager_client.patch(detail(company), {"short_name": "New"}, HTTP_IF_MATCH='"9"')
    assert response.status_code == 412
    company.refresh_from_db()
    assert company.short_name == "DTSoft"


def test_filters_by_status_sector_and_consent(manager_client):
    software = make_company(legal_name="A Software", sector="software")
    make_company(legal_name="B Hardware", sector="hardware")
    Company.objects.filter(pk=software.pk).update(status="active", directory_visible=True)
    query = {"status": "active", "sector": "software", "directory_visible": "true"}
    response = manager_client.get(LIST, query)
    assert [row["id"] for row in response.json()["results"]] == [str(software.pk)]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"status": "closed"}, "status"), ({"directory_visible": "maybe"}, "directory_visible")],
)
def test_an_invalid_filter_value_is_a_400(manager_client, query, field):
    response = manager_client.get(LIST, query)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_ordering_by_a_documented_field(manager_client):
    make_company(legal_name="B", headcount=5)
    make_company(legal_name="A", headcount=50)
    response = manager_client.get(LIST, {"ordering": "-headcount"})
    assert [row["legal_name"] for row in response.json()["results"]] == ["A", "B"]


def test_the_csv_export_has_a_bom_a_header_and_vietnamese_names(manager_client):
    company = make_company(legal_name="Công ty Đồng Tháp", tax_code="0312345673")
    response = manager_client.get(LIST, {"format": "csv"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "id,legal_name,short_name,tax_code,sector,status,website,email,phone,address,"
        "founded_on,headcount,description,logo_url,logo_thumbnail_url,incubated,"
        "directory_visible,version,created_at,updated_at"
    )
    assert lines[1].startswith(
        f"{company.pk},Công ty Đồng Tháp,,0312345673,software,prospect,,,,,,,,,,false,false,1,"
    )
    assert lines[2:] == [""]


def test_the_csv_export_follows_filters_and_has_a_header_when_empty(manager_client):
    make_company(legal_name="Công ty Đồng Tháp")
    response = manager_client.get(LIST, {"format": "csv", "search": "không có"})
    assert response.content.decode("utf-8-sig").count("\r\n") == 1


@pytest.mark.parametrize("count", [1, 50])
def test_the_company_list_runs_the_same_queries_for_one_or_fifty(
    manager_client, count, django_assert_max_num_queries
):
    for _ in range(count):
        make_company()
    # the manager's groups, the throttle's 6 (database cache), the count and the page
    with django_assert_max_num_queries(9):
        response = manager_client.get(LIST, {"page_size": 100})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_the_representative_list_and_csv_run_constant_queries(count, django_assert_max_num_queries):
    user = make_user()
    for _ in range(count):
        member_add(company=make_company(), user=user, actor=None)
    client = APIClient()
    client.force_authenticate(user)
    with django_assert_max_num_queries(9):
        response = client.get(LIST, {"page_size": 100})
    assert len(response.json()["results"]) == count
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"format": "csv"})
    assert response.content.decode("utf-8-sig").count("\r\n") == count + 1


def test_the_company_detail_runs_a_constant_number_of_queries(
    manager_client, company, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = manager_client.get(detail(company))
    assert response["ETag"] == '"1"'
