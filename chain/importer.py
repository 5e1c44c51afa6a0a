"""Import of partners' directories into `PartnerCompany` mirrors (design/sync.md, "Import").

Pull the feed from the stored cursor and apply each change only if its version is newer;
the new cursor is stored after each page in the same transaction as its rows, so a sync
killed midway resumes where it stopped. With no cursor (or a 410, or a cursor the partner no
longer accepts) the snapshot is read under a new generation, saved on the partner before any
row is marked with it, then rows of other generations are marked deleted (mark and sweep); a
snapshot cut short is done again under the next number. Notes live in their own table and
survive all of this. Network errors and 5xx are retried with backoff; the stored cursor is
never lost.

Logos are fetched, checked and stored by chain/mirror_logos.py, before each page's
transaction; the outcome is applied with the page's rows.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chain.exceptions import SyncFailed
from chain.mirror_logos import (
    FetchedLogo,
    PageFiles,
    fetch_logos,
    logo_names,
    page_transaction,
    record_logo_url,
    take_logo,
)
from chain.models import Partner, PartnerCompany
from chain.net import NetworkError, request
from chain.services import partner_api_key

PAGE_LIMIT = 500
RETRIES = 4
RETRY_BASE_SECONDS = 0.5


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
        "logo_url": record_logo_url(record),
        "remote_updated_at": parse_datetime(record["updated_at"])
        if record.get("updated_at")
        else None,
        "deleted_at": None,
    }


# --- applying records -----------------------------------------------------------------------


def _apply_upsert(
    partner: Partner,
    record: dict,
    *,
    generation: int | None,
    logo: FetchedLogo | None = None,
    files: PageFiles,
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
        take_logo(row, logo, files)
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
    changed += take_logo(row, logo, files)
    if changed:
        row.save(update_fields=[*changed, "search_text", "synced_at"])
    return bool(changed) and "version" in changed


def _apply_delete(partner: Partner, remote_id: str, version: int, *, files: PageFiles) -> bool:
    row = (
        PartnerCompany.objects.select_for_update()
        .filter(partner=partner, remote_id=remote_id, deleted_at=None)
        .first()
    )
    if row is None or version < row.version:
        return False
    # A company that left the directory leaves no logo behind on our server either.
    files.stale += logo_names(row)
    row.deleted_at, row.version = timezone.now(), version
    row.logo, row.logo_thumbnail = "", ""
    row.save(update_fields=["deleted_at", "version", "logo", "logo_thumbnail", "synced_at"])
    return True


def _generation_claim(partner: Partner) -> int:
    """A generation number no earlier snapshot of `partner` used, saved before any row is
    marked with it: a snapshot cut short leaves rows marked with a number the next one
    never reuses, so its sweep takes every row that next snapshot does not mark itself."""
    with transaction.atomic():  # two snapshots at once get two numbers
        Partner.objects.filter(pk=partner.pk).update(generation=F("generation") + 1)
        return Partner.objects.values_list("generation", flat=True).get(pk=partner.pk)


def _snapshot(partner: Partner, result: SyncResult, *, sleep, progress) -> None:
    generation = _generation_claim(partner)
    partner.generation = generation
    result.full = True
    cursor, changes_cursor = None, None
    while True:
        page = _get(partner, _url(partner, "directory/snapshot/", cursor=cursor), sleep=sleep)
        if changes_cursor is None:
            changes_cursor = page["changes_cursor"]
        fetched = fetch_logos(partner, page["results"])
        with page_transaction() as files:
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
    with page_transaction() as files:  # the sweep and the cursor together
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
        Partner.objects.filter(pk=partner.pk).update(cursor=changes_cursor)
    partner.cursor = changes_cursor


def _changes(partner: Partner, result: SyncResult, *, sleep, progress) -> None:
    while True:
        url = _url(partner, "directory/changes/", cursor=partner.cursor, limit=PAGE_LIMIT)
        page = _get(partner, url, sleep=sleep)
        records = [
            change["company"]
            for change in page["changes"]
            if change["op"] == "upsert" and change.get("company")
        ]
        fetched = fetch_logos(partner, records)
        with page_transaction() as files:  # the rows and the cursor that follows them
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
