"""Import of partners' directories into `PartnerCompany` mirrors (design/sync.md, "Import").

Pull the feed from the stored cursor and apply each change only if its version is newer;
the new cursor is stored after each page in the same transaction as its rows, so a sync
killed midway resumes where it stopped. With no cursor (or a 410, or a cursor the partner no
longer accepts) the snapshot is read under a new generation, then rows of older generations
are marked deleted (mark and sweep). Notes live in their own table and survive all of this.
Network errors and 5xx are retried with backoff; the stored cursor is never lost.

Logos are fetched through the SSRF guard of chain/net.py (https and public addresses only,
no redirects, at most 2 MB read) and checked and re-encoded by `tenants.logos.process_logo`,
as uploads are; the copy is stored on the mirror, so managers' browsers never load a
partner's server. A logo is fetched when a record to apply names a URL we hold no good copy
of (a new URL, none stored yet, or the last fetch failed: a full resync retries those).
Fetching happens before the page's transaction (no row locks or open transaction while
waiting on the network); the outcome is applied with the rows, under their row locks, and
only if the row still names that URL. A logo that cannot be had never fails the sync: the
row is applied, the previous copy kept and the reason stored in `logo_error`. Replaced files,
and the files of rows that lose their logo or are deleted, are removed after the commit; files
written by a page that rolls back are removed at once.
"""

import io
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chain.exceptions import SyncFailed
from chain.models import Partner, PartnerCompany
from chain.net import NetworkError, check_url, request
from chain.services import partner_api_key
from core.errors import DomainError
from tenants import logos

PAGE_LIMIT = 500
RETRIES = 4
RETRY_BASE_SECONDS = 0.5
# Logos of a page fetched at once: a page naming many slow or dead logo hosts waits for a
# quarter of their timeouts, not for all of them one after another.
LOGO_FETCHERS = 4


@dataclass
class SyncResult:
    partner: str
    upserted: int = 0
    deleted: int = 0
    pages: int = 0
    full: bool = False
    error: str = ""
    swept: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error

    def summary(self) -> str:
        if self.error:
            return f"{self.partner}: FAILED after {self.pages} pages: {self.error}"
        kind = "full resync" if self.full else "changes"
        return (
            f"{self.partner}: ok ({kind}), {self.pages} pages, {self.upserted} upserted, "
            f"{self.deleted + self.swept} deleted"
        )


class _Gone(Exception):
    """The partner no longer accepts our cursor (410, or 400 on `cursor`): resync."""


