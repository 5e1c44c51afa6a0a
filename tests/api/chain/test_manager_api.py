import pytest
from django.utils import timezone

from chain.models import Membership, Partner, PartnerCompany, PartnerKey, WebhookSecret
from chain.services import (
    partner_api_key,
    partner_for_key,
    webhook_secret_add,
)
from tests.chain.factories import make_partner, visible_company

PARTNERS = "/api/v1/chain/partners/"


def test_a_manager_creates_a_partner_whose_api_key_is_write_only(manager_client, home_park):
    response = manager_client.post(
        PARTNERS,
        {
            "name": "Công viên Phần mềm Đà Nẵng",
            "slug": "da-nang",
            "base_url": "https://dnsp.example/",
            "province": "Đà Nẵng",
            "api_key": "their-key-for-us",
        },
    )
    assert response.status_code == 201
    partner = Partner.objects.get()
    assert response.json() == {
        "id": str(partner.pk),
        "name": "Công viên Phần mềm Đà Nẵng",
        "slug": "da-nang",
        "base_url": "https://dnsp.example/",
        "province": "Đà Nẵng",
        "is_active": True,
        "webhook_url": "",
        "has_api_key": True,
        "last_synced_at": None,
        "last_error": "",
        "webhook_disabled_at": None,
        "version": 1,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }
    assert partner_api_key(partner) == "their-key-for-us"
    assert "their-key-for-us" not in partner.api_key_encrypted  # encrypted at rest


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("base_url", "http://dnsp.example/"),
        ("webhook_url", "https://127.0.0.1/hooks/"),
        ("webhook_url", "https://10.1.2.3/hooks/"),
        ("webhook_url", "https://[::1]/hooks/"),
        ("webhook_url", "https://169.254.169.254/latest/"),
    ],
)
def test_unsafe_partner_urls_are_refused_and_nothing_is_saved(manager_client, settings, field, url):
    settings.CHAIN_ALLOW_PRIVATE_URLS = False
    body = {"name": "X", "slug": "x", "base_url": "https://dnsp.example/", field: url}
    response = manager_client.post(PARTNERS, body)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert response.json()["errors"][0]["code"] == "unsafe_url"
    assert Partner.objects.count() == 0


UNSAFE_BOTH = {"base_url": "http://dnsp.example/", "webhook_url": "https://127.0.0.1/hooks/"}
BOTH_NAMED = [
    {"field": "base_url", "code": "unsafe_url", "message": "Only https:// URLs are allowed."},
    {
        "field": "webhook_url",
        "code": "unsafe_url",
        "message": "The host 127.0.0.1 resolves to a private or local address.",
    },
]


def test_a_new_partner_with_two_unsafe_urls_is_refused_naming_both(manager_client, settings):
    settings.CHAIN_ALLOW_PRIVATE_URLS = False
    response = manager_client.post(PARTNERS, {"name": "X", "slug": "x", **UNSAFE_BOTH})
    assert response.json() == {
        "type": "/problems/validation-error",
        "title": "Invalid request",
        "status": 400,
        "detail": "base_url: Only https:// URLs are allowed. (and 1 more)",
        "code": "validation_error",
        "instance": PARTNERS,
        "errors": BOTH_NAMED,
    }
    assert Partner.objects.count() == 0


def test_a_partner_changed_to_two_unsafe_urls_is_refused_naming_both(
    manager_client, partner, settings
):
    settings.CHAIN_ALLOW_PRIVATE_URLS = False
    response = manager_client.patch(f"{PARTNERS}{partner.pk}/", UNSAFE_BOTH, format="json")
    assert (response.status_code, response.json()["errors"]) == (400, BOTH_NAMED)
    partner.refresh_from_db()
    assert (partner.base_url, partner.webhook_url, partner.version) == (
        "https://qtsc.example/",
        "",
        1,
    )


