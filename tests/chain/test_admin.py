"""The chain's admin: saves and actions go through chain/services.py; deliveries, mirrors and
keys are read-only lists."""

import uuid

from django.utils import timezone

from chain.models import Chain, Membership, Partner, PartnerCompany, PartnerCompanyNote, PartnerKey
from chain.services import partner_api_key, partner_for_key, partner_update


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