def _url(partner: Partner, path: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{partner.base_url.rstrip('/')}/api/v1/{path}" + (f"?{query}" if query else "")


def _get(partner: Partner, url: str, *, sleep: Callable[[float], None]) -> dict:
    headers = {"Authorization": f"Bearer {partner_api_key(partner)}", "Accept": "application/json"}
    last_error = ""
    for attempt in range(RETRIES + 1):
        if attempt:
            sleep(RETRY_BASE_SECONDS * 2 ** (attempt - 1))
        try:
            answer = request("GET", url, headers=headers)
        except NetworkError as error:
            last_error = str(error)
            continue
        if answer.status == 200:
            try:
                return answer.json()
            except ValueError:
                last_error = "the partner answered with something that is not JSON"
                continue
        if answer.status == 410:
            raise _Gone
        if answer.status == 400 and b'"cursor"' in answer.body:
            raise _Gone
        if answer.status >= 500 or answer.status == 429:
            last_error = f"HTTP {answer.status}"
            continue
        raise SyncFailed(f"HTTP {answer.status} from {url.split('?')[0]}")
    raise SyncFailed(last_error)


def _mirror_fields(record: dict) -> dict:
    return {
        "version": int(record["version"]),
        "fields": record,
        "legal_name": str(record.get("legal_name") or "")[:255],
        "short_name": str(record.get("short_name") or "")[:100],
        "tax_code": str(record.get("tax_code") or "")[:20],
        "sector": str(record.get("sector") or "")[:20],
        "website": str(record.get("website") or "")[:300],
        "logo_url": str(record.get("logo_url") or "")[:500],
        "remote_updated_at": parse_datetime(record["updated_at"])
        if record.get("updated_at")
        else None,
        "deleted_at": None,
    }


# --- logos ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Logo:
    """What fetching `url` gave: the checked, re-encoded files, or why there are none."""

    url: str
    processed: logos.ProcessedLogo | None = None
    error: str = ""


@dataclass
class _Files:
    """Files a page's transaction wrote, and files it made obsolete."""

    written: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def _storage():
    return PartnerCompany._meta.get_field("logo").storage


def _delete_files(names: list[str]) -> None:
    storage = _storage()
    for name in names:
        storage.delete(name)


def _logo_names(row) -> list[str]:
    return [file.name for file in (row.logo, row.logo_thumbnail) if file]


def _wants_logo(stored: dict | None, record: dict) -> bool:
    """Whether applying `record` calls for fetching its logo (`stored`: the mirror row)."""
    url = _mirror_fields(record)["logo_url"]
    if not url:
        return False
    if stored is None:
        return True
    if url == stored["logo_url"] and stored["logo"] and not stored["logo_error"]:
        return False  # our copy of this very URL is good
    # A newer record with a new URL, or a replay of the stored one whose copy is missing.
    return int(record["version"]) > stored["version"] or url == stored["logo_url"]


def _fetch_logo(url: str) -> _Logo:
    """Fetch and check one logo; never raises: a logo must not fail the sync."""
    try:
        check_url(url, field="logo_url")  # a private address is refused before connecting
        answer = request(
            "GET",
            url,
            headers={"Accept": "image/png, image/jpeg, image/webp"},
            max_bytes=logos.MAX_BYTES,
        )
        if answer.status != 200:
            return _Logo(url, error=f"HTTP {answer.status} from {url}")
        return _Logo(url, processed=logos.process_logo(io.BytesIO(answer.body)))
    except DomainError as error:  # unsafe URL, not an image, too many pixels, too large
        return _Logo(url, error=str(error.detail))
    except NetworkError as error:
        return _Logo(url, error=str(error))
    except Exception as error:  # a decoder's surprise: still only a logo, never the sync
        return _Logo(url, error=f"{type(error).__name__}: {error}")


def _fetch_logos(partner: Partner, records: list[dict]) -> dict[str, _Logo]:
    """Fetch the logos a page's records call for, keyed by remote id (one query, then
    the network, LOGO_FETCHERS at a time; outside any transaction)."""
    records = [record for record in records if isinstance(record, dict) and "id" in record]
    stored = {
        str(row["remote_id"]): row
        for row in PartnerCompany.objects.filter(
            partner=partner, remote_id__in=[record["id"] for record in records]
        ).values("remote_id", "version", "logo_url", "logo", "logo_error")
    }
    wanted: dict[str, str] = {}  # remote id -> logo URL
    for record in records:
        key = str(record["id"])
        if key not in wanted and _wants_logo(stored.get(key), record):
            wanted[key] = _mirror_fields(record)["logo_url"]
    if not wanted:
        return {}
    # Network and Pillow only in these threads: they never touch the database.
    workers = min(LOGO_FETCHERS, len(wanted))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="logo") as pool:
        return dict(zip(wanted, pool.map(_fetch_logo, wanted.values()), strict=True))


def _take_logo(row: PartnerCompany, logo: _Logo | None, files: _Files) -> list[str]:
    """Bring `row`'s files in line with its `logo_url`; the names of the fields changed."""
    if not row.logo_url:
        if not (_logo_names(row) or row.logo_error):
            return []
        files.stale += _logo_names(row)
        row.logo, row.logo_thumbnail, row.logo_error = "", "", ""
        return ["logo", "logo_thumbnail", "logo_error"]
    if logo is None or logo.url != row.logo_url:
        return []  # nothing fetched for this URL: whatever we hold stays
    if logo.processed is None:
        row.logo_error = logo.error[:500]  # the previous copy, if any, stays
        return ["logo_error"]
    old_names = _logo_names(row)
    processed = logo.processed
    row.logo.save(processed.logo_name, ContentFile(processed.logo), save=False)
    files.written.append(row.logo.name)
    row.logo_thumbnail.save(processed.thumbnail_name, ContentFile(processed.thumbnail), save=False)
    files.written.append(row.logo_thumbnail.name)
    files.stale += old_names
    row.logo_error = ""
    return ["logo", "logo_thumbnail", "logo_error"]


@contextmanager
def _page_transaction() -> Iterator[_Files]:
    """One page's rows and cursor in one transaction; obsolete files go after the commit,
    files written for a page that rolls back go at once."""
    files = _Files()
    try:
        with transaction.atomic():
            yield files
            transaction.on_commit(lambda: _delete_files(files.stale))
    except BaseException:
        _delete_files(files.written)
        raise


# --- applying records -----------------------------------------------------------------------


def _apply_upsert(
    partner: Partner,
    record: dict,
    *,
    generation: int | None,
    logo: _Logo | None = None,
    files: _Files,
) -> bool:
    """Store `record` if it is newer than the mirror; True when it was written."""
    row = (
        PartnerCompany.objects.select_for_update()
        .filter(partner=partner, remote_id=record["id"])
        .first()
    )
    if row is None:
        row = PartnerCompany(
            partner=partner,
            remote_id=record["id"],
            generation=generation if generation is not None else partner.generation,
            **_mirror_fields(record),
        )
        _take_logo(row, logo, files)
        row.save(force_insert=True)
        return True
    row.partner = partner  # the files' path names its slug
    changed = []
    if int(record["version"]) > row.version:
        for name, value in _mirror_fields(record).items():
            setattr(row, name, value)
        changed = [*_mirror_fields(record)]
    if generation is not None and row.generation != generation and row.deleted_at is None:
        row.generation = generation  # seen in this snapshot: survives the sweep
        changed.append("generation")
    elif generation is not None and changed:
        row.generation = generation
        changed.append("generation")
    changed += _take_logo(row, logo, files)
    if changed:
        row.save(update_fields=[*changed, "search_text", "synced_at"])
    return bool(changed) and "version" in changed


