"""Mirrored companies' logos: fetched through the SSRF guard, checked like uploads, stored as
our own copy; a logo that cannot be had never fails the sync."""

import io
import json
import re
import struct
import threading
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image, PngImagePlugin

from chain import importer, mirror_logos
from chain.models import Partner, PartnerCompany
from tests.chain.factories import make_partner

pytestmark = pytest.mark.django_db(transaction=True)  # so files go after the commit


class LogoPartner:
    """A partner on loopback: an empty snapshot, a feed of what the test publishes, and
    files under /logos/ (name -> (status, body))."""

    def __init__(self):
        self.records: dict[str, dict] = {}
        self.pending: list[dict] = []
        self.files: dict[str, tuple[int, bytes]] = {}
        self.hits: list[str] = []
        self.seq = 0
        self.before_changes = lambda: None
        self.gate: threading.Barrier | None = None
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                partner.hits.append(self.path)
                if self.path.startswith("/logos/"):
                    if partner.gate is not None:
                        try:  # answer only once `gate.parties` requests are in flight
                            partner.gate.wait()
                        except threading.BrokenBarrierError:
                            return self.answer(503, b"fetched one at a time", "text/plain")
                    status, body = partner.files.get(self.path[len("/logos/") :], (404, b""))
                    return self.answer(status, body, "image/png")
                if "/directory/snapshot/" in self.path:
                    page = {
                        "park": None,
                        "results": list(partner.records.values()),
                        "changes_cursor": str(partner.seq),
                        "next_cursor": "end",
                        "has_more": False,
                    }
                else:
                    partner.before_changes()
                    changes, partner.pending = partner.pending, []
                    partner.seq += len(changes)
                    page = {
                        "park": None,
                        "changes": changes,
                        "next_cursor": str(partner.seq),
                        "has_more": False,
                    }
                return self.answer(200, json.dumps(page).encode(), "application/json")

            def answer(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, remote_id: str, version: int, logo: str | None, **fields) -> dict:
        record = {
            "id": remote_id,
            "version": version,
            "legal_name": fields.get("legal_name", f"Công ty Đối tác v{version}"),
            "short_name": "",
            "tax_code": "0312345678",
            "sector": "software",
            "website": "",
            "email": "",
            "logo_url": self.url + "logos/" + logo if logo else None,
            "founded_on": None,
            "headcount_band": None,
            "incubated": False,
            "updated_at": "2026-01-05T08:00:00Z",
        }
        self.records[remote_id] = record
        self.pending.append(
            {"seq": 0, "op": "upsert", "id": remote_id, "version": version, "company": record}
        )
        return record

    def withdraw(self, remote_id: str, version: int) -> None:
        del self.records[remote_id]
        self.pending.append(
            {"seq": 0, "op": "delete", "id": remote_id, "version": version, "company": None}
        )

    def logo_hits(self) -> list[str]:
        return [path for path in self.hits if path.startswith("/logos/")]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def server():
    partner = LogoPartner()
    yield partner
    partner.close()


@pytest.fixture
def remote(server, db):
    return make_partner(base_url=server.url)


REMOTE_ID = str(uuid.UUID("7d3c1a52-4b7e-4f0a-9c55-1f2e3d4c5b6a"))


def png(width=600, height=300, color=(200, 30, 30)) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made with a camera in Huế")  # metadata the copy must drop
    output = io.BytesIO()
    Image.new("RGB", (width, height), color).save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header that claims width x height pixels, with no pixels behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def sync(partner: Partner):
    result = importer.partner_sync(partner=partner, sleep=lambda seconds: None)
    assert result.ok, result.error
    return result


def mirror() -> PartnerCompany:
    return PartnerCompany.objects.get(remote_id=REMOTE_ID)


def on_disk(settings, name: str) -> bool:
    return bool(name) and (settings.MEDIA_ROOT / name).is_file()


