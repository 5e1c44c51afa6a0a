"""Many leases at once (a spreadsheet import): `lease_create`'s rules for every draft, with
the units locked and their leases read once per chunk, and the accepted leases inserted in
batches. Each draft is checked as if `lease_create` had run for it after the earlier ones."""

import bisect
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from core.errors import DomainError
from core.transactions import retrying
from park.models import Lease, Unit
from park.selectors import (
    lease_periods_overlapping,
)
from park.services._shared import today
from park.services.lease_rules import LeaseDraft, contract_number_taken, lease_checked
from tenants.models import Company, CompanyStatus
from tenants.services import company_set_status

T = TypeVar("T")

# One entry of `leases_create_many`'s answer: the created lease, or why its draft was refused
# (a DomainError: OutsideLease, UnitInactive, UnitUnavailable, InvalidDesks,
# ContractNumberTaken; or Django's ValidationError from the lease's field validation).
LeaseOutcome = Lease | DomainError | ValidationError

# Ids per `IN (...)` list: within every backend's limit on query parameters.
_CHUNK = 2_000
_INSERT_BATCH = 1_000


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for begin in range(0, len(items), size):
        yield items[begin : begin + size]


def _lease_order(lease: Lease) -> tuple[date, Any]:
    return lease.start_date, lease.pk  # leases_overlapping's order: start date, then id


def _units_for_update_with_leases(
    drafts: Sequence[LeaseDraft],
) -> tuple[dict[Any, Unit], dict[Any, list[Lease]]]:
    """The drafts' units, locked, and their non-cancelled leases that may overlap a draft
    (by `_lease_order`): two queries per chunk of units. Raises Unit.DoesNotExist."""
    spans: dict[Any, list[tuple[date, date | None]]] = {}
    for draft in drafts:
        spans.setdefault(draft.unit.pk, []).append((draft.start_date, draft.end_date))
    units: dict[Any, Unit] = {}
    leases: dict[Any, list[Lease]] = {}
    # pk order across and within the chunks, as everywhere: lockers of shared units queue.
    for chunk in _chunks(sorted(spans)):
        units.update(
            (unit.pk, unit)
            for unit in Unit.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
        )
        # The widest range of the chunk's drafts; each draft's own overlap is sorted out later.
        ranges = [span for unit_id in chunk for span in spans[unit_id]]
        ends = [end for _start, end in ranges]
        found = Lease.objects.filter(unit_id__in=chunk).filter(
            lease_periods_overlapping(
                start_date=min(start for start, _end in ranges),
                end_date=None if None in ends else max(ends),
            )
        )
        for lease in found:
            lease.import_tag = None  # a lease of the database, not of this batch
            leases.setdefault(lease.unit_id, []).append(lease)
    missing = [unit_id for unit_id in spans if unit_id not in units]
    if missing:
        raise Unit.DoesNotExist(f"No unit {missing[0]}.")
    return units, leases


def _contract_numbers_taken(drafts: Sequence[LeaseDraft]) -> set[str]:
    """The drafts' contract numbers some lease (cancelled ones too) already has."""
    numbers = sorted({draft.contract_number for draft in drafts if draft.contract_number})
    taken: set[str] = set()
    for chunk in _chunks(numbers):
        taken.update(
            Lease.objects.filter(contract_number__in=chunk).values_list(
                "contract_number", flat=True
            )
        )
    return taken


class _UnitLeases:
    """The leases holding one unit during a batch: those of the database, then the batch's.

    `overlapping` answers what `leases_overlapping` would, in its order, without scanning
    them all: a lease with an end shares a day with [start, end] only if it starts in
    [start - the longest such lease, end], a binary search in a list kept by start date (a
    pool may hold thousands of leases in one import).
    """

    def __init__(self, leases: list[Lease]) -> None:
        self.ended: list[Lease] = []  # the leases with an end date, by `_lease_order`
        self.open: list[Lease] = []
        self.longest = timedelta(0)
        for lease in leases:
            self.add(lease)

    def add(self, lease: Lease) -> None:
        if lease.end_date is None:
            self.open.append(lease)
            return
        bisect.insort(self.ended, lease, key=_lease_order)
        self.longest = max(self.longest, lease.end_date - lease.start_date)

    def overlapping(self, start_date: date, end_date: date | None) -> list[Lease]:
        """Both ranges inclusive, a null end open: `leases_overlapping`'s condition."""
        earliest = start_date - min(self.longest, start_date - date.min)
        first = bisect.bisect_left(self.ended, earliest, key=_start_date)
        last = len(self.ended)
        if end_date is not None:
            last = bisect.bisect_right(self.ended, end_date, lo=first, key=_start_date)
        found = [lease for lease in self.ended[first:last] if lease.end_date >= start_date]
        found += [lease for lease in self.open if end_date is None or lease.start_date <= end_date]
        found.sort(key=_lease_order)
        return found


