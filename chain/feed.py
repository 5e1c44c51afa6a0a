"""Reading the directory for partners: the change feed and the snapshot (design/sync.md).

Cursors are opaque, signed with django.core.signing and bound to the partner that received
them: a tampered cursor, or one from another partner, is refused (400 on `cursor`).
"""

from collections.abc import Callable

from django.core import signing
from django.utils.translation import gettext as _

from chain.exceptions import CursorExpired, InvalidCursor
from chain.models import Partner
from chain.records import directory_record, park_header
from tenants.directory import (
    DirectoryChange,
    DirectoryOp,
    compaction_horizon,
    latest_seq,
    visible_companies,
)

FEED_SALT = "chain.directory.changes"
SNAPSHOT_SALT = "chain.directory.snapshot"
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
SNAPSHOT_PAGE_SIZE = 200


def changes_cursor(partner: Partner, seq: int) -> str:
    return signing.dumps({"p": str(partner.pk), "s": seq}, salt=FEED_SALT, compress=False)


def _snapshot_cursor(partner: Partner, after: str) -> str:
    return signing.dumps({"p": str(partner.pk), "a": after}, salt=SNAPSHOT_SALT)


def _load(partner: Partner, cursor: str, *, salt: str) -> dict:
    try:
        payload = signing.loads(cursor, salt=salt)
    except signing.BadSignature:
        raise InvalidCursor(_("The cursor is not valid."), field="cursor") from None
    if not isinstance(payload, dict) or payload.get("p") != str(partner.pk):
        raise InvalidCursor(_("The cursor was issued to another partner."), field="cursor")
    return payload


def changes_page(
    *, partner: Partner, cursor: str | None, limit: int, absolute: Callable[[str], str]
) -> dict:
    """`{park, changes, next_cursor, has_more}`: the changes after `cursor`, oldest first.

    An upsert carries the company's current record (a reader may skip versions). An upsert
    whose company is no longer visible is left out: a later tombstone follows it in the
    feed, and its current record must not leak.
    """
    after = 0
    if cursor:
        payload = _load(partner, cursor, salt=FEED_SALT)
        after = payload.get("s")
        if not isinstance(after, int):
            raise InvalidCursor(_("The cursor is not valid."), field="cursor")
        if after < compaction_horizon():
            raise CursorExpired(
                _("The cursor is older than the retained history: read the snapshot again.")
            )
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(DirectoryChange.objects.filter(seq__gt=after).order_by("seq")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    upserted = {row.company_id for row in rows if row.op == DirectoryOp.UPSERT}
    companies = {company.pk: company for company in visible_companies().filter(pk__in=upserted)}
    changes = []
    for row in rows:
        company = None
        if row.op == DirectoryOp.UPSERT:
            company = companies.get(row.company_id)
            if company is None:
                continue
        changes.append(
            {
                "seq": row.seq,
                "op": row.op,
                "id": str(row.company_id),
                "version": row.version,
                "changed_at": row.changed_at.isoformat(),
                "company": directory_record(company, absolute=absolute) if company else None,
            }
        )
    last = rows[-1].seq if rows else after
    return {
        "park": park_header(),
        "changes": changes,
        "next_cursor": changes_cursor(partner, last),
        "has_more": has_more,
    }


def snapshot_page(*, partner: Partner, cursor: str | None, absolute: Callable[[str], str]) -> dict:
    """`{park, results, next_cursor, has_more}` by id keyset; the first page adds
    `changes_cursor`, taken before any row is read (replays after it are harmless)."""
    page = {"park": park_header()}
    companies = visible_companies().order_by("pk")
    after = "00000000-0000-0000-0000-000000000000"
    if cursor:
        payload = _load(partner, cursor, salt=SNAPSHOT_SALT)
        after = payload.get("a")
        if not isinstance(after, str):
            raise InvalidCursor(_("The cursor is not valid."), field="cursor")
        companies = companies.filter(pk__gt=after)
    else:
        page["changes_cursor"] = changes_cursor(partner, latest_seq())
    rows = list(companies[: SNAPSHOT_PAGE_SIZE + 1])
    has_more = len(rows) > SNAPSHOT_PAGE_SIZE
    rows = rows[:SNAPSHOT_PAGE_SIZE]
    page["results"] = [directory_record(company, absolute=absolute) for company in rows]
    page["next_cursor"] = _snapshot_cursor(partner, str(rows[-1].pk) if rows else after)
    page["has_more"] = has_more
    return page


def directory_company(company_id) -> object | None:
    """A visible company by id (anything else: None, so the API answers 404)."""
    return visible_companies().filter(pk=company_id).first()
