"""The chain's admin: saves and actions go through chain/services.py; deliveries, mirrors and
keys are read-only lists."""

import base64
import uuid

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chain.demo import seed_chain
from chain.models import (
    Chain,
    Membership,
    Partner,
    PartnerCompany,
    PartnerCompanyNote,
    PartnerKey,
    WebhookDelivery,
    WebhookSecret,
)
from chain.services import partner_api_key, partner_for_key, partner_update, secret_bytes
from tests.chain.factories import make_partner
from tests.factories import make_user


def test_the_admin_lists_partners_deliveries_and_mirrors(admin_client, partner):
    for url in (
        "/admin/chain/partner/",
        f"/admin/chain/partner/{partner.pk}/change/",
        "/admin/chain/webhookdelivery/",
        "/admin/chain/partnercompany/",
        "/admin/chain/partnerkey/",
        "/admin/chain/chain/",
        "/admin/chain/membership/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_the_admin_creates_a_key_and_shows_it_once(admin_client, partner):
    response = admin_client.post(
        "/admin/chain/partner/",
        {"action": "create_key", "_selected_action": [str(partner.pk)]},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"]]
    key = message.rsplit(" ", 1)[-1]
    assert partner_for_key(key) == partner


def test_the_admin_adds_a_partner_through_the_service(admin_client, home_park):
    response = admin_client.post(
        "/admin/chain/partner/add/",
        {
            "name": "Công viên Phần mềm Cần Thơ",
            "slug": "can-tho",
            "base_url": "https://ctsp.example/",
            "province": "Cần Thơ",
            "is_active": "on",
            "webhook_url": "",
            "api_key": "their-key",
        },
    )
    assert response.status_code == 302
    partner = Partner.objects.get(slug="can-tho")
    assert partner_api_key(partner) == "their-key"
    assert partner.history.count() == 1


def mirror_row(partner) -> PartnerCompany:
    return PartnerCompany.objects.create(
        partner=partner, remote_id=uuid.uuid4(), version=1, legal_name="Công ty Đà Nẵng"
    )


def action_names(response) -> list[str]:
    form = response.context["action_form"]
    return [] if form is None else [name for name, _label in form.fields["action"].choices if name]


def test_read_only_lists_offer_no_delete_selected(admin_client, partner, partner_key):
    mirror_row(partner)
    lists = {
        "/admin/chain/partnercompany/": [],
        "/admin/chain/webhookdelivery/": [],
        "/admin/chain/partnerkey/": ["revoke"],
    }
    assert {url: action_names(admin_client.get(url)) for url in lists} == lists


def test_a_mirrored_company_cannot_be_deleted_in_the_admin(admin_client, partner):
    mirror = mirror_row(partner)

    selected = admin_client.post(
        "/admin/chain/partnercompany/",
        {"action": "delete_selected", "_selected_action": [str(mirror.pk)], "post": "yes"},
    )
    page = admin_client.get(f"/admin/chain/partnercompany/{mirror.pk}/delete/")

    assert (selected.status_code, page.status_code) == (200, 403)  # no such action; refused
    assert list(PartnerCompany.objects.all()) == [mirror]


def test_the_admin_revokes_keys_through_the_service(admin_client, partner, partner_key):
    response = admin_client.post(
        "/admin/chain/partnerkey/",
        {"action": "revoke", "_selected_action": [str(PartnerKey.objects.get().pk)]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["1 keys revoked."]
    assert partner_for_key(partner_key) is None
    assert PartnerKey.objects.get().history.count() == 2  # made, then revoked


def test_the_admin_changes_a_partner_and_keeps_its_key_when_none_is_typed(admin_client, partner):
    partner_update(partner=partner, data={}, api_key="their-key", actor=None)
    response = admin_client.post(
        f"/admin/chain/partner/{partner.pk}/change/",
        {
            "name": "Công viên Phần mềm Quang Trung (QTSC)",
            "slug": "quang-trung",
            "base_url": "https://qtsc.example/",
            "province": "",
            "is_active": "on",
            "webhook_url": "",
            "api_key": "",
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner_api_key(partner)) == (
        "Công viên Phần mềm Quang Trung (QTSC)",
        "their-key",
    )


def test_an_unsafe_partner_url_is_a_form_error_and_nothing_is_saved(
    admin_client, home_park, settings
):
    settings.CHAIN_ALLOW_PRIVATE_URLS = False
    response = admin_client.post(
        "/admin/chain/partner/add/",
        {
            "name": "Công viên Phần mềm Cần Thơ",
            "slug": "can-tho",
            "base_url": "https://ctsp.example/",
            "province": "",
            "is_active": "on",
            "webhook_url": "https://127.0.0.1/hooks/",
            "api_key": "",
        },
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["webhook_url"]
    assert Partner.objects.count() == 0


def test_two_unsafe_partner_urls_are_both_form_errors_and_nothing_is_saved(
    admin_client, home_park, settings
):
    settings.CHAIN_ALLOW_PRIVATE_URLS = False
    response = admin_client.post(
        "/admin/chain/partner/add/",
        {
            "name": "Công viên Phần mềm Cần Thơ",
            "slug": "can-tho",
            "base_url": "https://[64:ff9b::a9fe:a9fe]/",
            "province": "",
            "is_active": "on",
            "webhook_url": "https://127.0.0.1/hooks/",
            "api_key": "",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "base_url": ["The host 64:ff9b::a9fe:a9fe resolves to a private or local address."],
        "webhook_url": ["The host 127.0.0.1 resolves to a private or local address."],
    }
    assert Partner.objects.count() == 0


def test_the_admin_adds_and_renames_a_chain_through_the_service(admin_client):
    added = admin_client.post(
        "/admin/chain/chain/add/", {"name": "Chuỗi Quang Trung", "coordinator": ""}
    )
    chain = Chain.objects.get()
    changed = admin_client.post(
        f"/admin/chain/chain/{chain.pk}/change/",
        {"name": "Chuỗi Công viên Quang Trung", "coordinator": "QTSC"},
    )
    chain.refresh_from_db()
    assert (added.status_code, changed.status_code) == (302, 302)
    assert (chain.name, chain.coordinator, chain.version) == (
        "Chuỗi Công viên Quang Trung",
        "QTSC",
        2,
    )
    assert chain.history.count() == 2


def test_a_membership_ending_before_it_starts_is_a_form_error_and_nothing_is_saved(
    admin_client, home_park
):
    chain = Chain.objects.create(name="Chuỗi Quang Trung")
    response = admin_client.post(
        "/admin/chain/membership/add/",
        {
            "chain": str(chain.pk),
            "park": str(home_park.pk),
            "role": "member",
            "joined_on": "2024-01-01",
            "left_on": "2023-01-01",
            "agreement_number": "",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "A membership cannot end before it starts."
    ]
    assert Membership.objects.count() == 0


def test_a_chain_with_members_is_not_deleted(admin_client, home_park):
    chain = Chain.objects.create(name="Chuỗi Quang Trung")
    Membership.objects.create(chain=chain, park=home_park, joined_on=timezone.localdate())
    response = admin_client.post(f"/admin/chain/chain/{chain.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # Django lists the protected memberships instead
    assert Chain.objects.count() == 1


def test_a_note_added_in_the_admin_is_written_by_the_manager(admin_client, admin_user, partner):
    remote_id, text = uuid.uuid4(), "Đối tác tốt"
    response = admin_client.post(
        "/admin/chain/partnercompanynote/add/",
        {"partner": str(partner.pk), "remote_id": str(remote_id), "text": text},
    )
    assert response.status_code == 302
    note = PartnerCompanyNote.objects.get()
    assert (note.partner, note.remote_id, note.author, note.text) == (
        partner,
        remote_id,
        admin_user,
        text,
    )


# --- the partner page: a queued sync, keys, secrets, deliveries ------------------------------


def partner_url(partner, suffix="change/") -> str:
    return f"/admin/chain/partner/{partner.pk}/{suffix}"


def queued_syncs() -> list[tuple[str, list]]:
    return [
        (row.task_path, row.args_kwargs["args"])
        for row in DBTaskResult.objects.order_by("enqueued_at")
    ]


def test_sync_now_on_the_partner_page_queues_a_sync_and_returns_at_once(
    admin_client, partner, django_capture_on_commit_callbacks
):
    assert "Sync now" in admin_client.get(partner_url(partner)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(partner_url(partner, "sync/"), follow=True)
    assert response.redirect_chain == [(partner_url(partner), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Sync of Công viên Phần mềm Quang Trung queued: its result shows on the partner's page "
        "once it has run."
    ]
    assert queued_syncs() == [("chain.tasks.sync_partner", ["quang-trung"])]
    partner.refresh_from_db()
    assert (partner.last_synced_at, partner.last_error) == (None, "")


def readonly_value(response, name: str) -> str:
    """The text of the read-only field `name` as the change page shows it."""
    [value] = [
        field.contents()
        for fieldset in response.context["adminform"]
        for line in fieldset
        for field in line
        if field.is_readonly and field.field["name"] == name
    ]
    return value


def test_the_partner_page_says_a_sync_is_waiting_until_the_worker_has_run_it(
    admin_client, partner, django_capture_on_commit_callbacks
):
    other = make_partner(name="Công viên Phần mềm Đà Nẵng", slug="da-nang")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(partner_url(other, "sync/"))
    assert readonly_value(admin_client.get(partner_url(partner)), "queued_sync") == "-"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(partner_url(partner, "sync/"), follow=True)
    shown = readonly_value(response, "queued_sync")
    assert shown.startswith("queued at ")
    assert shown.endswith(", waiting (reload the page to see its result)")


def test_the_sync_now_list_action_queues_instead_of_syncing(
    admin_client, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/chain/partner/",
            {"action": "sync_now", "_selected_action": [str(partner.pk)]},
            follow=True,
        )
    assert response.status_code == 200
    assert queued_syncs() == [("chain.tasks.sync_partner", ["quang-trung"])]
    partner.refresh_from_db()
    assert (partner.last_synced_at, partner.last_error) == (None, "")


def test_an_inactive_partner_is_not_queued_and_the_manager_is_told(
    admin_client, partner, django_capture_on_commit_callbacks
):
    partner = partner_update(partner=partner, data={"is_active": False}, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(partner_url(partner, "sync/"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Công viên Phần mềm Quang Trung is inactive: activate it to sync it."
    ]
    assert queued_syncs() == []


def test_opening_the_sync_address_queues_nothing(
    admin_client, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.get(partner_url(partner, "sync/"))
    assert (response.status_code, response["Location"]) == (302, partner_url(partner))
    assert queued_syncs() == []


def test_the_partner_page_shows_the_outcome_of_the_last_sync(admin_client, partner):
    Partner.objects.filter(pk=partner.pk).update(last_error="HTTP 503 from the partner")
    response = admin_client.get(partner_url(partner))
    assert readonly_value(response, "sync_status") == "failing"
    assert readonly_value(response, "last_error") == "HTTP 503 from the partner"


def test_the_partner_page_creates_a_key_and_shows_it_once(admin_client, partner):
    response = admin_client.post(partner_url(partner, "keys/create/"), follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    key = message.rsplit(" ", 1)[-1]
    assert partner_for_key(key) == partner
    [record] = PartnerKey.objects.filter(partner=partner)
    page = admin_client.get(partner_url(partner)).content.decode()
    assert f"<td>{record.prefix}</td>" in page
    assert key not in page


def test_the_partner_page_creates_a_webhook_secret_and_shows_it_once(admin_client, partner):
    response = admin_client.post(partner_url(partner, "webhook-secrets/create/"), follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    secret = message.rsplit(" ", 1)[-1]
    [record] = WebhookSecret.objects.filter(partner=partner)
    assert secret.startswith("whsec_")
    assert secret_bytes(record) == base64.b64decode(secret.removeprefix("whsec_"))
    assert secret not in admin_client.get(partner_url(partner)).content.decode()


def test_the_partner_page_lists_its_recent_deliveries(admin_client, partner):
    delivery = WebhookDelivery.objects.create(
        partner=partner, webhook_id="wh_0001", seq=7, next_attempt_at=timezone.now()
    )
    page = admin_client.get(partner_url(partner)).content.decode()
    link = f'<a href="/admin/chain/webhookdelivery/{delivery.pk}/change/">wh_0001</a>'
    assert f"<td>{link}</td><td>7</td>" in page


def test_staff_who_are_not_managers_cannot_queue_a_sync_or_make_a_key(client, partner):
    staff = make_user()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    for suffix in ("sync/", "keys/create/", "webhook-secrets/create/"):
        assert client.post(partner_url(partner, suffix)).status_code == 403, suffix
    assert queued_syncs() == []
    assert list(PartnerKey.objects.all()) == []
    assert list(WebhookSecret.objects.all()) == []


def test_the_demo_partner_says_it_is_an_example_and_is_active_for_the_readmes_walkthrough(
    home_park,
):
    seed_chain(None)
    [demo] = Partner.objects.all()
    assert (demo.name, demo.is_active) == ("Công viên Phần mềm Quang Trung (example)", True)
    assert Chain.objects.get().coordinator == "Công viên Phần mềm Quang Trung"