def test_a_good_png_is_stored_re_encoded_with_a_thumbnail_and_listed_as_ours(
    server, remote, settings, manager_client
):
    server.files["good.png"] = (200, png())
    server.publish(REMOTE_ID, 1, "good.png", legal_name="Công ty Quang Trung Soft")
    sync(remote)
    row = mirror()
    folder = f"mirrors/quang-trung/{REMOTE_ID}/"
    assert re.fullmatch(re.escape(folder) + r"[0-9a-f]{16}\.png", row.logo.name)
    assert row.logo_thumbnail.name == row.logo.name.removesuffix(".png") + "-256.png"
    assert (row.logo_url, row.logo_error) == (server.url + "logos/good.png", "")
    with Image.open(settings.MEDIA_ROOT / row.logo.name) as stored:
        assert (stored.format, stored.size) == ("PNG", (600, 300))
        assert "Comment" not in stored.info  # re-encoded: the metadata is gone
    with Image.open(settings.MEDIA_ROOT / row.logo_thumbnail.name) as thumbnail:
        assert (thumbnail.format, thumbnail.size) == ("PNG", (256, 128))
    body = manager_client.get("/api/v1/chain/companies/").json()
    assert body["results"] == [
        {
            "id": REMOTE_ID,
            "source": "quang-trung",
            "legal_name": "Công ty Quang Trung Soft",
            "short_name": "",
            "tax_code": "0312345678",
            "sector": "software",
            "website": "",
            "logo_url": f"http://testserver/media/{row.logo.name}",
            "park": {"slug": "quang-trung", "name": "Công viên Phần mềm Quang Trung"},
            "updated_at": "2026-01-05T15:00:00+07:00",
        }
    ]


def test_a_mirror_without_a_local_copy_lists_no_logo_never_the_partners_url(
    server, remote, manager_client
):
    server.publish(REMOTE_ID, 1, "missing.png")  # 404: no copy
    sync(remote)
    assert mirror().logo_url == server.url + "logos/missing.png"
    [row] = manager_client.get("/api/v1/chain/companies/").json()["results"]
    assert row["logo_url"] is None


def test_a_changed_logo_replaces_the_files_and_the_old_ones_are_deleted(server, remote, settings):
    server.files["one.png"] = (200, png(color=(1, 2, 3)))
    server.files["two.png"] = (200, png(width=100, height=400))
    server.publish(REMOTE_ID, 1, "one.png")
    sync(remote)
    old = mirror()
    server.publish(REMOTE_ID, 2, "two.png")
    sync(remote)
    new = mirror()
    assert (new.version, new.logo_url, new.logo_error) == (2, server.url + "logos/two.png", "")
    assert {new.logo.name, new.logo_thumbnail.name}.isdisjoint(
        {old.logo.name, old.logo_thumbnail.name}
    )
    assert on_disk(settings, new.logo.name)
    assert on_disk(settings, new.logo_thumbnail.name)
    assert not on_disk(settings, old.logo.name)
    assert not on_disk(settings, old.logo_thumbnail.name)
    with Image.open(settings.MEDIA_ROOT / new.logo.name) as stored:
        assert stored.size == (100, 400)
    assert sorted((settings.MEDIA_ROOT / "mirrors/quang-trung" / REMOTE_ID).iterdir()) == sorted(
        [settings.MEDIA_ROOT / new.logo.name, settings.MEDIA_ROOT / new.logo_thumbnail.name]
    )


def test_an_unchanged_logo_is_not_fetched_again(server, remote):
    server.files["good.png"] = (200, png())
    server.publish(REMOTE_ID, 1, "good.png")
    sync(remote)
    kept = mirror().logo.name
    server.publish(REMOTE_ID, 2, "good.png", legal_name="Tên mới")
    sync(remote)
    importer.partner_sync(partner=remote, full=True, sleep=lambda seconds: None)
    assert server.logo_hits() == ["/logos/good.png"]
    assert (mirror().legal_name, mirror().logo.name) == ("Tên mới", kept)


BAD_LOGOS = {
    "text renamed .png": (
        (200, "Đây không phải là ảnh.\n".encode() * 10),
        "The file is not an image; send a PNG, JPEG or WebP file.",
    ),
    "pixel bomb": (
        (200, png_claiming(100_000, 100_000)),
        "The image has too many pixels; logos are at most 4096 x 4096.",
    ),
    "over 2 MB": (
        (200, png() + b"\0" * (2 * 1024 * 1024)),
        "The answer from 127.0.0.1 is larger than 2097152 bytes.",
    ),
    "404": ((404, b"not here"), "HTTP 404 from {url}"),
}


