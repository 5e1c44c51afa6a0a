"""Reads of space: locks, overlaps and availability shaped for services, API and admin."""

import weakref
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import (
    DateField,
    F,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce, Greatest

from accounts.models import User, is_manager
from core.roundtrips import execute_together
from park.models import Lease, LeaseStatus, Unit
from tenants.models import CompanyMember


def _select(model: type[Model], where: str, params: list) -> list:
    """Instances of `model` from `SELECT <its columns> FROM <its table> <where>`.

    lease_create's hot path (bench S4) reads through this: building and compiling the same
    ORM query for every booking cost more Python than the database spent answering it, and
    the unit stays locked for all of that time. Measured on PostgreSQL (2 cores, 16 clients):
    with the ORM's `select_for_update()` and overlap query S4 is 3.4-4.7x a bare INSERT
    (target 3x), with these reads 1.8-2.4x when #5 landed. The lease and its history row
    go in one round trip (`core.models.insert_with_history`). Values go through each field's
    own database converters, so the instances are what the ORM would have built.
    """
    [instances] = _select_each((model, where, params))
    return instances


def _select_each(*queries: tuple[type[Model], str, list]) -> list[list]:
    """`_select` of each (model, where, params), in order; on PostgreSQL in one round trip
    (`core.roundtrips`: a read placed after a `FOR UPDATE` still sees what the lock waited for).
    """
    quote = connection.ops.quote_name
    statements = []
    for model, where, params in queries:
        columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
        # `where` is always one of this module's literals; values travel as parameters.
        sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} {where}"  # noqa: S608
        statements.append((sql, params))
    results = execute_together(connection, statements, fetch=True)
    return [_instances(model, rows) for (model, _, _), rows in zip(queries, results, strict=True)]


def _instances(model: type[Model], rows: list[tuple]) -> list:
    fields = model._meta.concrete_fields
    converters = _converters(model)
    names = [field.attname for field in fields]
    instances = []
    for row in rows:
        values = list(row)
        for index, column, field_converters in converters:
            for convert in field_converters:
                values[index] = convert(values[index], column, connection)
        instances.append(model.from_db(connection.alias, names, values))
    return instances


def _converters(model: type[Model]) -> list[tuple[int, Col, list]]:
    """Per column that needs it: its index, its expression and the converters the ORM would
    apply to its values (e.g. SQLite's text to UUID and Decimal).

    Kept per connection object (the backend's converters are its bound methods), and only
    as long as that connection lives: threads come and go with their own connections.
    """
    wrapper = connections[DEFAULT_DB_ALIAS]
    known = _CONVERTERS.setdefault(wrapper, {})
    if model not in known:
        found = []
        for index, field in enumerate(model._meta.concrete_fields):
            column = field.get_col(model._meta.db_table)
            here = wrapper.ops.get_db_converters(column) + column.get_db_converters(wrapper)
            if here:
                found.append((index, column, here))
        known[model] = found
    return known[model]


_CONVERTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _db(value, field_name: str, model: type[Model] = Lease):
    """`value` as `model.field_name` sends it to the database (SQLite: UUIDs as hex...)."""
    return model._meta.get_field(field_name).get_db_prep_value(value, connection)


def _unit_lock(unit_id) -> tuple[type[Model], str, list]:
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return Unit, f"WHERE id = %s{lock}", [_db(unit_id, "id", Unit)]


def _overlapping(
    *, unit_id, start_date: date, end_date: date | None, exclude: Lease | None
) -> tuple[type[Model], str, list]:
    where = "WHERE unit_id = %s AND cancelled_at IS NULL AND (end_date IS NULL OR end_date >= %s)"
    params = [_db(unit_id, "unit"), _db(start_date, "start_date")]
    if end_date is not None:
        where += " AND start_date <= %s"
        params.append(_db(end_date, "end_date"))
    if exclude is not None:
        where += " AND id <> %s"
        params.append(_db(exclude.pk, "id"))
    return Lease, where + " ORDER BY start_date, id", params


def unit_for_update(unit_id) -> Unit:
    """The unit, its row locked until the transaction ends (on SQLite the IMMEDIATE
    transaction already holds the database's write lock). Raises Unit.DoesNotExist."""
    found = _select(*_unit_lock(unit_id))
    if not found:
        raise Unit.DoesNotExist(f"No unit {unit_id}.")
    return found[0]