@pytest.mark.parametrize("field", ["base_url", "webhook_url"])
@pytest.mark.parametrize("port", ["99999", "65536"])
def test_a_partner_url_with_a_port_out_of_range_is_a_400_on_its_field(
    manager_client, home_park, field, port
):
    body = {"name": "X", "slug": "x", "base_url": "https://dnsp.example/"}
    body[field] = f"https://dnsp.example:{port}/"
    response = manager_client.post(PARTNERS, body)
    assert (response.status_code, response.json()["errors"]) == (
        400,
        [
            {
                "field": field,
                "code": "unsafe_url",
                "message": "The URL's port is not a number from 1 to 65535.",
            }
        ],
    )
    assert Partner.objects.count() == 0


def test_a_non_manager_may_not_see_partners(user_client):
    assert user_client.get(PARTNERS).status_code == 403


def test_queueing_a_sync_answers_202(manager_client, partner, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(f"{PARTNERS}{partner.pk}/sync/")
    assert response.status_code == 202
    assert response.json() == {"detail": "Sync queued."}
    [queued] = DBTaskResult.objects.all()
    assert (queued.task_path, queued.args_kwargs["args"]) == (
        "chain.tasks.sync_partner",
        ["quang-trung"],
    )


def test_a_key_is_shown_once_and_listed_by_prefix(manager_client, partner):
    response = manager_client.post(f"{PARTNERS}{partner.pk}/keys/")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"prefix", "key"}
    assert body["key"].startswith(body["prefix"])
    assert len(body["prefix"]) == 8
    assert partner_for_key(body["key"]) == partner
    listed = manager_client.get(f"{PARTNERS}{partner.pk}/keys/").json()
    assert listed == [
        {
            "prefix": body["prefix"],
            "created_at": listed[0]["created_at"],
            "last_used_at": listed[0]["last_used_at"],
            "revoked_at": None,
        }
    ]
    assert body["key"] not in str(PartnerKey.objects.values_list())


def test_deleting_a_key_revokes_it(manager_client, partner, partner_key):
    response = manager_client.delete(f"{PARTNERS}{partner.pk}/keys/{partner_key[:8]}/")
    assert response.status_code == 204
    assert partner_for_key(partner_key) is None
    again = manager_client.delete(f"{PARTNERS}{partner.pk}/keys/{partner_key[:8]}/")
    assert again.status_code == 404


def test_a_made_webhook_secret_is_shown_once(manager_client, partner):
    response = manager_client.post(f"{PARTNERS}{partner.pk}/webhook-secrets/", {})
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["id"] == WebhookSecret.objects.get().pk


def test_a_third_secret_retires_the_oldest(manager_client, partner):
    first, _ = webhook_secret_add(partner=partner, actor=None)
    second, _ = webhook_secret_add(partner=partner, actor=None)
    secret = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"  # 24 bytes
    response = manager_client.post(f"{PARTNERS}{partner.pk}/webhook-secrets/", {"secret": secret})
    assert response.status_code == 201
    active = manager_client.get(f"{PARTNERS}{partner.pk}/webhook-secrets/").json()
    assert [row["id"] for row in active] == [second.pk, response.json()["id"]]
    first.refresh_from_db()
    assert first.retired_at is not None


def test_a_malformed_secret_is_refused(manager_client, partner):
    response = manager_client.post(
        f"{PARTNERS}{partner.pk}/webhook-secrets/", {"secret": "whsec_c2hvcnQ="}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "secret",
            "code": "invalid",
            "message": "A webhook secret holds at least 24 random bytes.",
        }
    ]
    assert WebhookSecret.objects.count() == 0


def test_deleting_a_secret_retires_it(manager_client, partner):
    secret, _ = webhook_secret_add(partner=partner, actor=None)
    response = manager_client.delete(f"{PARTNERS}{partner.pk}/webhook-secrets/{secret.pk}/")
    assert response.status_code == 204
    secret.refresh_from_db()
    assert secret.retired_at is not None


