"""GET /directory/changes/: the feed partners poll, paged by cursor (design/sync.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenants.directory import directory_compact
from tenants.services import company_set_directory_visibility, company_update
from tests.chain.factories import visible_company

CHANGES = "/api/v1/directory/changes/"


def test_the_feed_lists_changes_with_the_current_record(partner_client, home_park):
    company = visible_company(
        legal_name="Công ty Cổ phần Phần mềm Đồng Tháp",
        short_name="DTSoft",
        website="https://dtsoft.vn",
        headcount=42,
    )
    body = partner_client.get(CHANGES).json()
    assert body == {
        "park": {"slug": "my-tho", "name": "Công viên Phần mềm Mỹ Tho"},
        "changes": [
            {
                "seq": 1,
                "op": "upsert",
                "id": str(company.pk),
                "version": 3,
                "changed_at": body["changes"][0]["changed_at"],
                "company": {
                    "id": str(company.pk),
                    "version": 3,
                    "legal_name": "Công ty Cổ phần Phần mềm Đồng Tháp",
                    "short_name": "DTSoft",
                    "tax_code": company.tax_code,
                    "sector": "software",
                    "website": "https://dtsoft.vn",
                    "email": "",
                    "logo_url": None,
                    "founded_on": None,
                    "headcount_band": "10-49",
                    "incubated": False,
                    "updated_at": body["changes"][0]["company"]["updated_at"],
                },
            }
        ],
        "next_cursor": body["next_cursor"],
        "has_more": False,
    }


def test_a_tombstone_carries_no_record_and_an_older_upsert_no_longer_leaks(
    partner_client, home_park
):
    company = visible_company()
    company_set_directory_visibility(company=company, visible=False, actor=None)
    changes = partner_client.get(CHANGES).json()["changes"]
    # The upsert (seq 1) is left out: the company is hidden now, and its tombstone follows.
    assert [(c["seq"], c["op"], c["company"]) for c in changes] == [(2, "delete", None)]


def test_the_feed_pages_by_cursor_and_says_when_there_is_more(partner_client, home_park):
    companies = [visible_company() for _ in range(5)]
    first = partner_client.get(CHANGES, {"limit": 2}).json()
    second = partner_client.get(CHANGES, {"limit": 2, "cursor": first["next_cursor"]}).json()
    third = partner_client.get(CHANGES, {"limit": 2, "cursor": second["next_cursor"]}).json()
    empty = partner_client.get(CHANGES, {"limit": 2, "cursor": third["next_cursor"]}).json()
    seen = [c["id"] for page in (first, second, third) for c in page["changes"]]
    assert seen == [str(company.pk) for company in companies]
    assert [first["has_more"], second["has_more"], third["has_more"]] == [True, True, False]
    assert empty["changes"] == []
    assert empty["has_more"] is False
    # The same position: the payload before the timestamped signature (a signature made in
    # the next second differs, so comparing the whole cursor failed now and then).
    assert empty["next_cursor"].split(":")[0] == third["next_cursor"].split(":")[0]


def test_a_limit_above_1000_is_clamped_and_a_bad_limit_refused(partner_client, home_park):
    visible_company()
    assert partner_client.get(CHANGES, {"limit": 5000}).status_code == 200
    response = partner_client.get(CHANGES, {"limit": "many"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "limit", "code": "invalid", "message": "A valid integer is required."}
    ]


def test_a_cursor_from_before_the_compaction_horizon_gets_410(partner_client, home_park):
    company = visible_company()
    old = partner_client.get(CHANGES).json()["next_cursor"]  # after seq 1
    company_update(company=company, data={"short_name": "B"}, actor=None)  # seq 2
    company_update(company=company, data={"short_name": "C"}, actor=None)  # seq 3
    directory_compact(before=timezone.now() + timedelta(seconds=1))  # removes seq 1 and 2
    response = partner_client.get(CHANGES, {"cursor": old})
    assert response.status_code == 410
    assert response.json() == {
        "type": "/problems/cursor-expired",
        "title": response.json()["title"],
        "status": 410,
        "detail": "The cursor is older than the retained history: read the snapshot again.",
        "code": "cursor_expired",
        "instance": CHANGES,
    }
    fresh = partner_client.get(CHANGES).json()
    assert [(c["seq"], c["company"]["short_name"]) for c in fresh["changes"]] == [(3, "C")]


def test_a_cursor_at_the_horizon_still_reads(partner_client, home_park):
    company = visible_company()
    company_update(company=company, data={"short_name": "B"}, actor=None)  # seq 2
    current = partner_client.get(CHANGES).json()["next_cursor"]  # after seq 2
    directory_compact(before=timezone.now() + timedelta(seconds=1))  # removes seq 1
    assert partner_client.get(CHANGES, {"cursor": current}).status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_the_feed_runs_the_same_queries_for_one_change_or_many(
    partner_client, home_park, count, django_assert_max_num_queries
):
    for _ in range(count):
        visible_company()
    with django_assert_max_num_queries(13):
        response = partner_client.get(CHANGES)
    assert len(response.json()["changes"]) == count