def unit_for_update_with_leases(
    unit_id, *, start_date: date, end_date: date | None
) -> tuple[Unit, list[Lease]]:
    """`unit_for_update`, and the leases `leases_overlapping` finds once the lock is held,
    in one round trip on PostgreSQL (lease_create's hot path, bench S4)."""
    found, overlapping = _select_each(
        _unit_lock(unit_id),
        _overlapping(unit_id=unit_id, start_date=start_date, end_date=end_date, exclude=None),
    )
    if not found:
        raise Unit.DoesNotExist(f"No unit {unit_id}.")
    return found[0], overlapping


def leases_overlapping(
    *, unit: Unit, start_date: date, end_date: date | None, exclude: Lease | None = None
) -> list[Lease]:
    """Non-cancelled leases of `unit` sharing at least one day with [start_date, end_date],
    by start date. Both ranges are inclusive; a null end is open-ended.

    Hand-written (see `_select`); `lease_periods_overlapping` is the same rule as a Q.
    """
    return _select(
        *_overlapping(unit_id=unit.pk, start_date=start_date, end_date=end_date, exclude=exclude)
    )


def desk_usage_runs(
    leases: Iterable[Lease], *, start_date: date, end_date: date
) -> list[tuple[date, date, int]]:
    """Split [start_date, end_date] into inclusive runs of constant leased desks.

    A sweep over the leases' start and end+1 days: O(n log n) in the number of leases, not in
    the number of days.
    """
    changes: dict[date, int] = {}
    for lease in leases:
        begin = max(lease.start_date, start_date)
        finish = end_date if lease.end_date is None else min(lease.end_date, end_date)
        if begin > finish:
            continue
        changes[begin] = changes.get(begin, 0) + lease.desks
        if finish < date.max:  # a lease ending on the last day there is never ends
            after = finish + timedelta(days=1)
            changes[after] = changes.get(after, 0) - lease.desks
    runs, used, cursor = [], 0, start_date
    for day in sorted(changes):
        if day > end_date:
            break
        if day > cursor:
            runs.append((cursor, day - timedelta(days=1), used))
            cursor = day
        used += changes[day]
    runs.append((cursor, end_date, used))
    # Merge neighbours with the same count (a lease ending the day before another starts).
    merged: list[tuple[date, date, int]] = []
    for run in runs:
        if merged and merged[-1][2] == run[2]:
            merged[-1] = (merged[-1][0], run[1], run[2])
        else:
            merged.append(run)
    return merged


def unit_availability(*, unit: Unit, start_date: date, end_date: date) -> list[dict]:
    """Inclusive, merged runs covering [start_date, end_date] with the desks free on each day.

    An inactive unit has no free desks; an exclusive unit is either wholly free (its
    capacity) or taken (0).
    """
    if not unit.is_active:
        return [{"start_date": start_date, "end_date": end_date, "free_desks": 0}]
    leases = leases_overlapping(unit=unit, start_date=start_date, end_date=end_date)
    runs = []
    for begin, finish, used in desk_usage_runs(leases, start_date=start_date, end_date=end_date):
        free = (0 if used else unit.capacity) if unit.is_exclusive else unit.capacity - used
        if runs and runs[-1]["free_desks"] == max(free, 0):
            runs[-1]["end_date"] = finish
        else:
            runs.append({"start_date": begin, "end_date": finish, "free_desks": max(free, 0)})
    return runs


# --- shaped reads for the API and the admin ----------------------------------------------


def lease_periods_overlapping(*, start_date: date, end_date: date | None) -> Q:
    """Non-cancelled leases sharing a day with [start_date, end_date] (inclusive; None: open)."""
    condition = Q(cancelled_at__isnull=True) & (
        Q(end_date__isnull=True) | Q(end_date__gte=start_date)
    )
    if end_date is not None:
        condition &= Q(start_date__lte=end_date)
    return condition


def leases_covering(day: date) -> QuerySet[Lease]:
    """Non-cancelled leases whose inclusive [start_date, end_date] contains `day`."""
    return Lease.objects.filter(lease_periods_overlapping(start_date=day, end_date=day))


