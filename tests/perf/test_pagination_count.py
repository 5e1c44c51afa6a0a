"""The page count stays cheap on large tables, and deep pages read their ids first (issue 17).

The thresholds are lowered per test (20,000 rows and an offset of 1,000 in production) so
that a few dozen companies show the behaviour.
"""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from api.base import pagination
from tenants.models import Company
from tests.factories import link_without_after, make_company, make_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies():
    return [make_company(legal_name=f"Công ty {n:02d}") for n in range(30)]


@pytest.fixture
def client():
    client = APIClient()
    client.force_authenticate(make_manager())
    return client


def _names(response) -> list[str]:
    return [row["legal_name"] for row in response.json()["results"]]


def test_a_small_list_keeps_its_exact_count_and_the_usual_body(client, companies):
    body = client.get("/api/v1/companies/?page_size=10&page=2").json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 30
    assert link_without_after(body["next"]).endswith("?page=3&page_size=10")


@pytest.mark.postgres
def test_a_large_list_shows_the_planners_estimate_and_says_so(client, companies, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_ESTIMATE_ABOVE", 10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tenants_company")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::int FROM pg_class WHERE relname = 'tenants_company'")
        [estimate] = cursor.fetchone()

    first = client.get("/api/v1/companies/?page_size=10")
    last = client.get("/api/v1/companies/?page_size=10&page=3")
    past = client.get("/api/v1/companies/?page_size=10&page=4")

    assert first.json()["count"] == estimate == 30
    assert first.json()["count_estimated"] is True
    assert link_without_after(first.json()["next"]).endswith("?page=2&page_size=10")
    assert _names(first) == [f"Công ty {n:02d}" for n in range(10)]
    assert "count_estimated" not in last.json()  # the last page knows the count
    assert (last.json()["count"], last.json()["next"]) == (30, None)
    assert past.status_code == 404


def test_a_deep_page_read_through_its_ids_has_the_rows_of_that_page_in_order(
    client, companies, monkeypatch
):
    monkeypatch.setattr(pagination, "DEFERRED_OFFSET", 5)

    deep = client.get("/api/v1/companies/?page_size=7&page=3&ordering=-legal_name")

    assert _names(deep) == [f"Công ty {n:02d}" for n in range(15, 8, -1)]
    assert deep.json()["count"] == 30


@pytest.mark.postgres
def test_an_estimate_below_the_real_count_hides_no_page(client, companies, monkeypatch):
    # The statistics are read while every company is in `software`; 25 `hardware` ones come
    # after, so the planner expects almost none of them (it knows no such sector).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tenants_company")
    for n in range(25):
        make_company(legal_name=f"Công ty phần cứng {n:02d}", sector="hardware")
    monkeypatch.setattr(pagination, "COUNT_ESTIMATE_ABOVE", 0)  # every list estimated

    estimate = pagination.planner_row_estimate(Company.objects.filter(sector="hardware"))
    assert 0 < estimate < 25  # the situation under test: the planner guesses low

    url = "/api/v1/companies/?sector=hardware&page_size=10"
    first, second, third = (client.get(f"{url}&page={n}").json() for n in (1, 2, 3))
    past = client.get(f"{url}&page=4")

    assert (first["count"], first["count_estimated"]) == (estimate, True)
    assert "page=2" in first["next"]
    assert second["count_estimated"] is True
    assert "page=3" in second["next"]  # past the guess: more pages than it allows
    assert "count_estimated" not in third  # the last page knows: 20 before it, 5 on it
    assert (third["count"], third["next"]) == (25, None)
    assert [row["legal_name"] for row in third["results"]] == [
        f"Công ty phần cứng {n:02d}" for n in range(20, 25)
    ]
    assert [len(page["results"]) for page in (first, second, third)] == [10, 10, 5]
    assert past.status_code == 404


@pytest.mark.postgres
def test_a_process_reuses_a_querys_estimate_for_a_few_seconds(client, companies, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    clock = {"now": 1_000.0}
    monkeypatch.setattr(pagination.time, "monotonic", lambda: clock["now"])

    def explains() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/companies/?page_size=10").status_code == 200
        return sum(query["sql"].startswith("EXPLAIN") for query in queries.captured_queries)

    assert explains() == 1
    clock["now"] += pagination.ESTIMATE_SECONDS - 1
    assert explains() == 0  # the same query: its rows are remembered (its exact count)
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/companies/?page_size=10&sector=hardware")
    assert any(query["sql"].startswith("EXPLAIN") for query in queries.captured_queries)
    clock["now"] += pagination.ESTIMATE_SECONDS + 1
    assert explains() == 1  # older than ESTIMATE_SECONDS: asked again


@pytest.mark.postgres
def test_a_list_that_grew_past_the_threshold_is_counted_exactly_once(
    client, companies, monkeypatch
):
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(pagination.time, "monotonic", lambda: 1_000.0)  # the window never ends
    first = client.get("/api/v1/companies/?page_size=10").json()
    assert (first["count"], "count_estimated" in first) == (30, False)  # remembered: small
    monkeypatch.setattr(pagination, "COUNT_ESTIMATE_ABOVE", 35)
    for n in range(10):
        make_company(legal_name=f"Công ty mới {n:02d}")

    with CaptureQueriesContext(connection) as queries:
        grown = client.get("/api/v1/companies/?page_size=10").json()
    assert (grown["count"], "count_estimated" in grown) == (40, False)  # counted, exactly
    assert any("COUNT(*)" in query["sql"] for query in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/companies/?page_size=10").json()
    assert (again["count"], again["count_estimated"]) == (40, True)  # that count stands in
    assert not any("COUNT(*)" in query["sql"] for query in queries.captured_queries)
    assert not any(query["sql"].startswith("EXPLAIN") for query in queries.captured_queries)
