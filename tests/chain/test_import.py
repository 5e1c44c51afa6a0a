"""Import against a real partner: the test's live server, whose directory is our own."""

import json
import threading
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from chain import feed, importer
from chain.models import Partner, PartnerCompany, PartnerCompanyNote
from chain.services import note_create, partner_key_create, partner_update
from tenants.directory import directory_compact, visible_companies
from tenants.services import (
    company_delete,
    company_set_directory_visibility,
    company_set_status,
    company_update,
)
from tests.chain.factories import make_partner, visible_company
from tests.factories import make_company, make_park

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mirror_of_self(live_server):
    """A partner that is this very server: syncing it mirrors our own visible directory."""
    make_park(name="Công viên Phần mềm Mỹ Tho", slug="my-tho", is_home=True)
    partner = make_partner(slug="self", name="Chính mình", base_url=live_server.url + "/")
    _record, key = partner_key_create(partner=partner, actor=None)
    return partner_update(partner=partner, data={}, api_key=key, actor=None)


def mirrored() -> dict:
    rows = PartnerCompany.objects.filter(deleted_at=None)
    return {str(row.remote_id): (row.version, row.short_name) for row in rows}


def directory() -> dict:
    return {str(c.pk): (c.version, c.short_name) for c in visible_companies()}


def no_sleep(seconds):
    pass


def test_the_first_sync_reads_the_snapshot_then_the_feed(mirror_of_self):
    visible_company(short_name="A")
    visible_company(short_name="B")
    make_company()  # a prospect: never mirrored
    result = importer.partner_sync(partner=mirror_of_self, sleep=no_sleep)
    assert (result.ok, result.full, result.upserted) == (True, True, 2)
    assert mirrored() == directory()
    partner = Partner.objects.get(pk=mirror_of_self.pk)
    assert partner.cursor
    assert partner.last_synced_at is not None
    assert partner.generation == 1


def test_edits_hides_exits_returns_and_deletes_reach_the_mirror(mirror_of_self):
    edited, hidden, exited, deleted, returning = (visible_company() for _ in range(5))
    importer.partner_sync(partner=mirror_of_self, sleep=no_sleep)
    company_update(company=edited, data={"short_name": "Mới"}, actor=None)
    company_set_directory_visibility(company=hidden, visible=False, actor=None)
    company_set_status(company=exited, to="exited", actor=None)
    company_delete(company=deleted, actor=None)
    company_set_status(company=returning, to="exited", actor=None)
    company_set_status(company=returning, to="active", actor=None)
    later = visible_company(short_name="Sau")
    result = importer.partner_sync(partner=mirror_of_self, sleep=no_sleep)
    assert (result.ok, result.full) == (True, False)
    assert mirrored() == directory()
    assert set(mirrored()) == {str(c.pk) for c in (edited, returning, later)}
    assert PartnerCompany.objects.get(remote_id=hidden.pk).deleted_at is not None


