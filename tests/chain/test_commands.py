import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chain.models import PartnerKey, WebhookDelivery
from chain.services import partner_for_key, partner_update, webhook_secret_add
from tenants.directory import DirectoryChange
from tenants.services import company_update
from tests.chain.factories import visible_company
from tests.chain.receiver import Receiver


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_partner_key_create_prints_the_key_alone_on_its_last_line(partner):
    out, _err = run("partner_key", "create", "quang-trung")
    key = out.strip().splitlines()[-1]
    assert partner_for_key(key) == partner
    assert PartnerKey.objects.get().prefix == key[:8]


def test_partner_key_list_shows_prefixes_and_revoke_revokes(partner, partner_key):
    out, _err = run("partner_key", "list", "quang-trung")
    assert out.startswith(f"{partner_key[:8]}  active  created ")
    assert out.rstrip().endswith("last used never")
    out, _err = run("partner_key", "revoke", partner_key[:8])
    assert out.strip() == f"Revoked {partner_key[:8]}."
    assert partner_for_key(partner_key) is None


def test_partner_key_refuses_an_unknown_partner_or_prefix(db):
    with pytest.raises(CommandError, match="No partner with slug 'nowhere'"):
        run("partner_key", "create", "nowhere")
    with pytest.raises(CommandError, match="No active key with prefix abcdefgh"):
        run("partner_key", "revoke", "abcdefgh")


def test_compact_directory_keeps_recent_history(db, settings):
    company = visible_company()
    company_update(company=company, data={"short_name": "B"}, actor=None)
    out, _err = run("compact_directory")
    assert out.strip().startswith("0 superseded changes older than ")
    DirectoryChange.objects.update(changed_at=timezone.now() - timedelta(days=181))
    out, _err = run("compact_directory")
    assert out.strip().startswith("1 superseded changes older than ")


def test_notify_partners_pings_and_delivers(partner):
    with Receiver() as receiver:
        partner_update(partner=partner, data={"webhook_url": receiver.url}, actor=None)
        webhook_secret_add(partner=partner, actor=None)
        visible_company()
        out, _err = run("notify_partners")
        assert out.strip() == "1 pings queued, 1 deliveries attempted."
        assert len(receiver.hits) == 1
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_committed_change_queues_the_notifier_when_a_partner_listens(
    partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visible_company()  # nobody listens yet
    assert DBTaskResult.objects.count() == 0
    partner_update(partner=partner, data={"webhook_url": "https://qtsc.example/hooks"}, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        visible_company()
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "chain.tasks.notify_partners"
    ]


def test_the_demo_chain_is_seeded_once(home_park):
    from chain.demo import seed_chain
    from chain.models import Chain, Membership, Partner

    seed_chain(None)
    seed_chain(None)
    assert list(Chain.objects.values_list("name", flat=True)) == [
        "Chuỗi Công viên Phần mềm Quang Trung"
    ]
    assert list(Membership.objects.values_list("park__slug", "role")) == [("my-tho", "member")]
    assert list(Partner.objects.values_list("slug", flat=True)) == ["quang-trung"]
