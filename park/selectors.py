"""Reads of space: locks, overlaps and availability shaped for services, API and admin."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from park.models import Lease, Unit


def units_for_update(unit_ids: Iterable) -> list[Unit]:
    # pk order is deliberate: transactions locking overlapping units queue, not deadlock.
    return list(Unit.objects.filter(pk__in=list(unit_ids)).order_by("pk").select_for_update())


def leases_overlapping(
    *, unit: Unit, start_date: date, end_date: date | None, exclude: Lease | None = None
) -> QuerySet[Lease]:
    """Non-cancelled leases of `unit` sharing at least one day with [start_date, end_date].

    Both ranges are inclusive; a null end is open-ended.
    """
    leases = Lease.objects.filter(unit=unit, cancelled_at__isnull=True).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date)
    )
    if end_date is not None:
        leases = leases.filter(start_date__lte=end_date)
    if exclude is not None:
        leases = leases.exclude(pk=exclude.pk)
    return leases.order_by("start_date", "pk")


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