def _start_date(lease: Lease) -> date:
    return lease.start_date


def _outcomes(
    drafts: Sequence[LeaseDraft],
    *,
    units: dict[Any, Unit],
    leases: dict[Any, list[Lease]],
    taken: set[str],
) -> list[LeaseOutcome]:
    """Each draft's lease or refusal, as `lease_create` called for each in turn would give:
    an accepted draft holds its unit (or its desks) for the drafts after it."""
    held: dict[Any, _UnitLeases] = {}
    numbers = set(taken)
    outcomes: list[LeaseOutcome] = []
    for draft in drafts:
        unit = units[draft.unit.pk]
        if unit.pk not in held:
            held[unit.pk] = _UnitLeases(leases.get(unit.pk, []))
        try:
            lease = lease_checked(
                unit=unit,
                overlapping=held[unit.pk].overlapping(draft.start_date, draft.end_date),
                draft=draft,
            )
            if lease.contract_number is not None and lease.contract_number in numbers:
                raise contract_number_taken(lease.contract_number)
        except (DomainError, ValidationError) as refusal:
            outcomes.append(refusal)
            continue
        lease.import_tag = draft.tag
        held[unit.pk].add(lease)
        if lease.contract_number is not None:
            numbers.add(lease.contract_number)
        outcomes.append(lease)
    return outcomes


def _insert(leases: list[Lease], *, actor: User | None) -> None:
    for lease in leases:
        lease._history_user = actor  # django-simple-history records who did it
    bulk_create_with_history(leases, Lease, batch_size=_INSERT_BATCH, default_user=actor)


def _activate_companies(leases: list[Lease], *, actor: User | None) -> None:
    """`_activate_if_current` for a batch: once per company, for its first lease covering
    today, with its companies locked in pk order."""
    day = today()
    first: dict[Any, Lease] = {}
    for lease in leases:
        if lease.covers(day):
            first.setdefault(lease.company_id, lease)
    for chunk in _chunks(sorted(first)):
        waiting = (
            Company.objects.select_for_update()
            .filter(pk__in=chunk, status__in=[CompanyStatus.PROSPECT, CompanyStatus.EXITED])
            .order_by("pk")
        )
        for company in waiting:
            company_set_status(
                company=company,
                to=CompanyStatus.ACTIVE,
                actor=actor,
                note=f"Lease of {first[company.pk].unit}",
            )


def leases_create_many(*, drafts: Sequence[LeaseDraft], actor: User | None) -> list[LeaseOutcome]:
    """`lease_create` for each draft in turn, in one transaction and a constant number of
    queries (a spreadsheet import of thousands of leases).

    Answers one entry per draft, in order: its created Lease, or the error lease_create would
    have raised for it (see `LeaseOutcome`). The drafts are checked in order, as if each had
    been created before the next one: a draft overlapping an earlier accepted draft is refused
    with UnitUnavailable naming that draft's lease among its `conflicts`, a pool counts the
    earlier drafts' desks, and a contract number taken by an earlier draft is taken. Every
    lease built carries `import_tag`, its draft's `tag` (None on the database's leases among
    the conflicts). The valid drafts are inserted even when others were refused: a caller
    that wants all or nothing rolls back its own transaction. A company whose new lease
    covers today becomes active, as with lease_create (once per company).

    Queries: per chunk of 2,000 units, a `FOR UPDATE` of them in pk order and a read of their
    leases; per chunk of 2,000 contract numbers, one read; the inserts of leases and history
    rows in batches of 1,000; then one query and `company_set_status` per company activated.
    Raises Unit.DoesNotExist when a draft's unit no longer exists, as lease_create does.
    """
    if not drafts:
        return []

    def work() -> list[LeaseOutcome]:
        with transaction.atomic():
            units, leases = _units_for_update_with_leases(drafts)
            outcomes = _outcomes(
                drafts, units=units, leases=leases, taken=_contract_numbers_taken(drafts)
            )
            try:
                with transaction.atomic():
                    _insert([o for o in outcomes if isinstance(o, Lease)], actor=actor)
            except IntegrityError:
                # A parallel transaction committed one of these contract numbers after they
                # were read (the unique index made the insert wait for it): decide again,
                # now seeing it. The units are still ours, so nothing else changed.
                outcomes = _outcomes(
                    drafts, units=units, leases=leases, taken=_contract_numbers_taken(drafts)
                )
                _insert([o for o in outcomes if isinstance(o, Lease)], actor=actor)
            _activate_companies([o for o in outcomes if isinstance(o, Lease)], actor=actor)
        return outcomes

    return retrying(work)
