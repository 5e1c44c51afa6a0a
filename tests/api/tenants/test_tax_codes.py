import pytest

from tenants.models import Company
from tests.factories import make_company
from tests.tenants.helpers import validation_problem


def company_problem(field, code, message):
    return validation_problem(field, code, message, "/api/v1/companies/")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0312345673", "0312345673"),
        ("0312345673001", "0312345673-001"),
        ("0312345673-001", "0312345673-001"),
        (" 0312 345 673 - 002 ", "0312345673-002"),
    ],
)
def test_a_valid_tax_code_is_stored_in_its_standard_form(manager_client, given, stored):
    response = manager_client.post(
        "/api/v1/companies/", {"legal_name": "Công ty TNHH Sông Hàn", "tax_code": given}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["tax_code"] == stored
    assert list(Company.objects.values_list("tax_code", flat=True)) == [stored]


@pytest.mark.parametrize(
    ("given", "code", "message"),
    [
        (
            "0312345674",
            "invalid_checksum",
            "The check digit (10th digit) of 0312345674 does not match its first nine digits.",
        ),
        (
            "0312345674-001",
            "invalid_checksum",
            "The check digit (10th digit) of 0312345674-001 does not match its first nine digits.",
        ),
        (
            "03123456AB",
            "invalid_format",
            "A tax code has only digits (and one dash before the branch number): 03123456AB.",
        ),
        (
            "031234567",
            "invalid_length",
            "A tax code has 10 digits, or 10 digits, a dash and a 3-digit branch number; "
            "031234567 has 9.",
        ),
        (
            "0312345673-01",
            "invalid_length",
            "A tax code has 10 digits, or 10 digits, a dash and a 3-digit branch number; "
            "0312345673-01 has 12.",
        ),
        (
            "0312345673-000",
            "invalid_component",
            "0312345673-000 is not a tax code that can be issued (zero serial or branch 000).",
        ),
    ],
)
def test_an_invalid_tax_code_is_refused_saying_why(manager_client, given, code, message):
    response = manager_client.post(
        "/api/v1/companies/", {"legal_name": "Công ty TNHH Sông Hàn", "tax_code": given}
    )
    assert response.status_code == 400
    assert response.json() == company_problem("tax_code", code, message)
    assert Company.objects.count() == 0


def test_a_duplicate_tax_code_is_refused_as_not_unique(manager_client):
    make_company(tax_code="0312345673")
    response = manager_client.post(
        "/api/v1/companies/", {"legal_name": "Công ty Trùng Mã", "tax_code": "0312345673"}
    )
    assert response.status_code == 400
    assert response.json() == company_problem(
        "tax_code", "unique", "A company with tax code 0312345673 already exists."
    )
    assert Company.objects.count() == 1


def test_a_duplicate_branch_tax_code_written_differently_is_still_a_duplicate(manager_client):
    make_company(tax_code="0312345673-001")
    response = manager_client.post(
        "/api/v1/companies/", {"legal_name": "Chi nhánh", "tax_code": "0312345673001"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "tax_code",
            "code": "unique",
            "message": "A company with tax code 0312345673-001 already exists.",
        }
    ]


def test_a_head_office_and_its_branch_are_different_companies(manager_client):
    make_company(tax_code="0312345673")
    response = manager_client.post(
        "/api/v1/companies/", {"legal_name": "Chi nhánh Hà Nội", "tax_code": "0312345673-001"}
    )
    assert response.status_code == 201
    assert sorted(Company.objects.values_list("tax_code", flat=True)) == [
        "0312345673",
        "0312345673-001",
    ]


def test_companies_without_a_tax_code_do_not_clash(manager_client):
    for name in ["Khởi nghiệp A", "Khởi nghiệp B"]:
        response = manager_client.post("/api/v1/companies/", {"legal_name": name, "tax_code": ""})
        assert response.status_code == 201
        assert response.json()["tax_code"] is None
    assert list(Company.objects.values_list("tax_code", flat=True)) == [None, None]


def test_changing_to_a_tax_code_another_company_holds_is_refused(manager_client):
    make_company(tax_code="0312345673")
    other = make_company(tax_code="0100109106")
    response = manager_client.patch(f"/api/v1/companies/{other.pk}/", {"tax_code": "0312345673"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unique"
    other.refresh_from_db()
    assert (other.tax_code, other.version) == ("0100109106", 1)
