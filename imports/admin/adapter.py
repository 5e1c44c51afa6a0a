"""The adapter between django-import-export's admin and our engine: file formats read by
`imports.reading`, and a library `Resource` whose `import_data` runs `run_import`."""

import hashlib
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields as ie_fields
from import_export.exceptions import ImportError as LibraryImportError
from import_export.formats import base_formats
from import_export.resources import Resource
from import_export.results import Error, InvalidRow, Result, RowResult

from core.errors import DomainError
from imports.exporting import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
)
from imports.reading import FORMULA_WITHOUT_VALUE, Table, read_table
from imports.report import Report
from imports.resources import resource_for
from imports.resources.base import (
    NEW,
    SKIPPED,
    UNCHANGED,
    UNMATCHED,
    UPDATED,
    ImportResource,
    run_import,
)
from imports.resources.base import Run as EngineRun
from imports.services import ParkRequired, import_record

# -- file formats ------------------------------------------------------------------------------


def table_dataset(table: Table, *, sha256: str = "") -> tablib.Dataset:
    """`table` as the library's Dataset; what the Dataset cannot hold (the spreadsheet row of
    the first data row, the format, the file's hash) rides along as attributes."""
    dataset = tablib.Dataset(headers=list(table.headers))
    for row in table.rows:
        dataset.append(row)
    dataset.first_row = table.first_row
    dataset.file_format = table.file_format
    dataset.sha256 = sha256
    return dataset


def dataset_table(dataset: tablib.Dataset) -> Table:
    """The engine's Table of a Dataset (one of `table_dataset`'s, or any other: header in row 1)."""
    headers = ["" if header is None else str(header) for header in (dataset.headers or [])]
    return Table(
        headers=headers,
        rows=[list(row) for row in dataset],
        first_row=getattr(dataset, "first_row", 2),
        file_format=getattr(dataset, "file_format", "csv"),
    )


class SpreadsheetFile(base_formats.Format):
    """What the import form reads: CSV (UTF-8, UTF-16, Windows-1258) or XLSX, told by the
    content as the API tells it (`imports.reading`), so one format fits every file."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # the library passes one; the reader finds the encoding itself

    def get_title(self):
        return gettext("CSV or XLSX")

    def create_dataset(self, in_stream):
        data = bytes(in_stream)
        table = read_table(data)
        return table_dataset(table, sha256=hashlib.sha256(data).hexdigest())

    def get_extension(self):
        return "csv"

    def can_import(self):
        return True


class CSVExport(base_formats.CSV):
    """Our CSV export (`imports.exporting.export_csv`): UTF-8 with a BOM, formula-safe."""

    CONTENT_TYPE = CSV_CONTENT_TYPE

    def is_binary(self):
        return True

    def can_import(self):
        return False


class XLSXExport(base_formats.XLSX):
    """Our XLSX export (`imports.exporting.export_xlsx`): typed cells, never a formula."""

    CONTENT_TYPE = XLSX_CONTENT_TYPE

    def can_import(self):
        return False


# -- the library's Resource, run by our engine -------------------------------------------------

OUTCOME_TYPES = {
    NEW: RowResult.IMPORT_TYPE_NEW,
    UPDATED: RowResult.IMPORT_TYPE_UPDATE,
    UNCHANGED: RowResult.IMPORT_TYPE_SKIP,
    SKIPPED: RowResult.IMPORT_TYPE_SKIP,
    UNMATCHED: RowResult.IMPORT_TYPE_SKIP,
}
OUTCOME_LABELS = {
    NEW: _("New"),
    UPDATED: _("Changed"),
    UNCHANGED: _("Unchanged"),
    SKIPPED: _("Skipped"),
    UNMATCHED: _("Unmatched (not imported)"),
}


class EngineResult(Result):
    """The library's Result, with our report (the counts the pages show)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.report: Report | None = None
        self.engine_name = ""


class _KeepsRun:
    """Mixed into an engine resource for one run: keeps the run, whose rows (their outcome,
    values and records) the preview shows; `run_import` answers only the report."""

    run: EngineRun | None = None

    def prepare(self, run, rows):
        self.run = run
        super().prepare(run, rows)


def _engine(name: str) -> ImportResource:
    engine = resource_for(name)
    return type(type(engine).__name__, (_KeepsRun, type(engine)), {})()


