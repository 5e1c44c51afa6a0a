import pytest

from tenants.services import company_set_directory_visibility, company_update
from tests.chain.factories import visible_company
from tests.factories import make_company

SNAPSHOT = "/api/v1/directory/snapshot/"
CHANGES = "/api/v1/directory/changes/"


def test_the_snapshot_lists_visible_companies_only(partner_client, home_park, settings):
    settings.DEBUG = False
    shown = sorted([visible_company(), visible_company()], key=lambda c: str(c.pk))
    make_company()  # a prospect
    hidden = visible_company()
    company_set_directory_visibility(company=hidden, visible=False, actor=None)
    body = partner_client.get(SNAPSHOT).json()
    assert [record["id"] for record in body["results"]] == [str(c.pk) for c in shown]
    assert body["park"] == {"slug": "my-tho", "name": "Công viên Phần mềm Mỹ Tho"}
    assert body["has_more"] is False
    assert set(body) == {"park", "results", "next_cursor", "has_more", "changes_cursor"}


def test_the_snapshot_pages_by_id_and_only_its_first_page_has_a_changes_cursor(
    partner_client, home_park, monkeypatch
):
    from chain import feed

    monkeypatch.setattr(feed, "SNAPSHOT_PAGE_SIZE", 2)
    companies = sorted([visible_company() for _ in range(5)], key=lambda c: str(c.pk))
    pages = [partner_client.get(SNAPSHOT).json()]
    while pages[-1]["has_more"]:
        pages.append(partner_client.get(SNAPSHOT, {"cursor": pages[-1]["next_cursor"]}).json())
    assert [len(page["results"]) for page in pages] == [2, 2, 1]
    assert ["changes_cursor" in page for page in pages] == [True, False, False]
    ids = [record["id"] for page in pages for record in page["results"]]
    assert ids == [str(c.pk) for c in companies]


def test_the_changes_cursor_is_taken_before_the_snapshot_is_read(partner_client, home_park):
    company = visible_company()
    first = partner_client.get(SNAPSHOT).json()
    company_update(company=company, data={"short_name": "Sau"}, actor=None)
    changes = partner_client.get(CHANGES, {"cursor": first["changes_cursor"]}).json()["changes"]
    assert [(c["op"], c["company"]["short_name"]) for c in changes] == [("upsert", "Sau")]


def test_a_snapshot_cursor_is_not_a_feed_cursor(partner_client, home_park):
    visible_company()
    snapshot_cursor = partner_client.get(SNAPSHOT).json()["next_cursor"]
    response = partner_client.get(CHANGES, {"cursor": snapshot_cursor})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "cursor", "code": "invalid", "message": "The cursor is not valid."}
    ]


def test_one_company_reads_as_json(partner_client, home_park):
    company = visible_company(short_name="DTSoft", headcount=300)
    body = partner_client.get(f"/api/v1/directory/companies/{company.pk}/").json()
    assert (body["id"], body["short_name"], body["headcount_band"], body["version"]) == (
        str(company.pk),
        "DTSoft",
        "250+",
        3,
    )


def test_one_company_reads_as_json_ld(partner_client, home_park):
    company = visible_company(
        legal_name="Công ty TNHH Mỹ Tho", short_name="MT", headcount=12, website="https://mt.vn"
    )
    url = f"/api/v1/directory/companies/{company.pk}/"
    response = partner_client.get(url, HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"] == "application/ld+json"
    body = response.json()
    assert body == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": f"http://testserver{url}",
        "identifier": str(company.pk),
        "name": "Công ty TNHH Mỹ Tho",
        "alternateName": "MT",
        "taxID": company.tax_code,
        "url": "https://mt.vn",
        "numberOfEmployees": {"@type": "QuantitativeValue", "minValue": 10, "maxValue": 49},
        "dateModified": body["dateModified"],
        "version": 3,
    }


@pytest.mark.parametrize("kind", ["prospect", "hidden", "unknown"])
def test_an_invisible_company_is_not_found(partner_client, home_park, kind):
    import uuid

    company_id = uuid.uuid4()
    if kind == "prospect":
        company_id = make_company().pk
    elif kind == "hidden":
        company = visible_company()
        company_set_directory_visibility(company=company, visible=False, actor=None)
        company_id = company.pk
    response = partner_client.get(f"/api/v1/directory/companies/{company_id}/")
    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 50])
def test_the_snapshot_runs_the_same_queries_for_one_company_or_many(
    partner_client, home_park, count, django_assert_max_num_queries
):
    for _ in range(count):
        visible_company()
    with django_assert_max_num_queries(13):
        response = partner_client.get(SNAPSHOT)
    assert len(response.json()["results"]) == count
