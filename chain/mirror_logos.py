"""The mirrors' logos: fetched from partners, checked and re-encoded, stored as our copy.

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
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction

from chain.models import Partner, PartnerCompany
from chain.net import NetworkError, check_url, request
from core.errors import DomainError
from tenants import logos

# Logos of a page fetched at once: a page naming many slow or dead logo hosts waits for a
# quarter of their timeouts, not for all of them one after another.
LOGO_FETCHERS = 4


def record_logo_url(record: dict) -> str:
    """The logo URL a partner's record names, as the mirror stores it."""
    return str(record.get("logo_url") or "")[:500]


@dataclass(frozen=True)
class FetchedLogo:
    """What fetching `url` gave: the checked, re-encoded files, or why there are none."""

    url: str
    processed: logos.ProcessedLogo | None = None
    error: str = ""


@dataclass
class PageFiles:
    """Files a page's transaction wrote, and files it made obsolete."""

    written: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def _storage():
    return PartnerCompany._meta.get_field("logo").storage


def delete_files(names: list[str]) -> None:
    storage = _storage()
    for name in names:
        storage.delete(name)


def logo_names(row) -> list[str]:
    return [file.name for file in (row.logo, row.logo_thumbnail) if file]


def wants_logo(stored: dict | None, record: dict) -> bool:
    """Whether applying `record` calls for fetching its logo (`stored`: the mirror row)."""
    url = record_logo_url(record)
    if not url:
        return False
    if stored is None:
        return True
    if url == stored["logo_url"] and stored["logo"] and not stored["logo_error"]:
        return False  # our copy of this very URL is good
    # A newer record with a new URL, or a replay of the stored one whose copy is missing.
    return int(record["version"]) > stored["version"] or url == stored["logo_url"]


def fetch_logo(url: str) -> FetchedLogo:
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
            return FetchedLogo(url, error=f"HTTP {answer.status} from {url}")
        return FetchedLogo(url, processed=logos.process_logo(io.BytesIO(answer.body)))
    except DomainError as error:  # unsafe URL, not an image, too many pixels, too large
        return FetchedLogo(url, error=str(error.detail))
    except NetworkError as error:
        return FetchedLogo(url, error=str(error))
    except Exception as error:  # a decoder's surprise: still only a logo, never the sync
        return FetchedLogo(url, error=f"{type(error).__name__}: {error}")


def fetch_logos(partner: Partner, records: list[dict]) -> dict[str, FetchedLogo]:
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
        if key not in wanted and wants_logo(stored.get(key), record):
            wanted[key] = record_logo_url(record)
    if not wanted:
        return {}
    # Network and Pillow only in these threads: they never touch the database.
    workers = min(LOGO_FETCHERS, len(wanted))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="logo") as pool:
        return dict(zip(wanted, pool.map(fetch_logo, wanted.values()), strict=True))


def take_logo(row: PartnerCompany, logo: FetchedLogo | None, files: PageFiles) -> list[str]:
    """Bring `row`'s files in line with its `logo_url`; the names of the fields changed."""
    if not row.logo_url:
        if not (logo_names(row) or row.logo_error):
            return []
        files.stale += logo_names(row)
        row.logo, row.logo_thumbnail, row.logo_error = "", "", ""
        return ["logo", "logo_thumbnail", "logo_error"]
    if logo is None or logo.url != row.logo_url:
        return []  # nothing fetched for this URL: whatever we hold stays
    if logo.processed is None:
        row.logo_error = logo.error[:500]  # the previous copy, if any, stays
        return ["logo_error"]
    old_names = logo_names(row)
    processed = logo.processed
    row.logo.save(processed.logo_name, ContentFile(processed.logo), save=False)
    files.written.append(row.logo.name)
    row.logo_thumbnail.save(processed.thumbnail_name, ContentFile(processed.thumbnail), save=False)
    files.written.append(row.logo_thumbnail.name)
    files.stale += old_names
    row.logo_error = ""
    return ["logo", "logo_thumbnail", "logo_error"]


@contextmanager
def page_transaction() -> Iterator[PageFiles]:
    """One page's rows and cursor in one transaction; obsolete files go after the commit,
    files written for a page that rolls back go at once."""
    files = PageFiles()
    try:
        with transaction.atomic():
            yield files
            transaction.on_commit(lambda: delete_files(files.stale))
    except BaseException:
        delete_files(files.written)
        raise