@pytest.mark.parametrize("case", BAD_LOGOS)
def test_a_bad_logo_keeps_the_row_the_cursor_and_the_previous_logo(server, remote, settings, case):
    answer, reason = BAD_LOGOS[case]
    server.files["good.png"] = (200, png())
    server.files["bad.png"] = answer
    server.publish(REMOTE_ID, 1, "good.png")
    sync(remote)
    before = mirror()
    server.publish(REMOTE_ID, 2, "bad.png", legal_name="Công ty Đã Đổi Tên")
    sync(remote)
    row = mirror()
    bad_url = server.url + "logos/bad.png"
    assert (row.version, row.legal_name, row.logo_url) == (2, "Công ty Đã Đổi Tên", bad_url)
    assert Partner.objects.get(pk=remote.pk).cursor == "2"
    assert (row.logo.name, row.logo_thumbnail.name) == (
        before.logo.name,
        before.logo_thumbnail.name,
    )
    assert on_disk(settings, row.logo.name)
    assert on_disk(settings, row.logo_thumbnail.name)
    assert row.logo_error == reason.format(url=bad_url)
    assert server.logo_hits() == ["/logos/good.png", "/logos/bad.png"]


def test_a_private_address_is_refused_when_not_allowed_and_nothing_is_fetched(
    server, remote, settings
):
    server.files["good.png"] = (200, png())
    server.publish(REMOTE_ID, 1, "good.png")
    sync(remote)
    before = mirror()
    record = server.publish(REMOTE_ID, 2, None)
    record["logo_url"] = f"https://127.0.0.1:{server.server.server_port}/logos/good.png"

    def rules_tighten():  # once the page is served: as in production, no private addresses
        settings.CHAIN_ALLOW_PRIVATE_URLS = False

    server.before_changes = rules_tighten
    sync(remote)
    row = mirror()
    assert (row.version, row.logo_url) == (2, record["logo_url"])
    assert Partner.objects.get(pk=remote.pk).cursor == "2"
    assert (row.logo.name, row.logo_thumbnail.name) == (
        before.logo.name,
        before.logo_thumbnail.name,
    )
    assert on_disk(settings, row.logo.name)
    assert row.logo_error == "The host 127.0.0.1 resolves to a private or local address."
    assert server.logo_hits() == ["/logos/good.png"]


def test_a_failed_logo_is_fetched_again_by_a_full_resync(server, remote, settings):
    server.publish(REMOTE_ID, 1, "late.png")
    sync(remote)
    assert (mirror().logo.name, mirror().logo_error) == (
        "",
        f"HTTP 404 from {server.url}logos/late.png",
    )
    server.files["late.png"] = (200, png())
    importer.partner_sync(partner=remote, full=True, sleep=lambda seconds: None)
    row = mirror()
    assert row.logo_error == ""
    assert on_disk(settings, row.logo.name)
    assert on_disk(settings, row.logo_thumbnail.name)


def test_an_emptied_logo_url_removes_the_files(server, remote, settings, manager_client):
    server.files["good.png"] = (200, png())
    server.publish(REMOTE_ID, 1, "good.png")
    sync(remote)
    old = mirror()
    server.publish(REMOTE_ID, 2, None)
    sync(remote)
    row = mirror()
    assert (row.version, row.logo_url, row.logo.name, row.logo_thumbnail.name) == (2, "", "", "")
    assert not on_disk(settings, old.logo.name)
    assert not on_disk(settings, old.logo_thumbnail.name)
    [listed] = manager_client.get("/api/v1/chain/companies/").json()["results"]
    assert listed["logo_url"] is None


def test_a_withdrawn_company_leaves_no_logo_behind(server, remote, settings):
    server.files["good.png"] = (200, png())
    server.publish(REMOTE_ID, 1, "good.png")
    sync(remote)
    old = mirror()
    server.withdraw(REMOTE_ID, 2)
    sync(remote)
    row = mirror()
    assert row.deleted_at is not None
    assert (row.logo.name, row.logo_thumbnail.name) == ("", "")
    assert not on_disk(settings, old.logo.name)
    assert not on_disk(settings, old.logo_thumbnail.name)


def test_the_logos_of_a_page_are_fetched_at_once(server, remote):
    # The partner answers no logo until LOGO_FETCHERS requests wait together: fetched one
    # after another, the first would give up (503) and the mirrors would record the error.
    server.gate = threading.Barrier(mirror_logos.LOGO_FETCHERS, timeout=5)
    ids = [f"{REMOTE_ID[:-1]}{n}" for n in range(mirror_logos.LOGO_FETCHERS)]
    for number, remote_id in enumerate(ids):
        server.files[f"logo-{number}.png"] = (200, png(color=(40 * number, 90, 160)))
        server.publish(remote_id, 1, f"logo-{number}.png")

    sync(remote)

    rows = PartnerCompany.objects.filter(remote_id__in=ids).order_by("remote_id")
    assert [(row.logo_error, bool(row.logo)) for row in rows] == [("", True)] * len(ids)
    assert sorted(server.logo_hits()) == [f"/logos/logo-{n}.png" for n in range(len(ids))]
