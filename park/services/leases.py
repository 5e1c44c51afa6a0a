"""Leases: create, terminate, renew, cancel, change their terms; one transaction each.

The allocation rule of design/domain.md lives here: a unit is never leased twice for the
same day, and a coworking pool never holds more desks than it has. Each lease service locks
the unit row first, so two managers booking the same unit queue behind each other and the
second one sees the first one's lease.
"""

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core.errors import InvalidTransition
from core.models import insert_with_history, save_changed
from core.services import model_update, writable_data
from core.transactions import retrying
from park.exceptions import (
    OutsideLease,
)
from park.models import LEASE_TERMS, Lease, LeaseStatus, Unit
from park.selectors import (
    unit_for_update,
    unit_for_update_with_leases,
)
from park.services._shared import proposed, today
from park.services.lease_rules import (
    LeaseDraft,
    check_room,
    ensure_contract_number_free,
    lease_checked,
)
from tenants.models import Company, CompanyStatus
from tenants.services import company_set_status


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
            lease = lease_checked(
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
                insert_with_history(lease)
            else:
                ensure_contract_number_free(lease.contract_number)
                try:
                    with transaction.atomic():  # a parallel insert of the same number
                        insert_with_history(lease)
                except IntegrityError:
                    ensure_contract_number_free(lease.contract_number)
                    raise
            _activate_if_current(lease, actor=actor)
        return lease

    return retrying(work)


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
            check_room(
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
