"""Occupancy of the park on a day, a monthly series, and the leases about to end.

Figures follow api.md ("Occupancy rows"): `capacity` and `leased` count desks, and a whole
exclusive unit counts its capacity (an office for 8 is 8 desks, leased or not);
`leased_area_m2` is proportional for coworking pools (6 of 10 desks of 50 m2 lease 30 m2);
`rate = leased / capacity` as a fraction with 4 decimals, rounded half-up.

Inactive units (under maintenance) still count in `units`, `capacity` and `area_m2`: they are
the park's space, and a floor closed for repairs should lower its rate, not vanish from the
report. A lease still running on an inactive unit counts as leased.

Each function runs a fixed number of queries whatever the number of units or leases: the
units in one query (today's leased desks aggregated by the database), or the units and the
leases of the whole range in two, then one pass in Python.
"""

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext

from park.models import EXCLUSIVE_KINDS, Lease, Park, Unit, UnitKind
from park.selectors import desk_usage_runs, lease_periods_overlapping, leased_desks_subquery

GROUPS = ("park", "building", "floor", "kind")

# The admin's desk occupancy counts the desks people work at. A meeting room's capacity is
# seats for a meeting, not desks (62 of them in the demo park pulled the desk rate down), so
# the dashboard counts it in `units` and in the area figures, never in `capacity`, `leased`
# or `rate`. The API's rows keep every kind (api.md), so this is the callers' choice.
DESK_KINDS = frozenset(UnitKind.values) - {UnitKind.MEETING_ROOM}

_AREA = Decimal("0.01")
_RATE = Decimal("0.0001")


def rate_of(leased: int, capacity: int) -> Decimal:
    """`leased / capacity` with 4 decimals, half-up (0 for no capacity)."""
    if not capacity:
        return Decimal("0.0000")
    return (Decimal(leased) / Decimal(capacity)).quantize(_RATE, rounding=ROUND_HALF_UP)


def _park_id(park) -> object | None:
    return park.pk if isinstance(park, Park) else park


def _units(park) -> QuerySet[Unit]:
    units = Unit.objects.all()
    if park is not None:
        units = units.filter(park_id=_park_id(park))
    return units


def unit_leased_desks(*, kind: str, capacity: int, desks_on_lease: int) -> int:
    """Desks a unit counts as leased: its whole capacity if exclusive and leased at all, a
    pool's leased desks (never above its capacity)."""
    if desks_on_lease <= 0:
        return 0
    if kind in EXCLUSIVE_KINDS:
        return capacity
    return min(desks_on_lease, capacity)


def _leased_area(*, area_m2: Decimal, capacity: int, leased: int) -> Decimal:
    if not leased:
        return Decimal(0)
    if leased >= capacity:
        return area_m2
    return area_m2 * leased / capacity


_UNIT_FIELDS = (
    "pk",
    "kind",
    "capacity",
    "area_m2",
    "park_id",
    "park__name",
    "floor_id",
    "floor__name",
    "floor__level",
    "floor__building_id",
    "floor__building__code",
    "floor__building__name",
)


def _group_key(row: dict, group_by: str) -> tuple[str, str, tuple]:
    """(key, label, sort key) of a unit row's group."""
    if group_by == "park":
        return str(row["park_id"]), row["park__name"], (row["park__name"], str(row["park_id"]))
    if group_by == "building":
        building = row["floor__building_id"]
        sort = (row["park__name"], row["floor__building__code"], str(building))
        return str(building), row["floor__building__name"], sort
    if group_by == "floor":
        # A floor's own name ("Tầng 3") repeats in every building: the label names both.
        label = f"{row['floor__building__code']} · {row['floor__name'] or row['floor__level']}"
        sort = (row["park__name"], row["floor__building__code"], row["floor__level"])
        return str(row["floor_id"]), label, sort
    if group_by == "kind":
        kind = UnitKind(row["kind"])
        return kind.value, str(kind.label), (UnitKind.values.index(kind.value),)
    raise ValueError(f"group_by must be one of {GROUPS}, not {group_by!r}")


def _empty_row(key: str, label: str) -> dict:
    return {
        "key": key,
        "label": label,
        "units": 0,
        "capacity": 0,
        "leased": 0,
        "area_m2": Decimal(0),
        "leased_area_m2": Decimal(0),
    }


