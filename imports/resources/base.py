"""The import engine every resource shares: headers to columns, cells to values, natural keys,
and one transaction that commits the whole file or nothing.

A resource declares its columns (English and Vietnamese headers, a parser each) and says how a
row is found (`key`), looked up in bulk (`prepare`) and written (`apply_row`, through the
domain's services). The engine does the rest the same way for all of them:

1. map the file's headers to columns, case and accents ignored (a required one missing: 400
   `missing_column` for the file);
2. parse every cell, collecting `{row, column, code, message}` errors (row = the
   spreadsheet's own number, column = the header as written);
3. refuse a key seen earlier in the file (`duplicate_row`);
4. in one transaction, look the rows up and write them through the services, each in a
   savepoint so one refusal does not hide the next; then roll everything back unless the
   caller asked to commit and no row has an error (the dry run is the same run, rolled back).

An unchanged row is never written: no version bump, no history row.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from core.errors import DomainError
from imports.reading import FORMULA_WITHOUT_VALUE, MissingColumn, Table
from imports.report import Report, RowError
from imports.values import CellError, header_key, parse_text

NEW, UPDATED, UNCHANGED, SKIPPED, UNMATCHED = "new", "updated", "unchanged", "skipped", "unmatched"

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    """One column of a resource's spreadsheet."""

    name: str  # the English header: the field's name in the API and the design
    vi: str  # the Vietnamese header
    parse: Callable[[Any], Any] = parse_text  # cell -> value (None when empty); CellError
    required: bool = False  # the file must have this column (missing_column otherwise)
    blank: bool = False  # a required column whose cell may still be empty in a row
    aliases: tuple[str, ...] = ()  # other headers parks use for it
    fields: tuple[str, ...] = ()  # service/model fields whose errors land on this column

    def headers(self) -> set[str]:
        return {header_key(self.name), header_key(self.vi), *map(header_key, self.aliases)}


@dataclass
class Row:
    """One data row of the file: its number, its parsed values (empty cells left out)."""

    number: int
    values: dict[str, Any]
    failed: bool = False
    outcome: str | None = None
    instance: Model | None = None  # what the row matched or wrote (the admin shows it)
    found: Any = None  # what `prepare` found for the row's key, if anything


@dataclass
class Run:
    """What one import run carries between the engine and its resource."""

    resource: "ImportResource"
    report: Report
    headers: dict[str, str]  # column name -> the header as written in the file
    actor: Any = None
    park: Any = None
    commit: bool = False
    rows: list[Row] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)  # the resource's bulk lookups

    def header(self, column: str | None) -> str | None:
        """The header as written for `column` (a column name or a service field name)."""
        if column is None:
            return None
        if column in self.headers:
            return self.headers[column]
        for candidate in self.resource.columns:
            if column in candidate.fields and candidate.name in self.headers:
                return self.headers[candidate.name]
        return None

    def fail(self, row: Row, column: str | None, code: str, message: str) -> None:
        """Record an error on `row` (`column`: a column or field name, or None for the row)."""
        row.failed = True
        self.report.errors.append(RowError(row.number, self.header(column), code, str(message)))

    def fail_with(
        self, row: Row, error: "DomainError | ValidationError", *, column: str | None = None
    ) -> None:
        """Record a service's refusal on `row`: a DomainError on its field's column, a
        ValidationError on each of its fields'."""
        if isinstance(error, ValidationError):
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    for item in errors:
                        target = column if name == "__all__" else name
                        self.fail(row, target, item.code or "invalid", _message(item))
            else:
                for item in error.error_list:
                    self.fail(row, column, item.code or "invalid", _message(item))
            return
        self.fail(row, error.field or column, error.code, error.detail)


def _message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