def units_available(
    units: QuerySet[Unit], *, start_date: date, end_date: date, desks: int = 1
) -> QuerySet[Unit]:
    """`units` with `desks` desks free on every day of [start_date, end_date] (api.md,
    Availability): an active exclusive unit of that capacity with no lease in the range, or an
    active pool whose busiest day of the range leaves that many desks.

    One SQL query, no Python loop. A pool's leased desks only rise on a day some lease starts,
    so its busiest day of the range is the range's first day or a lease start inside it: a
    pool is crowded when, on some overlapping lease's max(start, range start), the desks
    leased plus those asked exceed its capacity. Both refusals are uncorrelated `NOT IN`
    subqueries, which PostgreSQL hashes once instead of probing per unit (bench S3).
    """
    in_range = Lease.objects.filter(
        lease_periods_overlapping(start_date=start_date, end_date=end_date)
    )
    # `is_exclusive` is the unit's kind copied by lease_create (a leased unit keeps its kind).
    taken = in_range.filter(is_exclusive=True).values("unit_id")
    day = Greatest(OuterRef("start_date"), Value(start_date, output_field=DateField()))
    leased_that_day = (
        Lease.objects.filter(unit=OuterRef("unit_id"), cancelled_at__isnull=True)
        .filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by()
        # SUM as a plain function: one aggregate row without a GROUP BY.
        .annotate(total=Func(F("desks"), function="SUM", output_field=IntegerField()))
        .values("total")
    )
    crowded = (
        in_range.filter(is_exclusive=False)
        .annotate(leased=Subquery(leased_that_day, output_field=IntegerField()))
        .filter(leased__gt=F("unit__capacity") - Value(desks))
        .values("unit_id")
    )
    return (
        units.filter(is_active=True, capacity__gte=desks)
        .exclude(pk__in=taken)
        .exclude(pk__in=crowded)
    )


def leased_desks_subquery(day: date) -> Coalesce:
    """Desks of `OuterRef("pk")` leased on `day` (0 when none), for `Unit` annotations."""
    desks = (
        leases_covering(day)
        .filter(unit=OuterRef("pk"))
        .order_by()
        .values("unit")
        .annotate(total=Sum("desks"))
        .values("total")
    )
    return Coalesce(Subquery(desks, output_field=IntegerField()), Value(0))


def units_with_occupancy(units: QuerySet[Unit] | None = None, *, on: date) -> QuerySet[Unit]:
    """Units with `desks_on_lease` (desks leased on `on`) summed by the database, ordered."""
    units = Unit.objects.all() if units is None else units
    return units.annotate(desks_on_lease=leased_desks_subquery(on)).order_by("code", "pk")


def leases_visible_to(user: User) -> QuerySet[Lease]:
    """Managers see every lease; a representative their companies' leases; others none."""
    leases = Lease.objects.select_related("unit", "company")
    if not is_manager(user):
        mine = CompanyMember.objects.filter(user=user).values("company")
        leases = leases.filter(company__in=mine)
    return leases.order_by("start_date", "pk")


def unit_leases(unit: Unit) -> QuerySet[Lease]:
    """Every lease of `unit`, cancelled ones included, newest first, with its company."""
    return Lease.objects.filter(unit=unit).select_related("company").order_by("-start_date", "pk")


def leases_in_status(leases: QuerySet[Lease], status: str, *, on: date) -> QuerySet[Lease]:
    """The leases whose derived status (Lease.status_on) on `on` is `status`."""
    running = leases.filter(cancelled_at__isnull=True)
    if status == LeaseStatus.CANCELLED:
        return leases.filter(cancelled_at__isnull=False)
    if status == LeaseStatus.UPCOMING:
        return running.filter(start_date__gt=on)
    if status == LeaseStatus.ENDED:
        return running.filter(end_date__lt=on)
    if status == LeaseStatus.ACTIVE:
        return running.filter(lease_periods_overlapping(start_date=on, end_date=on))
    raise ValueError(f"unknown lease status {status!r}")


def companies_leasing_in(park, *, on: date) -> QuerySet:
    """Ids of the companies holding a lease in `park` (a Park or its id) on `on`."""
    park_id = getattr(park, "pk", park)
    return leases_covering(on).filter(unit__park_id=park_id).values("company_id")