def test_a_sync_killed_midway_resumes_without_loss(mirror_of_self, monkeypatch):
    importer.partner_sync(partner=mirror_of_self, sleep=no_sleep)
    companies = [visible_company(short_name=f"C{n}") for n in range(5)]
    monkeypatch.setattr(importer, "PAGE_LIMIT", 2)

    def killed_after_the_first_page(result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        importer.partner_sync(
            partner=mirror_of_self, sleep=no_sleep, progress=killed_after_the_first_page
        )
    assert len(mirrored()) == 2  # the first page, stored with its cursor
    result = importer.partner_sync(partner=mirror_of_self, sleep=no_sleep)
    assert (result.ok, result.full, result.upserted) == (True, False, 3)
    assert set(mirrored()) == {str(c.pk) for c in companies}


def test_an_expired_cursor_triggers_a_full_resync_that_keeps_notes(mirror_of_self):
    kept, dropped = visible_company(), visible_company()
    importer.partner_sync(partner=mirror_of_self, sleep=no_sleep)
    note_create(partner=mirror_of_self, remote_id=kept.pk, data={"text": "Đối tác tốt"}, actor=None)
    company_update(company=kept, data={"short_name": "Một"}, actor=None)
    company_update(company=kept, data={"short_name": "Hai"}, actor=None)
    # The tombstone of `dropped` is compacted away with everything else old.
    company_set_directory_visibility(company=dropped, visible=False, actor=None)
    from tenants.directory import DirectoryChange

    DirectoryChange.objects.filter(company_id=dropped.pk).delete()
    directory_compact(before=timezone.now() + timedelta(seconds=1))
    result = importer.partner_sync(partner=mirror_of_self, sleep=no_sleep)
    assert (result.ok, result.full) == (True, True)
    assert mirrored() == {str(kept.pk): (5, "Hai")}  # `dropped` swept: not in the snapshot
    assert Partner.objects.get(pk=mirror_of_self.pk).generation == 2
    assert list(PartnerCompanyNote.objects.values_list("text", flat=True)) == ["Đối tác tốt"]


def test_full_resyncs_on_request(mirror_of_self):
    visible_company()
    importer.partner_sync(partner=mirror_of_self, sleep=no_sleep)
    result = importer.partner_sync(partner=mirror_of_self, full=True, sleep=no_sleep)
    assert (result.ok, result.full, result.upserted) == (True, True, 0)
    assert len(mirrored()) == 1


class FlakyPartner:
    """A partner that answers 503 `failures` times, then empty directory pages."""

    def __init__(self, failures: int):
        self.failures, self.hits = failures, []
        flaky = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                flaky.hits.append(self.path)
                if len(flaky.hits) <= flaky.failures:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                page = {"park": None, "next_cursor": "next", "has_more": False}
                if "snapshot" in self.path:
                    page.update(results=[], changes_cursor="start")
                else:
                    page.update(changes=[])
                body = json.dumps(page).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_5xx_answers_are_retried_with_backoff(db):
    flaky = FlakyPartner(failures=2)
    try:
        partner = make_partner(base_url=flaky.url)
        waits = []
        result = importer.partner_sync(partner=partner, sleep=waits.append)
    finally:
        flaky.close()
    assert result.ok
    assert waits == [0.5, 1.0]
    assert Partner.objects.get(pk=partner.pk).cursor == "next"


def test_a_partner_that_stays_down_fails_and_keeps_its_cursor(db):
    partner = make_partner(base_url="http://127.0.0.1:9/")
    Partner.objects.filter(pk=partner.pk).update(cursor="kept")
    result = importer.partner_sync(partner=partner, sleep=no_sleep)
    assert not result.ok
    assert "ConnectionRefusedError" in result.error
    partner.refresh_from_db()
    assert (partner.cursor, partner.last_error) == ("kept", result.error)


def test_sync_partners_prints_a_summary_and_exits_non_zero_on_failure(mirror_of_self, capsys):
    visible_company()
    make_partner(slug="down", name="Sập", base_url="http://127.0.0.1:9/")
    importer.RETRY_BASE_SECONDS = 0  # the command sleeps for real
    try:
        with pytest.raises(SystemExit) as exit_info:
            call_command("sync_partners")
    finally:
        importer.RETRY_BASE_SECONDS = 0.5
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert out.strip() == "self: ok (full resync), 2 pages, 1 upserted, 0 deleted"
    assert err.strip().startswith("down: FAILED after 0 pages: ")


def test_sync_partners_for_one_partner_succeeds_quietly(mirror_of_self, capsys):
    visible_company()
    call_command("sync_partners", "--partner", "self")
    assert capsys.readouterr().out.strip() == (
        "self: ok (full resync), 2 pages, 1 upserted, 0 deleted"
    )


class KillablePartner:
    """A partner park that dies mid-sync: a loopback server in front of the live server
    (whose directory is our own) that relays requests until it has served `pages_to_live`
    snapshot pages, then stops listening; later requests reach no one. `restart()` brings
    it back on the same port."""

    def __init__(self, upstream: str, *, pages_to_live: int):
        self.upstream, self.pages_to_live = upstream.rstrip("/"), pages_to_live
        self.snapshot_ids: list[list[str]] = []  # the ids on each snapshot page it served
        self.port = 0
        self._start()
        self.url = f"http://127.0.0.1:{self.port}/"

    def _start(self):
        partner = self

        class Relay(BaseHTTPRequestHandler):
            def do_GET(self):
                if partner.dead:  # killed: the request is dropped without an answer
                    self.close_connection = True
                    return
                forwarded = urllib.request.Request(  # noqa: S310  http to the live server
                    partner.upstream + self.path,
                    headers={"Authorization": self.headers["Authorization"]},
                )
                with urllib.request.urlopen(forwarded, timeout=10) as answer:  # noqa: S310  same
                    status, body = answer.status, answer.read()
                if "/directory/snapshot/" in self.path:
                    partner.snapshot_ids.append([r["id"] for r in json.loads(body)["results"]])
                    if len(partner.snapshot_ids) == partner.pages_to_live:
                        partner.kill()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.dead = False
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Relay)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def kill(self):
        """Stop listening, from any thread (a handler's too): what a killed process leaves."""
        self.dead = True
        threading.Thread(target=self._stop, daemon=True).start()

    def _stop(self):
        self.server.shutdown()
        self.server.server_close()

    def restart(self):
        self.thread.join()  # serve_forever has returned
        self.pages_to_live = 0
        self._start()