class ImportResource:
    """A spreadsheet resource. Subclasses declare `name`, `columns`, `model` and write
    `key`, `prepare` and `apply_row` (or `apply`, to write all rows at once)."""

    name: ClassVar[str]
    verbose_name: ClassVar[Any] = ""
    model: ClassVar[type[Model]]
    columns: ClassVar[tuple[Column, ...]]
    needs_park: ClassVar[bool] = False  # usage and bank statements take the park as a field

    # -- reading -------------------------------------------------------------------------

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def template_headers(self) -> list[str]:
        """The headers of the downloadable template: both languages, either one is read."""
        return [f"{column.vi} / {column.name}" for column in self.columns]

    def export_headers(self) -> list[str]:
        """The headers of an export: the English names, read back by an import."""
        return [column.name for column in self.columns]

    def map_headers(self, headers: Sequence[str]) -> dict[int, Column]:
        """File column index -> Column; unknown headers are ignored, a repeated one counts
        once (its first). A required column missing: MissingColumn (400, field `file`)."""
        by_key = {key: column for column in self.columns for key in column.headers()}
        mapping: dict[int, Column] = {}
        taken: set[str] = set()
        for index, header in enumerate(headers):
            column = by_key.get(header_key(header or ""))
            if column is None and " / " in (header or ""):
                # The templates write both languages: "Mã phòng / code".
                parts = (by_key.get(header_key(part)) for part in header.split(" / "))
                column = next((part for part in parts if part is not None), None)
            if column is not None and column.name not in taken:
                mapping[index] = column
                taken.add(column.name)
        missing = [c for c in self.columns if c.required and c.name not in taken]
        if missing:
            names = ", ".join(f"{c.name} ({c.vi})" for c in missing)
            raise MissingColumn(
                _("The file has no column %(names)s.") % {"names": names},
                field="file",
                columns=[c.name for c in missing],
            )
        return mapping

    # -- what subclasses write --------------------------------------------------------------

    def key(self, row: Row) -> tuple | None:
        """The row's natural key within the file (a duplicate is `duplicate_row`), or None."""
        return None

    def key_column(self, row: Row | None = None) -> str:
        """The column a `duplicate_row` error (or a refusal without a field) names."""
        return self.columns[0].name

    def prepare(self, run: Run, rows: list[Row]) -> None:
        """Look up, in a constant number of queries, what the rows refer to or update."""

    def apply(self, run: Run, rows: list[Row]) -> None:
        """Write the rows; by default each in its own savepoint through `apply_row`."""
        for row in rows:
            try:
                with transaction.atomic():
                    row.outcome = self.apply_row(run, row)
            except (DomainError, ValidationError) as error:
                run.fail_with(row, error, column=self.key_column(row))

    def apply_row(self, run: Run, row: Row) -> str:
        """Create or update the row's record through the services: NEW, UPDATED or
        UNCHANGED (or SKIPPED / UNMATCHED). Refuse with a DomainError or ValidationError."""
        raise NotImplementedError

    # -- exports and templates --------------------------------------------------------------

    def export_queryset(self, *, park=None) -> QuerySet:
        raise NotImplementedError

    def export_row(self, instance: Model) -> list[Any]:
        """The row of `instance`, one value per column, as `apply_row` reads it back."""
        raise NotImplementedError

    def example_row(self) -> list[Any]:
        """One row for the downloadable template."""
        raise NotImplementedError


def parse_rows(
    resource: ImportResource,
    table: Table,
    run: Run,
    *,
    progress: ProgressCallback | None = None,
) -> list[Row]:
    """Parse the table's cells into rows; blank rows are counted as skipped."""
    mapping = resource.map_headers(table.headers)
    run.headers = {column.name: table.headers[index] for index, column in mapping.items()}
    rows: list[Row] = []
    total = len(table.rows)
    for index, cells in enumerate(table.rows):
        number = table.row_number(index)
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            run.report.skipped += 1
            continue
        row = Row(number=number, values={})
        for position, column in mapping.items():
            cell = cells[position] if position < len(cells) else None
            if cell is FORMULA_WITHOUT_VALUE:
                run.fail(
                    row,
                    column.name,
                    "formula_without_value",
                    _(
                        "The cell holds a formula with no saved value: open the file in a "
                        "spreadsheet and save it again."
                    ),
                )
                continue
            try:
                value = column.parse(cell)
            except CellError as error:
                run.fail(row, column.name, error.code, error.message)
                continue
            if value is not None:
                row.values[column.name] = value
            elif column.required and not column.blank:
                run.fail(row, column.name, "required", _("This cell is required."))
        rows.append(row)
        if progress is not None and (index + 1) % 500 == 0:
            progress(index + 1, total)
    if progress is not None:
        progress(total, total)
    return rows


