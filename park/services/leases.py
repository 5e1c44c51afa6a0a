"""Leases: create, terminate, renew, cancel, change their terms; one transaction each.

The allocation rule of design/domain.md lives here: a unit is never leased twice for the
same day, and a coworking pool never holds more desks than it has. Each lease service locks
the unit row first, so two managers booking the same unit queue behind each other and the
second one sees the first one's lease.
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError, InvalidTransition
from core.models import save_changed
from core.services import model_update, writable_data
from park.exceptions import (
    ContractNumberTaken,
    InvalidDesks,
    OutsideLease,
    UnitInactive,
    UnitUnavailable,
)
from park.models import EXCLUSIVE_KINDS, LEASE_TERMS, Lease, LeaseStatus, Unit
from park.selectors import (
    desk_usage_runs,
    leases_overlapping,
    unit_for_update,
    unit_for_update_with_leases,
)
from park.services._shared import proposed, today
from tenants.models import Company, CompanyStatus
from tenants.services import company_set_status

T = TypeVar("T")

# PostgreSQL may abort one of two transactions that lock rows in opposite orders (deadlock)
# or, under SERIALIZABLE, that read-write overlap; both are safe to run again from scratch.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}


def _retrying(work: Callable[[], T], *, attempts: int = 4) -> T:
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except OperationalError as error:
            sqlstate = getattr(getattr(error, "__cause__", None), "sqlstate", None)
            if sqlstate not in _RETRYABLE_SQLSTATES or attempt == attempts:
                raise
            time.sleep(0.01 * 2**attempt)
    raise AssertionError("unreachable")


def _check_room(
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


def _desks_for(unit: Unit, desks: int | None) -> int:
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


def _activate_if_current(lease: Lease, *, actor: User | None) -> None:
    """A company becomes `active` when it holds a lease covering today (design/domain.md).

    Suspended companies stay suspended: a manager lifts a suspension, not a lease.
    """
    if not lease.covers(today()):
        return
    company = Company.objects.get(pk=lease.company_id)
    if company.status in {CompanyStatus.PROSPECT, CompanyStatus.EXITED}:
        company_set_status(
            company=company, to=CompanyStatus.ACTIVE, actor=actor, note=f"Lease of {lease.unit}"
        )


def _contract_number_taken(number: str) -> ContractNumberTaken:
    return ContractNumberTaken(
        f"Another lease has contract number {number}.", field="contract_number"
    )


def _ensure_contract_number_free(number: str, *, exclude: Lease | None = None) -> None:
    taken = Lease.objects.filter(contract_number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise _contract_number_taken(number)


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


def _lease_checked(*, unit: Unit, overlapping: list[Lease], draft: LeaseDraft) -> Lease:
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
    leased_desks = _desks_for(unit, draft.desks)
    _check_room(
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


def lease_create(
    *,
    unit: Unit,
    company: Company,
    start_date: date,
    end_date: date | None = None,
    desks: int | None = None,
    monthly_rent_vnd: int | None = None,
    deposit_vnd: int = 0,
    contract_number: str | None = None,
    note: str = "",
    meeting_hours_monthly: Decimal = Decimal(0),
    actor: User | None,
) -> Lease:
    """Lease `unit` (or `desks` of a pool) to `company` from start_date to end_date, inclusive.

    Past leases may be recorded (existing contracts) under the same rule. A bookable meeting
    room is booked by the hour, never leased (409 unit_unavailable, reason "bookable").
    """

    def work() -> Lease:
        with transaction.atomic():
            # A parallel booking of this unit waits here; the leases are read once it is ours.
            locked, overlapping = unit_for_update_with_leases(
                unit.pk, start_date=start_date, end_date=end_date
            )
            lease = _lease_checked(
                unit=locked,
                overlapping=overlapping,
                draft=LeaseDraft(
                    unit=unit,
                    company=company,
                    start_date=start_date,
                    end_date=end_date,
                    desks=desks,
                    monthly_rent_vnd=monthly_rent_vnd,
                    deposit_vnd=deposit_vnd,
                    contract_number=contract_number,
                    note=note,
                    meeting_hours_monthly=meeting_hours_monthly,
                ),
            )
            lease._history_user = actor  # django-simple-history records who did it
            if lease.contract_number is None:
                lease.save(force_insert=True)
            else:
                _ensure_contract_number_free(lease.contract_number)
                try:
                    with transaction.atomic():  # a parallel insert of the same number
                        lease.save(force_insert=True)
                except IntegrityError:
                    _ensure_contract_number_free(lease.contract_number)
                    raise
            _activate_if_current(lease, actor=actor)
        return lease

    return _retrying(work)


# One entry of `leases_create_many`'s answer: the created lease, or why its draft was refused
# (a DomainError: OutsideLease, UnitInactive, UnitUnavailable, InvalidDesks,
# ContractNumberTaken; or Django's ValidationError from the lease's field validation).
LeaseOutcome = Lease | DomainError | ValidationError


def _locked_lease(lease: Lease) -> Lease:
    unit_for_update(lease.unit_id)  # the unit first: the same order as lease_create
    return Lease.objects.select_related("unit").select_for_update(of=("self",)).get(pk=lease.pk)


def _refuse_unless_running(lease: Lease, *, verb: str) -> None:
    status = lease.status_on(today())
    if status in {LeaseStatus.CANCELLED, LeaseStatus.ENDED}:
        raise InvalidTransition(f"An {status} lease cannot be {verb}.", allowed=[])


def _save_lease(lease: Lease, *, fields: list[str], actor: User | None) -> None:
    save_changed(lease, fields=fields, actor=actor)


def lease_terminate(*, lease: Lease, end_date: date, actor: User | None) -> Lease:
    """End a lease early: the new end is not before its start nor after its current end."""
    with transaction.atomic():
        lease = _locked_lease(lease)
        _refuse_unless_running(lease, verb="terminated")
        if end_date < lease.start_date:
            raise OutsideLease(
                f"The lease starts on {lease.start_date}; it cannot end before that.",
                field="end_date",
            )
        if lease.end_date is not None and end_date > lease.end_date:
            raise OutsideLease(
                f"The lease already ends on {lease.end_date}; renew it to extend it.",
                field="end_date",
            )
        lease.end_date = end_date
        _save_lease(lease, fields=["end_date"], actor=actor)
    return lease


def lease_renew(*, lease: Lease, end_date: date | None, actor: User | None) -> Lease:
    """Extend a lease to a later end date, or make it open-ended (`None`).

    The extension must itself respect the allocation rule.
    """
    with transaction.atomic():
        lease = _locked_lease(lease)
        _refuse_unless_running(lease, verb="renewed")
        if lease.end_date is None:
            raise OutsideLease(
                "The lease is open-ended: renewing cannot extend it (terminate it to shorten).",
                field="end_date",
            )
        if end_date is not None and end_date <= lease.end_date:
            raise OutsideLease(f"A renewal must end after {lease.end_date}.", field="end_date")
        if lease.end_date < date.max:  # nothing lies after the calendar's last day
            _check_room(
                unit=lease.unit,
                start_date=lease.end_date + timedelta(days=1),
                end_date=end_date,
                desks=lease.desks,
                exclude=lease,
            )
        lease.end_date = end_date
        _save_lease(lease, fields=["end_date"], actor=actor)
    return lease


def lease_cancel(*, lease: Lease, actor: User | None) -> Lease:
    """Cancel a lease before it starts; it frees the unit and stays on record."""
    with transaction.atomic():
        lease = _locked_lease(lease)
        status = lease.status_on(today())
        if status != LeaseStatus.UPCOMING:
            raise InvalidTransition(
                f"Only an upcoming lease can be cancelled; this one is {status}.", allowed=[]
            )
        lease.cancelled_at = timezone.now()
        _save_lease(lease, fields=["cancelled_at"], actor=actor)
    return lease


def lease_update(*, lease: Lease, data: Mapping[str, Any], actor: User | None) -> Lease:
    """Change the terms that do not touch the allocation (`LEASE_TERMS`): rent, deposit,
    contract number, note. Its unit, company, desks and dates change through the actions."""
    data = writable_data(LEASE_TERMS, data)
    if "contract_number" in data:
        data["contract_number"] = data["contract_number"] or None
    with transaction.atomic():
        lease = _locked_lease(lease)
        # The whole model validation, constraints included (a taken contract number).
        proposed(lease, fields=LEASE_TERMS, data=data).full_clean()
        model_update(instance=lease, fields=LEASE_TERMS, data=data, actor=actor)
    return lease


def companies_activate_for_leases_starting(
    *, since: date, on: date, actor: User | None = None
) -> list[Company]:
    """Make `active` the prospect or exited companies whose lease starts in [since, on] and
    still covers `on` (design/domain.md: "on the start day of a future one"). Run daily by
    `manage.py refresh_statuses`; `since` lets a run catch up on days the cron missed.

    Idempotent: an active company is left alone, and a suspended one stays suspended (a
    manager lifts a suspension, not a lease). `actor` None is the system.
    """
    starting = (
        Lease.objects.filter(start_date__gte=since, start_date__lte=on, cancelled_at__isnull=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .filter(company__status__in=[CompanyStatus.PROSPECT, CompanyStatus.EXITED])
        .select_related("unit")
        .order_by("company_id", "start_date", "pk")
    )
    activated: list[Company] = []
    for lease in starting:
        if activated and activated[-1].pk == lease.company_id:
            continue
        with transaction.atomic():
            company = Company.objects.select_for_update().get(pk=lease.company_id)
            if company.status not in {CompanyStatus.PROSPECT, CompanyStatus.EXITED}:
                continue  # changed since the query: someone else decided
            activated.append(
                company_set_status(
                    company=company,
                    to=CompanyStatus.ACTIVE,
                    actor=actor,
                    note=f"Lease of {lease.unit} starts {lease.start_date}",
                )
            )
    return activated
