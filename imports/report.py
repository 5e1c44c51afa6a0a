"""What an import says about a file: counts per outcome and the errors by spreadsheet row.

The shape is the API's contract: `{resource, rows, new, updated, unchanged, skipped, errors:
[{row, column, code, message}]}`, plus `unmatched` (row numbers) for bank statements.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowError:
    row: int | None  # the spreadsheet's own row number (the header is row 1); None: the file
    column: str | None  # the header as written in the file; None: the row as a whole
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class Report:
    resource: str
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    unmatched: list[int] | None = None  # bank statements only
    committed: bool = False

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "resource": self.resource,
            "rows": self.rows,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": [error.as_dict() for error in self.errors],
        }
        if self.unmatched is not None:
            body["unmatched"] = list(self.unmatched)
        body["committed"] = self.committed
        return body