@pytest.fixture
def relay(live_server, monkeypatch):
    monkeypatch.setattr(feed, "SNAPSHOT_PAGE_SIZE", 2)  # the live server pages by two
    relay = KillablePartner(live_server.url, pages_to_live=0)
    yield relay
    if not relay.dead:
        relay.kill()


@pytest.fixture
def partner_behind_relay(mirror_of_self, relay):
    return partner_update(partner=mirror_of_self, data={"base_url": relay.url}, actor=None)


def test_a_full_resync_cut_short_by_a_dead_partner_leaves_no_ghosts_after_the_next(
    partner_behind_relay, relay
):
    companies = {str(c.pk): c for c in (visible_company(short_name=f"C{n}") for n in range(5))}
    assert importer.partner_sync(partner=partner_behind_relay, sleep=no_sleep).ok
    assert set(mirrored()) == set(companies)
    relay.pages_to_live = len(relay.snapshot_ids) + 1  # dies after one page of the next --full
    cut_short = importer.partner_sync(partner=partner_behind_relay, full=True, sleep=no_sleep)
    assert (cut_short.ok, cut_short.pages) == (False, 1)
    # While it is down, the partner hides one company of that first page, deletes the other,
    # and hides one it had not sent again yet.
    first_page = relay.snapshot_ids[-1]
    company_set_directory_visibility(company=companies[first_page[0]], visible=False, actor=None)
    company_delete(company=companies[first_page[1]], actor=None)
    later = next(pk for pk in companies if pk not in first_page)
    company_set_directory_visibility(company=companies[later], visible=False, actor=None)
    relay.restart()
    result = importer.partner_sync(partner=partner_behind_relay, full=True, sleep=no_sleep)
    assert (result.ok, result.full, result.swept) == (True, True, 3)
    assert mirrored() == directory()
    assert len(mirrored()) == 2


def test_a_full_resync_whose_sync_was_killed_after_a_page_leaves_no_ghosts_after_the_next(
    mirror_of_self, monkeypatch
):
    monkeypatch.setattr(feed, "SNAPSHOT_PAGE_SIZE", 2)
    first, second, *others = sorted(
        (visible_company(short_name=f"C{n}") for n in range(4)), key=lambda c: str(c.pk)
    )  # the snapshot pages by id: first and second are its first page
    importer.partner_sync(partner=mirror_of_self, sleep=no_sleep)

    def killed_after_the_first_page(result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        importer.partner_sync(
            partner=mirror_of_self, full=True, sleep=no_sleep, progress=killed_after_the_first_page
        )
    company_set_directory_visibility(company=first, visible=False, actor=None)
    result = importer.partner_sync(partner=mirror_of_self, full=True, sleep=no_sleep)
    assert (result.ok, result.swept) == (True, 1)
    assert set(mirrored()) == {str(c.pk) for c in (second, *others)}
