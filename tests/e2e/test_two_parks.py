"""Two softpark instances, partners of each other (design/sync.md, "Proof").

Park A is this test's live server (its database is the test database); park B is a second
softpark started as a subprocess (`manage.py runserver --noreload`) on another loopback port
with its own SQLite file. Each pulls the other's directory; afterwards every mirror equals
the other side's visible directory exactly.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from chain import importer
from chain.models import InboundWebhook, Partner, PartnerCompany, PartnerCompanyNote
from chain.services import (
    note_create,
    partner_create,
    partner_key_create,
    partner_update,
    webhook_secret_add,
)
from tenants.directory import visible_companies
from tenants.services import (
    company_set_directory_visibility,
    company_set_status,
    company_update,
)
from tests.chain.factories import visible_company
from tests.factories import make_park

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

B_SETUP = """
import json
from knox.models import AuthToken
from accounts.services import ensure_role_groups, user_create
from chain.services import partner_create, partner_key_create, webhook_secret_add
from park.models import Park

ensure_role_groups()
Park.objects.create(name="Công viên Phần mềm Đà Nẵng", slug="da-nang", is_home=True)
manager = user_create(email="b@softpark.local", full_name="B", password="a-long-pass-42",
                      roles=["manager"], actor=None)
_token, token = AuthToken.objects.create(manager)
a = partner_create(data={{"name": "Park A", "slug": "park-a", "base_url": {a_url!r},
                         "webhook_url": {a_hook!r}}}, api_key={key_for_b!r}, actor=None)