def _finish(row: dict) -> dict:
    row["area_m2"] = row["area_m2"].quantize(_AREA, rounding=ROUND_HALF_UP)
    row["leased_area_m2"] = row["leased_area_m2"].quantize(_AREA, rounding=ROUND_HALF_UP)
    row["rate"] = rate_of(row["leased"], row["capacity"])
    return row


def occupancy_rows(
    *, park, on: date, group_by: str = "building", desk_kinds: frozenset | None = None
) -> list[dict]:
    """Rows `{key, label, units, capacity, leased, area_m2, leased_area_m2, rate}` of `park`
    (a Park, its id, or None for every park) on day `on`, one per group that has units.
    With `desk_kinds`, only units of those kinds count in `capacity`, `leased` and `rate`
    (DESK_KINDS: the dashboard's desk occupancy); every unit counts in the area.

    One query: the units with their leased desks on `on` summed by the database.
    """
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {GROUPS}, not {group_by!r}")
    units = _units(park).annotate(desks_on_lease=leased_desks_subquery(on))
    groups: dict[str, tuple[tuple, dict]] = {}
    for unit in units.values(*_UNIT_FIELDS, "desks_on_lease").order_by():
        key, label, sort = _group_key(unit, group_by)
        _sort, row = groups.setdefault(key, (sort, _empty_row(key, label)))
        leased = unit_leased_desks(
            kind=unit["kind"], capacity=unit["capacity"], desks_on_lease=unit["desks_on_lease"]
        )
        row["units"] += 1
        if desk_kinds is None or unit["kind"] in desk_kinds:
            row["capacity"] += unit["capacity"]
            row["leased"] += leased
        row["area_m2"] += unit["area_m2"]
        row["leased_area_m2"] += _leased_area(
            area_m2=unit["area_m2"], capacity=unit["capacity"], leased=leased
        )
    return [_finish(row) for _sort, row in sorted(groups.values(), key=lambda pair: pair[0])]


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from `start`'s month to `end`'s month, inclusive."""
    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        days.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def occupancy_series(
    *, park, start: date, end: date, desk_kinds: frozenset | None = None
) -> list[dict]:
    """`[{month: "2027-01", capacity, leased, area_m2, leased_area_m2, rate}]` for every month
    from `start` to `end`, each measured on the month's last day (`desk_kinds`: as in
    occupancy_rows).

    Two queries: the units, and the leases touching the range; then one sweep per month.
    """
    days = month_ends(start, end)
    if not days:
        return []
    units = {
        unit["pk"]: unit
        for unit in _units(park).values("pk", "kind", "capacity", "area_m2").order_by()
    }
    leases = (
        Lease.objects.filter(lease_periods_overlapping(start_date=days[0], end_date=days[-1]))
        .filter(unit_id__in=_units(park).values("pk"))
        .values("unit_id", "start_date", "end_date", "desks")
        .order_by()
    )
    leases = list(leases)
    area = sum((unit["area_m2"] for unit in units.values()), Decimal(0))

    def counted(unit) -> bool:
        return desk_kinds is None or unit["kind"] in desk_kinds

    capacity = sum(unit["capacity"] for unit in units.values() if counted(unit))
    series = []
    for day in days:
        desks_on_lease: dict = {}
        for lease in leases:
            ends = lease["end_date"]
            if lease["start_date"] <= day and (ends is None or ends >= day):
                desks_on_lease[lease["unit_id"]] = (
                    desks_on_lease.get(lease["unit_id"], 0) + lease["desks"]
                )
        leased, leased_area = 0, Decimal(0)
        for unit_id, desks in desks_on_lease.items():
            unit = units[unit_id]
            unit_leased = unit_leased_desks(
                kind=unit["kind"], capacity=unit["capacity"], desks_on_lease=desks
            )
            if counted(unit):
                leased += unit_leased
            leased_area += _leased_area(
                area_m2=unit["area_m2"], capacity=unit["capacity"], leased=unit_leased
            )
        row = {
            "month": f"{day.year:04d}-{day.month:02d}",
            "capacity": capacity,
            "leased": leased,
            "area_m2": area,
            "leased_area_m2": leased_area,
        }
        series.append(_finish(row))
    return series


def leases_ending_within(*, days: int, on: date, park=None) -> QuerySet[Lease]:
    """Non-cancelled leases whose end date falls in [on, on + days], soonest first."""
    leases = Lease.objects.filter(
        cancelled_at__isnull=True, end_date__gte=on, end_date__lte=on + timedelta(days=days)
    )
    if park is not None:
        leases = leases.filter(unit__park_id=_park_id(park))
    return leases.select_related("unit", "company").order_by("end_date", "pk")


def unit_occupancy(*, kind: str, capacity: int, desks_on_lease: int) -> dict:
    """`{capacity, leased, rate}` of one unit (the API's `occupancy_today`)."""
    leased = unit_leased_desks(kind=kind, capacity=capacity, desks_on_lease=desks_on_lease)
    return {"capacity": capacity, "leased": leased, "rate": rate_of(leased, capacity)}


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def lease_timeline(*, units: QuerySet[Unit], first_month: date, months: int) -> dict:
    """Each unit's leases over `months` months from `first_month`'s month, for a timeline of
    units as rows and months as columns.

    `{"months": [first days], "rows": [{"unit", "cells": [{"span", "state", "label"}]}]}`:
    a cell is a run of neighbouring months with the same state and label, so a free run shows
    as one wide free cell. An exclusive unit's month names every company holding it some day
    of the month (in start order); a pool's month shows its busiest day's leased/capacity
    desks. States: free, partly (a pool with room), leased, inactive (no lease, closed).

    Two queries: the units, and the non-cancelled leases of the range with their companies.
    """
    starts = [first_month.replace(day=1)]
    for _ in range(months - 1):
        starts.append(_next_month(starts[-1]))
    ends = [_next_month(start) - timedelta(days=1) for start in starts]
    units = list(units)
    leases_of: dict = {}
    leases = (
        Lease.objects.filter(lease_periods_overlapping(start_date=starts[0], end_date=ends[-1]))
        .filter(unit__in=[unit.pk for unit in units])
        .select_related("company")
        .order_by("start_date", "pk")
    )
    for lease in leases:
        leases_of.setdefault(lease.unit_id, []).append(lease)
    rows = []
    for unit in units:
        cells: list[dict] = []
        for start, end in zip(starts, ends, strict=True):
            cell = _timeline_cell(unit, leases_of.get(unit.pk, []), start=start, end=end)
            if cells and (cells[-1]["state"], cells[-1]["label"]) == (cell["state"], cell["label"]):
                cells[-1]["span"] += 1
            else:
                cells.append(cell)
        rows.append({"unit": unit, "cells": cells})
    return {"months": starts, "rows": rows}


def _timeline_cell(unit: Unit, leases: list[Lease], *, start: date, end: date) -> dict:
    in_month = [
        lease
        for lease in leases
        if lease.start_date <= end and (lease.end_date is None or lease.end_date >= start)
    ]
    if unit.kind in EXCLUSIVE_KINDS:
        if not in_month:
            return {"span": 1, "state": "free" if unit.is_active else "inactive", "label": ""}
        names = dict.fromkeys(tenant_name(lease.company) for lease in in_month)
        return {"span": 1, "state": "leased", "label": " → ".join(names)}
    runs = desk_usage_runs(in_month, start_date=start, end_date=end)
    busiest = min(max(used for _begin, _end, used in runs), unit.capacity)
    if not busiest:
        state = "free" if unit.is_active else "inactive"
    else:
        state = "leased" if busiest >= unit.capacity else "partly"
    return {"span": 1, "state": state, "label": f"{busiest}/{unit.capacity}"}


# Who holds a unit, named the same on the unit list and the floor map: the company of the
# lease with the most desks first, then the earliest start, then the company's id (stable on
# both databases); the others counted ("CG Engineers +4"). The unit list orders its SQL
# subquery by TENANT_ORDER; Python callers sort with tenant_sort_key.
TENANT_ORDER = ("-desks", "start_date", "company_id")


def tenant_sort_key(lease: Lease) -> tuple:
    return (-lease.desks, lease.start_date, lease.company_id)


def tenant_name(company) -> str:
    """A company's short name, else its legal name."""
    return company.short_name or company.legal_name


def tenants_label(first: str, count: int) -> str:
    """ "CG Engineers" for one tenant, "CG Engineers +4" for five, "" for none."""
    if not first or count < 1:
        return ""
    if count == 1:
        return first
    return gettext("%(first)s +%(more)d") % {"first": first, "more": count - 1}
