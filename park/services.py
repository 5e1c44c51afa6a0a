"""Every write to space: one function per use case, one transaction each, history kept.

The allocation rule of design/domain.md lives here: a unit is never leased twice for the
same day, and a coworking pool never holds more desks than it has. Each lease service locks
the unit row first, so two managers booking the same unit queue behind each other and the
second one sees the first one's lease.
"""

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone

from accounts.models import User
from core.errors import InUse, InvalidTransition
from core.models import insert_with_history, save_changed
from park.exceptions import (
    ContractNumberTaken,
    InvalidDesks,
    InvalidSpace,
    OutsideLease,
    SpaceCodeTaken,
    UnitInactive,
    UnitUnavailable,
)
from park.models import EXCLUSIVE_KINDS, Building, Floor, Lease, LeaseStatus, Park, Unit, UnitKind
from park.selectors import (
    desk_usage_runs,
    leases_overlapping,
    unit_for_update,
    unit_for_update_with_leases,
)
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


def today() -> date:
    """The park's calendar day (TIME_ZONE), not the server's UTC one."""
    return timezone.localdate()


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
            f"Unit {unit.code} is leased from {first.start_date} "
            f"to {first.end_date or 'an open end'}.",
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
            f"Pool {unit.code} has {free} free desk(s) on its busiest day of that range; "
            f"{desks} asked.",
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


