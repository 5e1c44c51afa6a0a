"""S2b: the company list at ten times the size: 50,000 rows against 5,000.

`GET /api/v1/companies/?page_size=100` (a real token) for the first page at 5,000 companies,
then, with the table grown to 50,000, for the first page and for page 500 (the last), as a
client reaches it: by page 499's `next` link. Each must stay within 1.5x the first page at
5,000: an index serves the order (no sort of the whole table), the count is the planner's
estimate past a threshold, and a `next` link starts its page on the index right after the
row that ended the page before (api/base/keyset.py), so page 500 reads what page 2 does.

Page 500 asked for by its number alone (`?page=500`, an offset of 49,900) is shown beside it
for information, without a target: it finds its ids on the index before reading rows
(api/base/pagination.py), but still walks 49,900 index entries to get there.

The two sizes cannot be timed turn by turn (one table): the 5,000-row page is timed before
the table grows and again after it is cut back to 5,000 rows, both phases pooled, so load
that changes meanwhile lands on both sides; the two 50,000-row pages are interleaved with
each other.
"""

import json
import statistics

from django.db import connection
from rest_framework.test import APIClient

from bench.scenarios.s1_companies_list import bench_manager_token, ensure_companies
from bench.timing import Row, _timed, interleaved_medians

NAME = "S2b companies list at 50,000 rows"
TARGET = 1.5  # issue 17
REPEAT = 25
SMALL, LARGE, PAGE_SIZE, DEEP_PAGE = 5_000, 50_000, 100, 500

_client = APIClient()


def _get(url: str) -> dict:
    response = _client.get(url, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def _page(number: int) -> dict:
    return _get(f"/api/v1/companies/?page_size={PAGE_SIZE}&page={number}")


def setup() -> None:
    ensure_companies(SMALL)
    _client.credentials(HTTP_AUTHORIZATION=f"Token {bench_manager_token()}")


def check() -> None:
    first = _page(1)
    assert len(first["results"]) == PAGE_SIZE
    assert first["count"] >= SMALL


def _small_timings() -> list[float]:
    for _ in range(REPEAT):  # warm: the same number of runs as the interleaved phase has
        _page(1)
    return [_timed(lambda: _page(1)) for _ in range(REPEAT)]


def _shrink_companies(count: int) -> None:
    """Back to the first `count` companies of ensure_companies (S3-S5 add their own after)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM tenants_company WHERE short_name LIKE %s AND short_name >= %s",
            ["Mekong %", f"Mekong {count:05d}"],
        )
        vacuum = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        cursor.execute(f"{vacuum} tenants_company")


def measure() -> list[Row]:
    from tenants.models import Company

    if Company.objects.count() != SMALL:  # runs after S1 and S2, before S3-S5 add theirs
        raise RuntimeError("S2b needs a table of exactly 5,000 companies to start from")
    small_timings = _small_timings()
    ensure_companies(LARGE)
    link = _page(DEEP_PAGE - 1)["next"]  # as a client walking the list reaches page 500
    assert "after=" in link, link
    assert f"page={DEEP_PAGE}" in link, link
    by_link, by_number = _get(link), _page(DEEP_PAGE)
    assert by_link["results"] == by_number["results"]
    names = [row["legal_name"] for row in by_link["results"]]
    assert names[-1] == f"Công ty Cổ phần Phần mềm Mekong {LARGE - 1:05d}", names[-1]
    first, deep = interleaved_medians(lambda: _page(1), lambda: _get(link), repeat=REPEAT)
    offset, _first = interleaved_medians(lambda: _page(DEEP_PAGE), lambda: _page(1), repeat=REPEAT)
    count = _page(1)["count"]
    # The small table is timed again after the large one, and both phases pooled: load that
    # changed while the table grew then weighs on each side alike.
    _shrink_companies(SMALL)
    if Company.objects.count() != SMALL:
        raise RuntimeError("S2b could not shrink the company table back to 5,000")
    small_timings += _small_timings()
    small = statistics.median(small_timings)
    note = f"count shown: {count:,}; 5,000-row page timed before and after"
    return [
        Row(f"{NAME}, first page / first at 5,000", first, small, TARGET, note),
        Row(f"{NAME}, page 500 / first at 5,000", deep, small, TARGET, "by its next link"),
        Row(
            f"{NAME}, ?page=500 / first at 5,000",
            offset,
            small,
            None,
            "by its number alone (an offset): information, no target",
        ),
    ]