def shown(value: Any) -> str:
    """A cell as the preview shows it: ISO dates, grouped numbers, yes/no."""
    if value is None or value is FORMULA_WITHOUT_VALUE:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | Decimal | float):
        return number_format(value, force_grouping=True)
    return str(value)


class EngineResource(Resource):
    """One of our spreadsheet resources (`engine_name`) as a library Resource. Made by
    `engine_resource_class`; its fields are the resource's columns (their English names)."""

    engine_name = ""

    @classmethod
    def get_display_name(cls):
        return capfirst(str(resource_for(cls.engine_name).verbose_name))

    @classmethod
    def get_result_class(cls):
        return EngineResult

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """Check the rows (and unless `dry_run`, write all of them or none) with our engine,
        in its own transaction, whatever `use_transactions` says (`collect_failed_rows` is
        not supported: the report lists the refused rows). `user` is the actor whom the
        rows' history names; `park` the park of usage and bank statements."""
        actor, park = kwargs.get("user"), kwargs.get("park")
        engine = _engine(self.engine_name)
        table = dataset_table(dataset)
        result = self.get_result_class()()
        result.engine_name = self.engine_name
        result.total_rows = len(table.rows)
        try:
            if engine.needs_park and park is None:
                raise ParkRequired(
                    gettext("Usage and bank statements are imported into a park: choose one."),
                    field="park",
                )
            report = run_import(engine, table, commit=not dry_run, actor=actor, park=park)
        except DomainError as error:  # the file itself: a missing column, no park
            if raise_errors:
                raise
            result.append_base_error(Error(error))
            return result
        result.report = report
        self._fill(result, engine, table, report, keep_instances=not dry_run)
        if raise_errors and report.errors:
            first = report.errors[0]
            raise LibraryImportError(first.message, number=first.row)
        if not dry_run:
            import_record(
                resource=self.engine_name,
                file_name=kwargs.get("file_name") or "",
                sha256=getattr(dataset, "sha256", ""),
                actor=actor,
                park=park,
                report=report,
            )
        return result

    def _fill(self, result, engine, table: Table, report: Report, *, keep_instances: bool):
        run = engine.run
        mapping = engine.map_headers(table.headers)  # file column index -> Column
        positions = sorted(mapping)
        result.diff_headers = [table.headers[index] for index in positions]
        errors: dict[int, dict[str, list[str]]] = {}
        for error in report.errors:
            by_column = errors.setdefault(error.row or 0, {})
            by_column.setdefault(error.column or NON_FIELD_ERRORS, []).append(error.message)
        for row in run.rows:
            cells = table.rows[row.number - table.first_row]
            if row.failed:
                result.invalid_rows.append(
                    _invalid_row(
                        row.number, errors.get(row.number, {}), [shown(cells[i]) for i in positions]
                    )
                )
                result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
                continue
            row_result = self.get_row_result_class()()
            row_result.outcome = row.outcome or SKIPPED
            row_result.outcome_label = OUTCOME_LABELS[row_result.outcome]
            row_result.import_type = OUTCOME_TYPES[row_result.outcome]
            row_result.number = row.number
            row_result.diff = [shown(row.values.get(mapping[i].name)) for i in positions]
            if keep_instances and report.committed and row.instance is not None:
                row_result.instance = row.instance
                row_result.add_instance_info(row.instance)
            result.increment_row_result_total(row_result)
            result.append_row_result(row_result)

    def export(self, queryset=None, **kwargs):
        """The library's export, for completeness: the API's columns and values."""
        engine = resource_for(self.engine_name)
        records = engine.export_queryset() if queryset is None else queryset
        dataset = tablib.Dataset(headers=engine.export_headers())
        for record in records:
            dataset.append(engine.export_row(record))
        return dataset


def _invalid_row(number: int, errors: dict[str, list[str]], values: list[str]) -> InvalidRow:
    return InvalidRow(number=number, validation_error=ValidationError(errors), values=values)


@cache
def engine_resource_class(name: str) -> type[EngineResource]:
    """The library Resource class of our resource `name`: one field per column."""
    engine = resource_for(name)
    attrs: dict[str, Any] = {
        column.name: ie_fields.Field(attribute=column.name, column_name=column.name)
        for column in engine.columns
    }
    attrs["engine_name"] = name
    attrs["__module__"] = __name__
    return type(f"{type(engine).__name__}Admin", (EngineResource,), attrs)
