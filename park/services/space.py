"""Parks, buildings, floors and units: recorded, changed and deleted with their rules kept.

Natural keys (the home park, a building code, a floor level, a unit code) are checked before
the write so the refusal names its field; the database constraint behind each check catches a
parallel write that slipped in between, and the check then runs again. Which fields may be
written is the model module's (`PARK_WRITABLE`, `UNIT_WRITABLE`, ...); an update checks the
proposed record, then `core.services.model_update` writes it.
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import InUse
from core.services import record_create, record_delete, record_update, writable_data
from park.exceptions import InvalidSpace, SpaceCodeTaken
from park.models import (
    BUILDING_WRITABLE,
    EXCLUSIVE_KINDS,
    FLOOR_WRITABLE,
    PARK_WRITABLE,
    UNIT_WRITABLE,
    Building,
    Floor,
    Lease,
    Park,
    Unit,
    UnitKind,
)
from park.selectors import desk_usage_runs, unit_for_update
from park.services._shared import proposed, today

M = TypeVar("M", bound=Model)


# --- parks --------------------------------------------------------------------------------


def _home_park_check(park: Park) -> Callable[[], None]:
    def check() -> None:
        if park.is_home and Park.objects.filter(is_home=True).exclude(pk=park.pk).exists():
            raise SpaceCodeTaken(
                "Another park is already the home park; unset it there first.", field="is_home"
            )

    return check


def park_create(*, data: Mapping[str, Any], actor: User | None) -> Park:
    """Record a park. Exactly one park is the home park (the one this installation runs)."""
    with transaction.atomic():
        park = Park(**writable_data(PARK_WRITABLE, data))
        record_create(park, check=_home_park_check(park), actor=actor)
    return park


def park_update(*, park: Park, data: Mapping[str, Any], actor: User | None) -> Park:
    with transaction.atomic():
        park = Park.objects.select_for_update().get(pk=park.pk)
        check = _home_park_check(proposed(park, fields=PARK_WRITABLE, data=data))
        return record_update(park, fields=PARK_WRITABLE, data=data, check=check, actor=actor)


def park_delete(*, park: Park, actor: User | None) -> None:
    """Delete a park nothing refers to (buildings, units: 409 in_use)."""
    with transaction.atomic():
        record_delete(park, actor=actor, instead=_("delete or move them first."))


# --- buildings ----------------------------------------------------------------------------


def _building_code_check(building: Building) -> Callable[[], None]:
    def check() -> None:
        taken = Building.objects.filter(park_id=building.park_id, code=building.code)
        if taken.exclude(pk=building.pk).exists():
            raise SpaceCodeTaken(f"The park already has a building {building.code}.", field="code")

    return check


def building_create(*, park: Park, data: Mapping[str, Any], actor: User | None) -> Building:
    with transaction.atomic():
        building = Building(park=park, **writable_data(BUILDING_WRITABLE, data))
        record_create(building, check=_building_code_check(building), actor=actor)
    return building


def building_update(*, building: Building, data: Mapping[str, Any], actor: User | None) -> Building:
    """Change a building's fields; its park is fixed (its units' copied park depends on it)."""
    with transaction.atomic():
        building = Building.objects.select_for_update().get(pk=building.pk)
        check = _building_code_check(proposed(building, fields=BUILDING_WRITABLE, data=data))
        return record_update(
            building, fields=BUILDING_WRITABLE, data=data, check=check, actor=actor
        )


def building_delete(*, building: Building, actor: User | None) -> None:
    with transaction.atomic():
        record_delete(building, actor=actor, instead=_("delete its floors first."))


# --- floors -------------------------------------------------------------------------------


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


def floor_create(*, building: Building, data: Mapping[str, Any], actor: User | None) -> Floor:
    with transaction.atomic():
        floor = Floor(building=building, **writable_data(FLOOR_WRITABLE, data))
        _refuse_small_plan(floor)
        record_create(floor, check=_floor_level_check(floor), actor=actor)
    return floor


def floor_update(*, floor: Floor, data: Mapping[str, Any], actor: User | None) -> Floor:
    """Change a floor's fields; its building is fixed (its units' copied park depends on it)."""
    with transaction.atomic():
        floor = Floor.objects.select_for_update().get(pk=floor.pk)
        candidate = proposed(floor, fields=FLOOR_WRITABLE, data=data)
        _refuse_small_plan(candidate)
        check = _floor_level_check(candidate)
        return record_update(floor, fields=FLOOR_WRITABLE, data=data, check=check, actor=actor)


def floor_delete(*, floor: Floor, actor: User | None) -> None:
    with transaction.atomic():
        record_delete(floor, actor=actor, instead=_("delete or move its units first."))


# --- units --------------------------------------------------------------------------------


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


def _refuse_bad_bookable(unit: Unit, *, before: Unit | None = None) -> None:
    """Only a meeting room is bookable by the hour (design/bookings.md), and a room with a
    lease in force (running or upcoming) is not made bookable: its hours belong to the
    holder. Call with the unit row locked (lease_create waits on the same lock)."""
    if not unit.bookable:
        return
    if unit.kind != UnitKind.MEETING_ROOM:
        raise InvalidSpace(
            f"Only a meeting room can be bookable; {unit.code} is not one.", field="bookable"
        )
    if before is None or before.bookable:
        return
    in_force = Lease.objects.filter(unit=unit, cancelled_at__isnull=True).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today())
    )
    if in_force.exists():
        raise InUse(
            f"{unit.code} has a lease in force: end or cancel it before making the room bookable."
        )


def unit_create(*, data: Mapping[str, Any], actor: User | None) -> Unit:
    """Record a unit on `data["floor"]`; its park is copied from the floor's building."""
    with transaction.atomic():
        unit = Unit(**writable_data(UNIT_WRITABLE, data))
        floor = data["floor"]
        unit.park_id = floor.building.park_id
        _refuse_bad_bookable(unit)
        _refuse_bad_capacity(unit)
        _refuse_bad_polygon(unit.plan_polygon, floor=floor)
        record_create(unit, check=_unit_code_check(unit), actor=actor)
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


def unit_update(*, unit: Unit, data: Mapping[str, Any], actor: User | None) -> Unit:
    """Change a unit. Moving it to another floor re-copies its park (and re-checks its code
    there); kind and capacity changes must fit the leases it holds; only a meeting room with
    no lease in force becomes bookable."""
    with transaction.atomic():
        before = unit_for_update(unit.pk)  # lease_create waits on the same lock
        unit = Unit.objects.select_related("floor__building").get(pk=before.pk)
        candidate = proposed(unit, fields=UNIT_WRITABLE, data=data)
        candidate.park_id = candidate.floor.building.park_id
        _refuse_bad_capacity(candidate)
        _refuse_bad_polygon(candidate.plan_polygon, floor=candidate.floor)
        _refuse_changes_under_leases(candidate, before=before)
        _refuse_bad_bookable(candidate, before=before)
        check = _unit_code_check(candidate)
        return record_update(unit, fields=UNIT_WRITABLE, data=data, check=check, actor=actor)


def unit_delete(*, unit: Unit, actor: User | None) -> None:
    """Delete a unit nothing refers to; a unit with leases is deactivated instead (409)."""
    with transaction.atomic():
        record_delete(unit, actor=actor, instead=_("set it inactive instead."))