def _ensure_contract_number_free(number: str, *, exclude: Lease | None = None) -> None:
    taken = Lease.objects.filter(contract_number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ContractNumberTaken(
            f"Another lease has contract number {number}.", field="contract_number"
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
    actor: User | None,
) -> Lease:
    """Lease `unit` (or `desks` of a pool) to `company` from start_date to end_date, inclusive.

    Past leases may be recorded (existing contracts) under the same rule.
    """

    def work() -> Lease:
        with transaction.atomic():
            # A parallel booking of this unit waits here; the leases are read once it is ours.
            locked, overlapping = unit_for_update_with_leases(
                unit.pk, start_date=start_date, end_date=end_date
            )
            if end_date is not None and end_date < start_date:
                raise OutsideLease(
                    "The end date cannot be before the start date.", field="end_date"
                )
            if not locked.is_active:
                raise UnitInactive(f"Unit {locked.code} is under maintenance.")
            leased_desks = _desks_for(locked, desks)
            _check_room(
                unit=locked,
                start_date=start_date,
                end_date=end_date,
                desks=leased_desks,
                overlapping=overlapping,
            )
            rent = monthly_rent_vnd
            if rent is None:
                per_desk = locked.kind not in EXCLUSIVE_KINDS
                rent = locked.monthly_rate_vnd * (leased_desks if per_desk else 1)
            lease = Lease(
                unit=locked,
                company=company,
                desks=leased_desks,
                is_exclusive=locked.kind in EXCLUSIVE_KINDS,
                start_date=start_date,
                end_date=end_date,
                monthly_rent_vnd=rent,
                deposit_vnd=deposit_vnd,
                contract_number=contract_number or None,
                note=note,
            )
            # Field checks only: the unit is locked (it exists), the company is an instance,
            # the id is new, the dates and desks were checked above; the constraints' queries
            # would cost more round trips than the booking itself (bench S4).
            lease.full_clean(
                exclude=["unit", "company"], validate_unique=False, validate_constraints=False
            )
            if lease.contract_number is None:
                insert_with_history(lease, actor=actor)
            else:
                _ensure_contract_number_free(lease.contract_number)
                try:
                    with transaction.atomic():  # a parallel insert of the same number
                        insert_with_history(lease, actor=actor)
                except IntegrityError:
                    _ensure_contract_number_free(lease.contract_number)
                    raise
            _activate_if_current(lease, actor=actor)
        return lease

    return _retrying(work)


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


def lease_update(*, lease: Lease, actor: User | None, **changes) -> Lease:
    """Change the terms that do not touch the allocation: note, deposit, contract, rent."""
    allowed = {"note", "deposit_vnd", "contract_number", "monthly_rent_vnd"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"lease_update cannot change {sorted(unknown)}; use the lease actions")
    with transaction.atomic():
        lease = _locked_lease(lease)
        for field, value in changes.items():
            setattr(lease, field, value)
        if "contract_number" in changes:
            lease.contract_number = lease.contract_number or None
        lease.full_clean()
        _save_lease(lease, fields=sorted(changes), actor=actor)
    return lease


# --- parks, buildings, floors, units ------------------------------------------------------
#
# Natural keys (the home park, a building code, a floor level, a unit code) are checked
# before the insert so the refusal names its field; the database constraint behind each
# check catches a parallel insert that slipped in between, and the check then runs again.

PARK_FIELDS = frozenset({"name", "slug", "city", "province", "land_area_m2", "is_home"})
BUILDING_FIELDS = frozenset({"code", "name", "gross_area_m2", "land_area_m2"})
FLOOR_FIELDS = frozenset({"level", "name", "plan_width", "plan_height"})
UNIT_FIELDS = frozenset(
    {
        "floor",
        "code",
        "name",
        "kind",
        "area_m2",
        "capacity",
        "monthly_rate_vnd",
        "is_active",
        "plan_polygon",
    }
)


def _refuse_unknown(fields, allowed: frozenset, *, service: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"{service} cannot set {sorted(unknown)}")


def _save_new(record, *, check: Callable[[], None], actor: User | None) -> None:
    """Check the natural key, validate and insert `record` with `actor` in its history."""
    check()
    record.full_clean(validate_constraints=False)
    record._history_user = actor
    try:
        with transaction.atomic():  # a parallel insert of the same key lands here
            record.save()
    except IntegrityError:
        check()
        raise


def _save_existing(record, *, fields: list[str], check: Callable[[], None], actor) -> None:
    check()
    record.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            save_changed(record, fields=fields, actor=actor)
    except IntegrityError:
        check()
        raise


def _delete(record, *, actor: User | None, instead: str) -> None:
    """Delete `record`, or refuse with 409 in_use naming what still refers to it."""
    record._history_user = actor
    try:
        with transaction.atomic():
            record.delete()
    except (ProtectedError, RestrictedError) as error:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise InUse(f"{record} still has {', '.join(kinds)}; {instead}") from None


def _home_park_check(park: Park) -> Callable[[], None]:
    def check() -> None:
        if park.is_home and Park.objects.filter(is_home=True).exclude(pk=park.pk).exists():
            raise SpaceCodeTaken(
                "Another park is already the home park; unset it there first.", field="is_home"
            )

    return check


def park_create(*, actor: User | None, **fields) -> Park:
    """Record a park. Exactly one park is the home park (the one this installation runs)."""
    _refuse_unknown(fields, PARK_FIELDS, service="park_create")
    with transaction.atomic():
        park = Park(**fields)
        _save_new(park, check=_home_park_check(park), actor=actor)
    return park


def park_update(*, park: Park, actor: User | None, **changes) -> Park:
    _refuse_unknown(changes, PARK_FIELDS, service="park_update")
    with transaction.atomic():
        park = Park.objects.select_for_update().get(pk=park.pk)
        for field, value in changes.items():
            setattr(park, field, value)
        _save_existing(park, fields=sorted(changes), check=_home_park_check(park), actor=actor)
    return park


def park_delete(*, park: Park, actor: User | None) -> None:
    """Delete a park nothing refers to (buildings, units: 409 in_use)."""
    with transaction.atomic():
        _delete(park, actor=actor, instead="delete or move them first.")


def _building_code_check(building: Building) -> Callable[[], None]:
    def check() -> None:
        taken = Building.objects.filter(park_id=building.park_id, code=building.code)
        if taken.exclude(pk=building.pk).exists():
            raise SpaceCodeTaken(f"The park already has a building {building.code}.", field="code")

    return check


def building_create(*, park: Park, actor: User | None, **fields) -> Building:
    _refuse_unknown(fields, BUILDING_FIELDS, service="building_create")
    with transaction.atomic():
        building = Building(park=park, **fields)
        _save_new(building, check=_building_code_check(building), actor=actor)
    return building


def building_update(*, building: Building, actor: User | None, **changes) -> Building:
    """Change a building's fields; its park is fixed (its units' copied park depends on it)."""
    _refuse_unknown(changes, BUILDING_FIELDS, service="building_update")
    with transaction.atomic():
        building = Building.objects.select_for_update().get(pk=building.pk)
        for field, value in changes.items():
            setattr(building, field, value)
        _save_existing(
            building,
            fields=sorted(changes),
            check=_building_code_check(building),
            actor=actor,
        )
    return building


def building_delete(*, building: Building, actor: User | None) -> None:
    with transaction.atomic():
        _delete(building, actor=actor, instead="delete its floors first.")


def _floor_level_check(floor: Floor) -> Callable[[], None]:
    def check() -> None:
        taken = Floor.objects.filter(building_id=floor.building_id, level=floor.level)
        if taken.exclude(pk=floor.pk).exists():
            raise SpaceCodeTaken(
                f"The building already has a floor at level {floor.level}.", field="level"
            )

    return check


def _refuse_small_plan(floor: Floor) -> None:
    if floor.plan_width < 1 or floor.plan_height < 1:
        field = "plan_width" if floor.plan_width < 1 else "plan_height"
        raise InvalidSpace("A floor plan is at least 1 x 1.", field=field, code="min_value")


def floor_create(*, building: Building, actor: User | None, **fields) -> Floor:
    _refuse_unknown(fields, FLOOR_FIELDS, service="floor_create")
    with transaction.atomic():
        floor = Floor(building=building, **fields)
        _refuse_small_plan(floor)
        _save_new(floor, check=_floor_level_check(floor), actor=actor)
    return floor


def floor_update(*, floor: Floor, actor: User | None, **changes) -> Floor:
    """Change a floor's fields; its building is fixed (its units' copied park depends on it)."""
    _refuse_unknown(changes, FLOOR_FIELDS, service="floor_update")
    with transaction.atomic():
        floor = Floor.objects.select_for_update().get(pk=floor.pk)
        for field, value in changes.items():
            setattr(floor, field, value)
        _refuse_small_plan(floor)
        _save_existing(floor, fields=sorted(changes), check=_floor_level_check(floor), actor=actor)
    return floor


def floor_delete(*, floor: Floor, actor: User | None) -> None:
    with transaction.atomic():
        _delete(floor, actor=actor, instead="delete or move its units first.")


def _unit_code_check(unit: Unit) -> Callable[[], None]:
    def check() -> None:
        taken = Unit.objects.filter(park_id=unit.park_id, code=unit.code).exclude(pk=unit.pk)
        if taken.exists():
            raise SpaceCodeTaken(f"The park already has a unit {unit.code}.", field="code")

    return check


def _refuse_bad_polygon(polygon, *, floor: Floor) -> None:
    """`plan_polygon` is null or at least three [x, y] points inside the floor's plan."""
    if polygon is None:
        return
    message = (
        f"A polygon is a list of at least 3 [x, y] points within the floor plan "
        f"({floor.plan_width} x {floor.plan_height})."
    )
    if not isinstance(polygon, list) or len(polygon) < 3:
        raise InvalidSpace(message, field="plan_polygon")
    for point in polygon:
        if not (isinstance(point, list | tuple) and len(point) == 2):
            raise InvalidSpace(message, field="plan_polygon")
        for value, limit in zip(point, (floor.plan_width, floor.plan_height), strict=True):
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if not number or not 0 <= value <= limit:  # also refuses NaN
                raise InvalidSpace(message, field="plan_polygon")


def _refuse_bad_capacity(unit: Unit) -> None:
    if unit.capacity < 1:
        raise InvalidSpace("A unit holds at least 1.", field="capacity", code="min_value")
    if unit.kind == UnitKind.RACK and unit.capacity != 1:
        raise InvalidSpace("A rack has a capacity of 1.", field="capacity")


def unit_create(*, floor: Floor, code: str, kind: str, actor: User | None, **fields) -> Unit:
    """Record a unit on `floor`; its park is copied from the floor's building."""
    _refuse_unknown({"floor", "code", "kind", *fields}, UNIT_FIELDS, service="unit_create")
    with transaction.atomic():
        unit = Unit(floor=floor, code=code, kind=kind, **fields)
        unit.park_id = floor.building.park_id
        _refuse_bad_capacity(unit)
        _refuse_bad_polygon(unit.plan_polygon, floor=floor)
        _save_new(unit, check=_unit_code_check(unit), actor=actor)
    return unit


def _refuse_changes_under_leases(unit: Unit, *, before: Unit) -> None:
    """A unit's kind and capacity shape the leases it holds: a leased unit keeps its kind, a
    leased exclusive unit its capacity (its leases hold all of it), and a pool never shrinks
    below the desks leased on any day from today on."""
    kind_changed = unit.kind != before.kind
    capacity_changed = unit.capacity != before.capacity
    if not (kind_changed or capacity_changed):
        return
    running = Lease.objects.filter(unit=unit, cancelled_at__isnull=True).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today())
    )
    if kind_changed:
        if Lease.objects.filter(unit=unit, cancelled_at__isnull=True).exists():
            raise InvalidSpace(
                f"{unit.code} has leases: its kind cannot change.", field="kind", code="leased"
            )
        return
    if before.kind in EXCLUSIVE_KINDS:
        if running.exists():
            raise InvalidSpace(
                f"{unit.code} is leased whole: end its leases before changing its capacity.",
                field="capacity",
                code="leased",
            )
        return
    leases = list(running)
    if not leases:
        return
    horizon = max([lease.end_date or lease.start_date for lease in leases] + [today()])
    busiest = max(
        used for _b, _f, used in desk_usage_runs(leases, start_date=today(), end_date=horizon)
    )
    if unit.capacity < busiest:
        raise InvalidSpace(
            f"{busiest} desks of {unit.code} are leased on its busiest day ahead.",
            field="capacity",
            code="leased",
        )


def unit_update(*, unit: Unit, actor: User | None, **changes) -> Unit:
    """Change a unit. Moving it to another floor re-copies its park (and re-checks its code
    there); kind and capacity changes must fit the leases it holds."""
    _refuse_unknown(changes, UNIT_FIELDS, service="unit_update")
    with transaction.atomic():
        before = unit_for_update(unit.pk)  # lease_create waits on the same lock
        unit = Unit.objects.select_related("floor__building").get(pk=before.pk)
        for field, value in changes.items():
            setattr(unit, field, value)
        unit.park_id = unit.floor.building.park_id
        _refuse_bad_capacity(unit)
        _refuse_bad_polygon(unit.plan_polygon, floor=unit.floor)
        _refuse_changes_under_leases(unit, before=before)
        fields = sorted(changes)
        _save_existing(unit, fields=fields, check=_unit_code_check(unit), actor=actor)
    return unit


def unit_delete(*, unit: Unit, actor: User | None) -> None:
    """Delete a unit nothing refers to; a unit with leases is deactivated instead (409)."""
    with transaction.atomic():
        _delete(unit, actor=actor, instead="set it inactive instead.")


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
