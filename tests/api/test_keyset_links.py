"""`next` links continue after the last row of their page (api/base/keyset.py, issue 17).

A page reached by its `next` link starts on the index where the page before ended, so it
costs the same at any depth; the rows are those of the offset page, except that a list
changing meanwhile neither repeats nor skips a row. A token made for another page, size,
filter or ordering is ignored (the page number stands); one that is not ours is a 400.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.base import keyset
from tenants.models import Company
from tests.factories import link_without_after, make_company, make_manager

pytestmark = pytest.mark.django_db

SECTORS = ["software", "hardware", "it_services"]


@pytest.fixture
def companies():
    # Names that sort apart from their creation order, and sectors that tie (three values).
    return [
        make_company(legal_name=f"Công ty {(n * 7) % 23:02d}", sector=SECTORS[n % 3])
        for n in range(23)
    ]


@pytest.fixture
def client():
    client = APIClient()
    client.force_authenticate(make_manager())
    return client


def _ids(body) -> list[str]:
    return [row["id"] for row in body["results"]]


def _walk(client, url: str) -> list[list[str]]:
    pages = []
    while url:
        body = client.get(url).json()
        pages.append(_ids(body))
        url = body["next"]
    return pages


def _offset_pages(client, url: str, count: int, size: int) -> list[list[str]]:
    pages = []
    for number in range(1, -(-count // size) + 1):
        pages.append(_ids(client.get(f"{url}&page={number}").json()))
    return pages


def _after(link: str) -> str | None:
    return parse_qs(urlsplit(link).query).get("after", [None])[0]


@pytest.mark.parametrize(
    "ordering",
    [None, "legal_name", "-legal_name", "sector", "-sector", "-created_at", "status,-sector"],
)
def test_walking_by_next_links_gives_the_offset_pages(client, companies, ordering):
    url = "/api/v1/companies/?page_size=5" + (f"&ordering={ordering}" if ordering else "")
    walked = _walk(client, url)
    assert walked == _offset_pages(client, url, len(companies), 5)
    seen = [pk for page in walked for pk in page]
    assert sorted(seen) == sorted(str(company.pk) for company in companies)  # once each


def test_ties_are_broken_by_the_id_in_the_orderings_direction(client, companies):
    with CaptureQueriesContext(connection) as queries:
        rows = client.get("/api/v1/companies/?page_size=50&ordering=-sector").json()["results"]
    expected = sorted(companies, key=lambda company: (company.sector, company.pk), reverse=True)
    assert [row["id"] for row in rows] == [str(company.pk) for company in expected]
    # Said in the query, not left to the plan: SQLite's index on (sector, id) happens to
    # return ties by id without being asked, PostgreSQL's sort of 23 rows does not.
    [page_query] = [q["sql"] for q in queries if "LIMIT" in q["sql"]]
    order_by = page_query.rsplit("ORDER BY", 1)[1]
    assert re.search(r'"sector" DESC, "tenants_company"\."id" DESC', order_by), order_by


def test_a_page_reached_by_its_link_reads_no_offset(client, companies):
    first = client.get("/api/v1/companies/?page_size=5").json()
    assert _after(first["next"]) is not None
    with CaptureQueriesContext(connection) as by_link:
        second = client.get(first["next"])
    with CaptureQueriesContext(connection) as by_number:
        client.get(link_without_after(first["next"]))
    [page_query] = [q["sql"] for q in by_link if "LIMIT" in q["sql"]]
    assert "OFFSET" not in page_query
    assert any("OFFSET" in q["sql"] for q in by_number)
    assert second.json()["previous"] == "http://testserver/api/v1/companies/?page_size=5"


def test_a_row_added_before_the_page_is_not_shown_twice(client, companies):
    first = client.get("/api/v1/companies/?page_size=5").json()
    make_company(legal_name="Công ty 00 A")  # sorts into the first page, pushing it down
    by_link = _ids(client.get(first["next"]).json())
    by_number = _ids(client.get(link_without_after(first["next"])).json())
    assert not set(by_link) & set(_ids(first))
    assert set(by_number) & set(_ids(first))  # the offset page repeats the pushed-down row
    ordered = Company.objects.order_by("legal_name", "id").values_list("pk", flat=True)
    names_after = [str(pk) for pk in ordered][6:11]
    assert by_link == names_after


def test_a_token_for_another_page_size_filter_or_page_is_ignored(client, companies):
    first = client.get("/api/v1/companies/?page_size=5").json()
    token = _after(first["next"])
    edited = {
        "page_size": f"/api/v1/companies/?page_size=4&page=2&after={token}",
        "filter": f"/api/v1/companies/?page_size=5&page=2&sector=software&after={token}",
        "ordering": f"/api/v1/companies/?page_size=5&page=2&ordering=-legal_name&after={token}",
        "page": f"/api/v1/companies/?page_size=5&page=3&after={token}",
    }
    for what, url in edited.items():
        response = client.get(url)
        assert response.status_code == 200, what
        assert _ids(response.json()) == _ids(client.get(link_without_after(url)).json()), what


def test_an_altered_token_is_a_400_on_after(client, companies):
    first = client.get("/api/v1/companies/?page_size=5").json()
    token = _after(first["next"])
    for bad in [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x", ""]:
        response = client.get(f"/api/v1/companies/?page_size=5&page=2&after={bad}")
        assert response.status_code == 400, bad
        body = response.json()
        assert body["code"] == "validation_error"
        assert [(e["field"], e["code"]) for e in body["errors"]] == [("after", "invalid")]


def test_a_link_whose_following_rows_are_gone_is_a_404(client, companies):
    url = "/api/v1/companies/?page_size=20"
    first = client.get(url).json()
    last_ids = _ids(client.get(first["next"]).json())
    Company.objects.filter(pk__in=last_ids).delete()
    assert client.get(first["next"]).status_code == 404


def test_an_ordering_over_a_nullable_column_keeps_offsets(client, companies):
    # founded_on may be empty: NULLs sort apart from every date, so no token is made.
    url = "/api/v1/companies/?page_size=5&ordering=founded_on"
    first = client.get(url).json()
    assert _after(first["next"]) is None
    assert _walk(client, url) == _offset_pages(client, url, len(companies), 5)


def test_ordering_keys_stop_at_the_first_unique_column():
    keys = keyset.ordering_keys(Company.objects.order_by("sector", "-id", "legal_name"))
    assert [(key.name, key.descending) for key in keys] == [("sector", False), ("id", True)]
    assert keyset.ordering_keys(Company.objects.order_by("sector")) is None  # ties unbroken
    assert keyset.ordering_keys(Company.objects.order_by("founded_on", "id")) is None
    assert keyset.ordering_keys(Company.objects.values("id").order_by("id")) is None


def test_the_browsable_apis_numbered_links_page_by_number(client, companies):
    first = client.get("/api/v1/companies/?page_size=5").json()
    html = client.get(first["next"], HTTP_ACCEPT="text/html").content.decode()
    numbered = re.findall(r'<a href="([^"]*)">\s*\d+\s*</a>', html)
    assert len(numbered) == 5
    assert all("after=" not in link for link in numbered), numbered
    [arrow] = re.findall(r'<a href="([^"]*)" aria-label="Next">', html)
    assert "after=" in arrow  # the next arrow is the next link, token and all