def test_memberships_are_kept_by_managers(manager_client, home_park):
    from chain.services import chain_create

    chain = chain_create(data={"name": "Chuỗi Quang Trung"}, actor=None)
    response = manager_client.post(
        "/api/v1/chain/memberships/",
        {"chain": str(chain.pk), "park": str(home_park.pk), "joined_on": "2024-01-01"},
    )
    assert response.status_code == 201
    membership = Membership.objects.get()
    assert response.json() == {
        "id": str(membership.pk),
        "chain": str(chain.pk),
        "park": str(home_park.pk),
        "role": "member",
        "joined_on": "2024-01-01",
        "left_on": None,
        "agreement_number": "",
        "version": 1,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }
    patched = manager_client.patch(
        f"/api/v1/chain/memberships/{membership.pk}/", {"left_on": "2023-01-01"}
    )
    assert patched.status_code == 400
    assert patched.json()["errors"][0]["code"] == "invalid"


def mirror(partner, **fields):
    import uuid

    record = {"legal_name": "Công ty Đà Nẵng", "short_name": "", "tax_code": "", **fields}
    return PartnerCompany.objects.create(
        partner=partner,
        remote_id=fields.pop("remote_id", uuid.uuid4()),
        version=1,
        fields=record,
        legal_name=record["legal_name"],
        short_name=record["short_name"],
        sector="software",
        remote_updated_at=timezone.now(),
    )


def test_the_chain_search_finds_home_and_mirrored_companies_accent_insensitively(
    manager_client, partner
):
    ours = visible_company(legal_name="Công ty Cổ phần Phần mềm Đồng Tháp", short_name="DT")
    theirs = mirror(partner, legal_name="Công ty TNHH Đông Hà")
    mirror(partner, legal_name="Công ty Huế")
    body = manager_client.get("/api/v1/chain/companies/", {"search": "dong"}).json()
    assert body["count"] == 2
    assert body["results"] == [
        {
            "id": str(ours.pk),
            "source": "home",
            "legal_name": "Công ty Cổ phần Phần mềm Đồng Tháp",
            "short_name": "DT",
            "tax_code": ours.tax_code,
            "sector": "software",
            "website": "",
            "logo_url": None,
            "park": {"slug": "my-tho", "name": "Công viên Phần mềm Mỹ Tho"},
            "updated_at": body["results"][0]["updated_at"],
        },
        {
            "id": str(theirs.remote_id),
            "source": "quang-trung",
            "legal_name": "Công ty TNHH Đông Hà",
            "short_name": "",
            "tax_code": "",
            "sector": "software",
            "website": "",
            "logo_url": None,
            "park": {"slug": "quang-trung", "name": "Công viên Phần mềm Quang Trung"},
            "updated_at": body["results"][1]["updated_at"],
        },
    ]


def test_the_chain_search_filters_by_partner_and_refuses_an_unknown_one(manager_client, partner):
    visible_company()
    theirs = mirror(partner)
    body = manager_client.get("/api/v1/chain/companies/", {"partner": "quang-trung"}).json()
    assert [row["id"] for row in body["results"]] == [str(theirs.remote_id)]
    response = manager_client.get("/api/v1/chain/companies/", {"partner": "nowhere"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "partner"


def test_a_deleted_mirror_row_is_not_listed(manager_client, partner):
    mirror(partner)
    PartnerCompany.objects.update(deleted_at=timezone.now())
    assert manager_client.get("/api/v1/chain/companies/").json()["count"] == 0


@pytest.mark.parametrize("count", [1, 50])
def test_the_chain_search_runs_the_same_queries_for_one_row_or_many(
    manager_client, partner, count, django_assert_max_num_queries
):
    for _ in range(count):
        visible_company()
        mirror(partner)
    with django_assert_max_num_queries(12):
        response = manager_client.get("/api/v1/chain/companies/", {"page_size": 200})
    assert response.json()["count"] == 2 * count


def test_notes_on_a_mirrored_company_are_kept_by_remote_id(manager_client, manager, partner):
    theirs = mirror(partner)
    url = f"/api/v1/chain/companies/{theirs.remote_id}/notes/"
    response = manager_client.post(url, {"text": "Gặp ở hội chợ Đà Nẵng."})
    assert response.status_code == 201
    assert manager_client.get(url).json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": response.json()["id"],
                "partner": "quang-trung",
                "remote_id": str(theirs.remote_id),
                "author": str(manager.pk),
                "text": "Gặp ở hội chợ Đà Nẵng.",
                "version": 1,
                "created_at": response.json()["created_at"],
            }
        ],
    }