def _apply_delete(partner: Partner, remote_id: str, version: int, *, files: _Files) -> bool:
    row = (
        PartnerCompany.objects.select_for_update()
        .filter(partner=partner, remote_id=remote_id, deleted_at=None)
        .first()
    )
    if row is None or version < row.version:
        return False
    # A company that left the directory leaves no logo behind on our server either.
    files.stale += _logo_names(row)
    row.deleted_at, row.version = timezone.now(), version
    row.logo, row.logo_thumbnail = "", ""
    row.save(update_fields=["deleted_at", "version", "logo", "logo_thumbnail", "synced_at"])
    return True


def _snapshot(partner: Partner, result: SyncResult, *, sleep, progress) -> None:
    generation = partner.generation + 1
    result.full = True
    cursor, changes_cursor = None, None
    while True:
        page = _get(partner, _url(partner, "directory/snapshot/", cursor=cursor), sleep=sleep)
        if changes_cursor is None:
            changes_cursor = page["changes_cursor"]
        fetched = _fetch_logos(partner, page["results"])
        with _page_transaction() as files:
            for record in page["results"]:
                result.upserted += _apply_upsert(
                    partner,
                    record,
                    generation=generation,
                    logo=fetched.get(str(record["id"])),
                    files=files,
                )
        result.pages += 1
        progress(result)
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    with _page_transaction() as files:  # the sweep, the new generation and the cursor together
        swept = PartnerCompany.objects.filter(partner=partner, deleted_at=None).exclude(
            generation=generation
        )
        files.stale += [
            name
            for names in swept.exclude(logo="", logo_thumbnail="").values_list(
                "logo", "logo_thumbnail"
            )
            for name in names
            if name
        ]
        result.swept += swept.update(deleted_at=timezone.now(), logo="", logo_thumbnail="")
        Partner.objects.filter(pk=partner.pk).update(generation=generation, cursor=changes_cursor)
    partner.generation, partner.cursor = generation, changes_cursor


def _changes(partner: Partner, result: SyncResult, *, sleep, progress) -> None:
    while True:
        url = _url(partner, "directory/changes/", cursor=partner.cursor, limit=PAGE_LIMIT)
        page = _get(partner, url, sleep=sleep)
        records = [
            change["company"]
            for change in page["changes"]
            if change["op"] == "upsert" and change.get("company")
        ]
        fetched = _fetch_logos(partner, records)
        with _page_transaction() as files:  # the rows and the cursor that follows them
            for change in page["changes"]:
                if change["op"] == "upsert" and change.get("company"):
                    record = change["company"]
                    result.upserted += _apply_upsert(
                        partner,
                        record,
                        generation=None,
                        logo=fetched.get(str(record["id"])),
                        files=files,
                    )
                elif change["op"] == "delete":
                    result.deleted += _apply_delete(
                        partner, change["id"], int(change["version"]), files=files
                    )
            Partner.objects.filter(pk=partner.pk).update(cursor=page["next_cursor"])
        partner.cursor = page["next_cursor"]
        result.pages += 1
        progress(result)
        if not page["has_more"]:
            return


def partner_sync(
    *,
    partner: Partner,
    full: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[SyncResult], None] = lambda result: None,
) -> SyncResult:
    """Bring the mirror of `partner` up to date; the outcome is also noted on the partner."""
    partner = Partner.objects.get(pk=partner.pk)
    result = SyncResult(partner=partner.slug)
    try:
        if full or not partner.cursor:
            _snapshot(partner, result, sleep=sleep, progress=progress)
        try:
            _changes(partner, result, sleep=sleep, progress=progress)
        except _Gone:
            _snapshot(partner, result, sleep=sleep, progress=progress)
            _changes(partner, result, sleep=sleep, progress=progress)
    except _Gone:
        result.error = "the partner refused a fresh snapshot cursor"
    except (SyncFailed, KeyError, TypeError, ValueError) as error:
        result.error = str(error) or type(error).__name__
    now = timezone.now()
    if result.ok:
        Partner.objects.filter(pk=partner.pk).update(last_synced_at=now, last_error="")
    else:
        Partner.objects.filter(pk=partner.pk).update(last_error=result.error[:2000])
    return result


def partners_sync(*, slug: str | None = None, full: bool = False, **options) -> list[SyncResult]:
    partners = Partner.objects.filter(is_active=True).order_by("slug")
    if slug:
        partners = partners.filter(slug=slug)
    return [partner_sync(partner=partner, full=full, **options) for partner in partners]