def refuse_duplicates(resource: ImportResource, run: Run, rows: Iterable[Row]) -> None:
    first: dict[tuple, int] = {}
    for row in rows:
        if row.failed:
            continue
        key = resource.key(row)
        if key is None:
            continue
        if key in first:
            run.fail(
                row,
                resource.key_column(row),
                "duplicate_row",
                _("Row %(first)s has the same key.") % {"first": first[key]},
            )
        else:
            first[key] = row.number


def run_import(
    resource: ImportResource,
    table: Table,
    *,
    commit: bool = False,
    actor=None,
    park=None,
    progress: ProgressCallback | None = None,
) -> Report:
    """Check (and with `commit`, write) every row of `table`: all of them or none."""
    report = Report(resource=resource.name, rows=len(table.rows))
    if resource.needs_park:
        report.unmatched = []
    run = Run(resource=resource, report=report, headers={}, actor=actor, park=park, commit=commit)
    rows = parse_rows(resource, table, run, progress=progress)
    run.rows = rows
    refuse_duplicates(resource, run, rows)
    with transaction.atomic():
        resource.prepare(run, rows)
        resource.apply(run, [row for row in rows if not row.failed])
        report.committed = commit and not report.errors
        if not report.committed:
            transaction.set_rollback(True)
    for row in rows:
        if row.failed:
            continue
        if row.outcome == NEW:
            report.new += 1
        elif row.outcome == UPDATED:
            report.updated += 1
        elif row.outcome == UNCHANGED:
            report.unchanged += 1
        elif row.outcome == UNMATCHED:
            report.unmatched.append(row.number)
        else:
            report.skipped += 1
    report.errors.sort(key=lambda error: error.row or 0)
    return report


def update_if_changed(
    row: Row, instance: Model, data: dict[str, Any], update: Callable[[dict[str, Any]], Any]
) -> str:
    """The row's outcome for an existing `instance`: UNCHANGED without a write (no version,
    no history row) when `data` matches it, else `update(changed)` (its service) and UPDATED."""
    row.instance = instance
    changed = changes(instance, data)
    if not changed:
        return UNCHANGED
    update(changed)
    return UPDATED


def changes(instance: Model, data: dict[str, Any]) -> dict[str, Any]:
    """Those of `data` that differ on `instance` (relations compared by id)."""
    from core.services import changed_fields

    return {name: data[name] for name in changed_fields(instance, data)}


def choice_parser(choices) -> Callable[[Any], str | None]:
    """A cell parser for a model's TextChoices: its value, or its label in English or in
    Vietnamese (`office`, `Office`, `Văn phòng`), case and accents ignored."""
    from django.utils import translation

    def parse(value: Any) -> str | None:
        text = parse_text(value)
        if text is None:
            return None
        names: dict[str, str] = {}
        for language in ("en", "vi"):
            with translation.override(language):
                for key, label in choices.choices:
                    names.setdefault(header_key(str(label)), key)
        for key in choices.values:
            names[header_key(key)] = key
        found = names.get(header_key(text))
        if found is None:
            raise CellError(
                "invalid_choice",
                _("Choose one of: %(keys)s.") % {"keys": ", ".join(choices.values)},
            )
        return found

    return parse


class Required(DomainError):
    """A cell a row cannot do without is empty."""

    code = "required"


class NotFound(DomainError):
    """A row names a park, unit, company or charge that does not exist."""

    code = "not_found"