webhook_secret_add(partner=a, secret={secret!r}, actor=None)
_record, key_for_a = partner_key_create(partner=a, actor=None)
print(json.dumps({{"token": token, "key_for_a": key_for_a}}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ParkB:
    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTEST_VERSION", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST"}
        }
        self.env.update(
            DATABASE_URL=f"sqlite:///{tmp_path / 'park-b.sqlite3'}",
            MEDIA_ROOT=str(tmp_path / "media-b"),
            DEBUG="1",
            SECRET_KEY="park-b-secret-key-for-the-two-park-test",
            CHAIN_ALLOW_PRIVATE_URLS="1",
            TASKS_IMMEDIATE="1",  # B pings A inline, right after each change
            THROTTLE_PARTNER="100000/min",
            THROTTLE_MANAGER="100000/min",
        )
        self.server = None

    def manage(self, *args, check=True) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603  our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=check,
        )

    def start(self):
        self.server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("park B did not start")

    def stop(self):
        if self.server is not None:
            self.server.terminate()  # by its pid, the one process we started
            self.server.wait(timeout=20)

    def api(self, method: str, path: str, body: dict | None = None) -> dict | None:
        request = urllib.request.Request(  # noqa: S310  http://127.0.0.1 of our own server
            f"{self.url}/api/v1/{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            data = response.read()
        return json.loads(data) if data else None

    def company(self, legal_name: str, *, visible: bool = True) -> str:
        company = self.api("POST", "companies/", {"legal_name": legal_name})
        self.api("POST", f"companies/{company['id']}/status/", {"to": "active"})
        if visible:
            self.api("PATCH", f"companies/{company['id']}/", {"directory_visible": True})
        return company["id"]

    def visible_directory(self) -> dict:
        page = self.api("GET", "companies/?status=active&directory_visible=true&page_size=200")
        return {row["id"]: (row["version"], row["legal_name"]) for row in page["results"]}

    def mirror_of_a(self) -> dict:
        page = self.api("GET", "chain/companies/?partner=park-a&page_size=200")
        return {row["id"]: row["legal_name"] for row in page["results"]}


@pytest.fixture
def parks(live_server, tmp_path, settings):
    settings.CHAIN_ALLOW_PRIVATE_URLS = True  # both parks listen on loopback over http
    make_park(name="Công viên Phần mềm Mỹ Tho", slug="my-tho", is_home=True)
    b = ParkB(tmp_path)
    partner_b = partner_create(
        data={"name": "Park B", "slug": "park-b", "base_url": b.url + "/"}, actor=None
    )
    _record, key_for_b = partner_key_create(partner=partner_b, actor=None)
    _record, secret = webhook_secret_add(partner=partner_b, actor=None)
    b.manage("migrate", "--no-input")
    setup = B_SETUP.format(
        a_url=live_server.url + "/",
        key_for_b=key_for_b,
        a_hook=f"{live_server.url}/api/v1/chain/webhooks/park-b/",
        secret=secret,
    )
    credentials = json.loads(b.manage("shell", "-c", setup).stdout.strip().splitlines()[-1])
    b.token = credentials["token"]
    partner_b = partner_update(
        partner=partner_b, data={}, api_key=credentials["key_for_a"], actor=None
    )
    b.start()
    try:
        yield partner_b, b
    finally:
        b.stop()


def a_mirror_of_b() -> dict:
    rows = PartnerCompany.objects.filter(partner__slug="park-b", deleted_at=None)
    return {str(row.remote_id): (row.version, row.legal_name) for row in rows}


def a_visible_directory() -> dict:
    return {str(c.pk): c.legal_name for c in visible_companies()}


def sync_a(partner_b):
    result = importer.partner_sync(partner=partner_b, sleep=lambda seconds: None)
    assert result.ok, result.error
    return result


def sync_b(b):
    done = b.manage("sync_partners")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_two_parks_mirror_each_others_visible_directories(parks, monkeypatch):
    partner_b, b = parks
    # B: some tenants, one never visible; A: some tenants.
    b_edited = b.company("Công ty Phần mềm Hàn Giang")
    b_hidden = b.company("Công ty Sơn Trà")
    b_exited = b.company("Công ty Ngũ Hành Sơn")
    b.company("Công ty Kín Đáo", visible=False)
    a_edited, a_hidden = visible_company(legal_name="Công ty Tiền Giang"), visible_company()
    a_exited = visible_company()

    assert sync_a(partner_b).full
    assert sync_b(b) == "park-a: ok (full resync), 2 pages, 3 upserted, 0 deleted"
    assert a_mirror_of_b() == b.visible_directory()
    assert b.mirror_of_a() == a_visible_directory()

    # Pings: B told A about its changes, signed with the shared secret, right after commit.
    assert InboundWebhook.objects.filter(partner=partner_b).exists()

    # Edits, hides, exits and returns on both sides while the other syncs.
    b.api("PATCH", f"companies/{b_edited}/", {"legal_name": "Công ty Phần mềm Hàn Giang Mới"})
    b.api("PATCH", f"companies/{b_hidden}/", {"directory_visible": False})
    b.api("POST", f"companies/{b_exited}/status/", {"to": "exited"})
    sync_a(partner_b)
    b.api("POST", f"companies/{b_exited}/status/", {"to": "active"})
    b.company("Công ty Mới Vào")
    company_update(company=a_edited, data={"legal_name": "Công ty Tiền Giang Mới"}, actor=None)
    company_set_directory_visibility(company=a_hidden, visible=False, actor=None)
    company_set_status(company=a_exited, to="exited", actor=None)
    sync_b(b)
    company_set_status(company=a_exited, to="active", actor=None)
    sync_a(partner_b)
    sync_b(b)
    assert a_mirror_of_b() == b.visible_directory()
    assert b.mirror_of_a() == a_visible_directory()
    assert b_hidden not in a_mirror_of_b()  # a hidden company leaves the partner's mirror
    assert str(a_hidden.pk) not in b.mirror_of_a()

    # A sync killed midway resumes without loss.
    for number in range(5):
        b.company(f"Công ty Loạt {number}")
    monkeypatch.setattr(importer, "PAGE_LIMIT", 2)

    def killed(result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        importer.partner_sync(partner=partner_b, sleep=lambda s: None, progress=killed)
    assert a_mirror_of_b() != b.visible_directory()
    sync_a(partner_b)
    assert a_mirror_of_b() == b.visible_directory()

    # An expired cursor: B compacts everything; A resyncs in full and keeps its notes.
    note_create(partner=partner_b, remote_id=b_edited, data={"text": "Gặp ở Đà Nẵng"}, actor=None)
    b.api("PATCH", f"companies/{b_edited}/", {"short_name": "HG"})
    b.api("PATCH", f"companies/{b_edited}/", {"short_name": "HG2"})
    b.env["DIRECTORY_RETENTION_DAYS"] = "0"
    time.sleep(1.1)  # changed_at strictly before "now - 0 days"
    b.manage("compact_directory")
    result = sync_a(partner_b)
    assert result.full
    assert a_mirror_of_b() == b.visible_directory()
    assert list(PartnerCompanyNote.objects.values_list("text", flat=True)) == ["Gặp ở Đà Nẵng"]
    assert Partner.objects.get(pk=partner_b.pk).last_synced_at > timezone.now() - timedelta(
        minutes=5
    )
