import pytest

from accounts.search import normalise
from tenants.models import Company
from tests.factories import make_company


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Đồng Tháp", "dong thap"),
        ("DONG THAP", "dong thap"),
        ("  Công ty   Cổ phần Mỹ Tho ", "cong ty co phan my tho"),
        ("ĐẠI VIỆT đường", "dai viet duong"),
        ("", ""),
        (None, ""),
    ],
)
def test_the_normaliser_drops_case_diacritics_and_the_stroke_of_d(text, normalised):
    assert normalise(text) == normalised


def test_a_company_keeps_its_names_and_tax_code_normalised_for_search(db):
    company = make_company(
        legal_name="Công ty TNHH Phần mềm Đồng Tháp", short_name="ĐT Soft", tax_code="0312345673"
    )
    company.refresh_from_db()
    assert company.search_text == ("cong ty tnhh phan mem dong thap dt soft 0312345673 0312345673")


@pytest.mark.parametrize("query", ["Đồng Tháp", "dong thap", "DONG THAP", "đồng", "tháp đồng"])
def test_search_finds_the_same_companies_with_or_without_diacritics(manager_client, query):
    dong_thap = make_company(legal_name="Công ty Cổ phần Phần mềm Đồng Tháp")
    make_company(legal_name="Công ty TNHH Mỹ Tho Digital")
    response = manager_client.get("/api/v1/companies/", {"search": query})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(dong_thap.pk)]


def test_search_finds_a_company_by_its_tax_code_with_or_without_the_dash(manager_client):
    branch = make_company(legal_name="Chi nhánh", tax_code="0312345673-001")
    make_company(legal_name="Khác")
    for query in ["0312345673-001", "0312345673001"]:
        response = manager_client.get("/api/v1/companies/", {"search": query})
        assert [row["id"] for row in response.json()["results"]] == [str(branch.pk)]


def test_search_follows_a_change_of_name(manager_client):
    company = make_company(legal_name="Công ty Sông Hàn")
    response = manager_client.patch(
        f"/api/v1/companies/{company.pk}/", {"legal_name": "Công ty Đà Lạt"}
    )
    assert response.status_code == 200
    assert list(Company.objects.filter(search_text__contains="da lat")) == [company]
    assert list(Company.objects.filter(search_text__contains="song han")) == []
