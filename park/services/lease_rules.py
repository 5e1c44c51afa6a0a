"""The rules of a new lease, shared by `lease_create` (one at a time) and
`leases_create_many` (a spreadsheet's rows): dates, the unit's state, desks, room on those
dates and a free contract number. Each check raises the DomainError an API client sees.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from park.exceptions import (
    ContractNumberTaken,
    InvalidDesks,
    OutsideLease,
    UnitInactive,
    UnitUnavailable,
)
from park.models import EXCLUSIVE_KINDS, Lease, Unit
from park.selectors import desk_usage_runs, leases_overlapping
from tenants.models import Company


def check_room(
    *,
    unit: Unit,
    start_date: date,
    end_date: date | None,
    desks: int,
    exclude: Lease | None = None,
    overlapping: list[Lease] | None = None,
) -> None:
    """Refuse when [start_date, end_date] overlaps an exclusive unit's lease, or when adding
    `desks` would push a pool over its capacity on any day. Call with the unit row locked;
    `overlapping`: those leases, when already read under that lock."""
    if overlapping is None:
        overlapping = leases_overlapping(
            unit=unit, start_date=start_date, end_date=end_date, exclude=exclude
        )
    if not overlapping:
        return
    if unit.kind in EXCLUSIVE_KINDS:
        first = overlapping[0]
        raise UnitUnavailable(
            _("Unit %(code)s is leased from %(start)s to %(end)s.")
            % {
                "code": unit.code,
                "start": first.start_date,
                "end": first.end_date or _("an open end"),
            },
            conflicts=overlapping,
        )
    # A pool: the busiest day of the range decides. An open-ended range is checked up to the
    # last day any overlapping lease changes the count (after that it only falls).
    horizon = end_date or max(
        [lease.end_date or lease.start_date for lease in overlapping] + [start_date]
    )
    busiest = max(
        used
        for _begin, _finish, used in desk_usage_runs(
            overlapping, start_date=start_date, end_date=horizon
        )
    )
    if busiest + desks > unit.capacity:
        free = max(unit.capacity - busiest, 0)
        raise UnitUnavailable(
            _(
                "Pool %(code)s has %(free)s free desk(s) on its busiest day of that range; "
                "%(desks)s asked."
            )
            % {"code": unit.code, "free": free, "desks": desks},
            conflicts=overlapping,
        )


def desks_for(unit: Unit, desks: int | None) -> int:
    if unit.kind in EXCLUSIVE_KINDS:
        if desks is not None and desks != unit.capacity:
            raise InvalidDesks(
                f"{unit.code} is leased whole: desks must be its capacity, {unit.capacity}.",
                field="desks",
            )
        return unit.capacity
    desks = 1 if desks is None else desks
    if not 1 <= desks <= unit.capacity:
        raise InvalidDesks(
            f"Pool {unit.code} has {unit.capacity} desks: ask for 1 to {unit.capacity}.",
            field="desks",
        )
    return desks


def contract_number_taken(number: str) -> ContractNumberTaken:
    return ContractNumberTaken(
        f"Another lease has contract number {number}.", field="contract_number"
    )


def ensure_contract_number_free(number: str, *, exclude: Lease | None = None) -> None:
    taken = Lease.objects.filter(contract_number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise contract_number_taken(number)


@dataclass
class LeaseDraft:
    """What `lease_create` takes, as one value: a lease `leases_create_many` may create."""

    unit: Unit
    company: Company
    start_date: date
    end_date: date | None = None
    desks: int | None = None
    monthly_rent_vnd: int | None = None
    deposit_vnd: int = 0
    contract_number: str | None = None
    note: str = ""
    meeting_hours_monthly: Decimal = Decimal(0)
    tag: Any = None  # the caller's reference for this draft (an import: its row number)


def lease_checked(*, unit: Unit, overlapping: list[Lease], draft: LeaseDraft) -> Lease:
    """The unsaved lease `draft` asks for, or the refusal of the first rule it breaks.

    Every rule of a new lease but the uniqueness of its contract number (that one needs the
    database, or the batch): the dates, the unit's state, its desks, room on those dates, and
    the fields' own validation. `unit` is locked; `overlapping` are its non-cancelled leases
    sharing a day with the draft's dates, ordered by start date and id. Raises OutsideLease,
    UnitInactive, UnitUnavailable, InvalidDesks or Django's ValidationError.
    """
    start_date, end_date = draft.start_date, draft.end_date
    if end_date is not None and end_date < start_date:
        raise OutsideLease("The end date cannot be before the start date.", field="end_date")
    if not unit.is_active:
        raise UnitInactive(f"Unit {unit.code} is under maintenance.")
    if unit.bookable:
        raise UnitUnavailable(
            _("Meeting room %(code)s is booked by the hour, not leased.") % {"code": unit.code},
            conflicts=[],
            reason="bookable",
        )
    leased_desks = desks_for(unit, draft.desks)
    check_room(
        unit=unit,
        start_date=start_date,
        end_date=end_date,
        desks=leased_desks,
        overlapping=overlapping,
    )
    rent = draft.monthly_rent_vnd
    if rent is None:
        per_desk = unit.kind not in EXCLUSIVE_KINDS
        rent = unit.monthly_rate_vnd * (leased_desks if per_desk else 1)
    lease = Lease(
        unit=unit,
        company=draft.company,
        desks=leased_desks,
        is_exclusive=unit.kind in EXCLUSIVE_KINDS,
        start_date=start_date,
        end_date=end_date,
        monthly_rent_vnd=rent,
        deposit_vnd=draft.deposit_vnd,
        contract_number=draft.contract_number or None,
        note=draft.note,
        meeting_hours_monthly=draft.meeting_hours_monthly,
    )
    # Field checks only: the unit is locked (it exists), the company is an instance, the id is
    # new, the dates and desks were checked above; the constraints' queries would cost more
    # round trips than the booking itself (bench S4).
    lease.full_clean(exclude=["unit", "company"], validate_unique=False, validate_constraints=False)
    return lease