def test_notes_are_listed_in_pages_like_every_other_list(manager_client, partner):
    from chain.services import note_create

    theirs = mirror(partner)
    for number in range(3):
        note_create(
            partner=partner,
            remote_id=theirs.remote_id,
            data={"text": f"Ghi chú {number}"},
            actor=None,
        )
    url = f"/api/v1/chain/companies/{theirs.remote_id}/notes/"
    first = manager_client.get(url, {"page_size": 2}).json()
    second = manager_client.get(first["next"]).json()
    assert (first["count"], first["previous"], second["next"]) == (3, None, None)
    assert [note["text"] for note in first["results"] + second["results"]] == [
        "Ghi chú 0",
        "Ghi chú 1",
        "Ghi chú 2",
    ]


def test_a_note_on_an_unknown_company_is_404(manager_client, partner):
    import uuid

    response = manager_client.post(f"/api/v1/chain/companies/{uuid.uuid4()}/notes/", {"text": "?"})
    assert response.status_code == 404


def test_partners_are_listed_for_managers(manager_client, home_park):
    make_partner()
    assert [row["slug"] for row in manager_client.get(PARTNERS).json()["results"]] == [
        "quang-trung"
    ]


def test_a_partner_list_filtered_by_a_word_that_is_not_a_boolean_is_a_400(
    manager_client, home_park
):
    make_partner()
    response = manager_client.get(PARTNERS, {"is_active": "maybe"})
    assert (response.status_code, response["Content-Type"]) == (400, "application/problem+json")
    assert response.json()["errors"] == [
        {"field": "is_active", "code": "invalid", "message": "Must be true or false."}
    ]


@pytest.mark.parametrize(
    ("value", "slugs"),
    [("true", ["quang-trung"]), ("1", ["quang-trung"]), ("false", ["da-nang"]), ("0", ["da-nang"])],
)
def test_partners_filter_by_is_active(manager_client, home_park, value, slugs):
    make_partner()
    make_partner(slug="da-nang", name="Đà Nẵng", is_active=False)
    response = manager_client.get(PARTNERS, {"is_active": value})
    assert [row["slug"] for row in response.json()["results"]] == slugs


def test_a_membership_list_filtered_by_an_unknown_role_is_a_400(manager_client, home_park):
    response = manager_client.get("/api/v1/chain/memberships/", {"role": "founder"})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["role"]


@pytest.mark.parametrize("count", [1, 50])
def test_manager_lists_run_the_same_queries_for_one_row_or_many(
    manager_client, home_park, count, django_assert_max_num_queries
):
    from chain.services import chain_create, membership_create, note_create, partner_key_create
    from tests.factories import make_park

    partner = make_partner()
    theirs = mirror(partner)
    for number in range(count):
        chain = chain_create(data={"name": f"Chuỗi {number}"}, actor=None)
        membership_create(
            data={"chain": chain, "park": make_park(), "joined_on": timezone.localdate()},
            actor=None,
        )
        partner_key_create(partner=partner, actor=None)
        note_create(
            partner=partner,
            remote_id=theirs.remote_id,
            data={"text": f"Ghi chú {number}"},
            actor=None,
        )
        if number:
            make_partner(slug=f"doi-tac-{number}", name=f"Đối tác {number}")
    webhook_secret_add(partner=partner, actor=None)
    urls = {
        PARTNERS: count,
        "/api/v1/chain/memberships/": count,
        f"{PARTNERS}{partner.pk}/keys/": count,
        f"{PARTNERS}{partner.pk}/webhook-secrets/": 1,
        f"/api/v1/chain/companies/{theirs.remote_id}/notes/": count,
    }
    for url, expected in urls.items():
        with django_assert_max_num_queries(11):
            body = manager_client.get(url, {"page_size": 100}).json()
        rows = body["results"] if isinstance(body, dict) else body
        assert len(rows) == expected, url
