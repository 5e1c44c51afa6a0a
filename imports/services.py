"""Run an import: read the file, check it, write it (or not), and record it in the import log.

Files of up to 2,000 data rows run at once and answer their report; larger ones are queued as
a task (`imports.tasks.import_file`) whose progress and report the log row shows.
"""

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from imports.models import Import, ImportStatus
from imports.reading import read_table
from imports.report import Report
from imports.resources import RESOURCES, resource_for
from imports.resources.base import ProgressCallback, run_import

TASK_THRESHOLD = 2000  # data rows; more run as a task


class ParkRequired(DomainError):
    code = "required"


def _check_park(resource_name: str, park) -> None:
    if resource_for(resource_name).needs_park and park is None:
        raise ParkRequired(
            _("Usage and bank statements are imported into a park: choose one."), field="park"
        )


def import_file(
    *,
    resource: str,
    data: bytes,
    file_name: str = "",
    commit: bool = False,
    sheet: str | None = None,
    park=None,
    actor=None,
    run_now: bool | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[Import, Report | None]:
    """Check `data` as a `resource` spreadsheet and, with `commit`, write all of it or none.

    Refuses the file itself (unsupported_format, payload_too_large, missing_column, an
    unknown resource, a missing park) with a DomainError. Small files (or `run_now=True`)
    answer `(log row, report)`; large ones `(log row, None)`, queued as a task. A run at
    once calls `progress(done, total)` as its rows are checked.
    """
    handler = resource_for(resource)
    _check_park(resource, park)
    table = read_table(data, file_name=file_name, sheet=sheet)
    handler.map_headers(table.headers)  # a missing column is refused before any queueing
    record = Import(
        resource=resource,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        user=actor if getattr(actor, "pk", None) else None,
        park=park,
        commit=commit,
        sheet=sheet or "",
        progress_total=len(table.rows),
    )
    if run_now is None:
        run_now = len(table.rows) <= TASK_THRESHOLD
    if not run_now:
        record.status = ImportStatus.QUEUED
        record.payload = data
        record.save()
        from imports.tasks import import_queued  # the task module imports this one

        transaction.on_commit(lambda: import_queued.enqueue(str(record.pk)))
        return record, None
    report = run_import(handler, table, commit=commit, actor=actor, park=park, progress=progress)
    _finish(record, report)
    record.save()
    return record, report


def _finish(record: Import, report: Report) -> None:
    record.status = ImportStatus.DONE
    record.report = report.as_dict()
    record.committed = report.committed
    record.progress_done = record.progress_total
    record.finished_at = timezone.now()
    record.payload = None


def import_run_queued(*, import_id: Any) -> Import:
    """Run a queued import (the task's body): progress as rows are checked, then the report."""
    record = Import.objects.select_related("park", "user").get(pk=import_id)
    if record.status != ImportStatus.QUEUED:
        return record
    Import.objects.filter(pk=record.pk).update(status=ImportStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        # Outside the import's transaction (the rows are parsed before it opens), so a
        # reader of GET /imports/{id}/ sees it move.
        Import.objects.filter(pk=record.pk).update(progress_done=done, progress_total=total)

    try:
        table = read_table(
            bytes(record.payload), file_name=record.file_name, sheet=record.sheet or None
        )
        report = run_import(
            resource_for(record.resource),
            table,
            commit=record.commit,
            actor=record.user,
            park=record.park,
            progress=progress,
        )
    except DomainError as error:
        report = Report(resource=record.resource)
        from imports.report import RowError

        report.errors.append(RowError(None, None, error.code, error.detail))
        _finish(record, report)
        record.status = ImportStatus.FAILED
    except Exception:
        Import.objects.filter(pk=record.pk).update(
            status=ImportStatus.FAILED, payload=None, finished_at=timezone.now()
        )
        raise
    else:
        _finish(record, report)
    record.save()
    return record


def import_record(*, resource, file_name, sha256, actor, park, report: Report) -> Import:
    """The import log's row of an import run outside `import_file` (the admin's confirm
    step), already done."""
    now = timezone.now()
    return Import.objects.create(
        resource=resource,
        file_name=file_name[:255],
        sha256=sha256,
        user=actor if getattr(actor, "pk", None) else None,
        park=park,
        commit=True,
        status=ImportStatus.DONE,
        progress_done=report.rows,
        progress_total=report.rows,
        committed=report.committed,
        report=report.as_dict(),
        finished_at=now,
    )


__all__ = ["RESOURCES", "TASK_THRESHOLD", "import_file", "import_run_queued"]
