"""Running a transaction again when the database aborted it only to break a tie.

PostgreSQL may abort one of two transactions that lock rows in opposite orders (deadlock,
SQLSTATE 40P01) or, under SERIALIZABLE, that read and write the same rows (40001). Both are
safe to run again from scratch: the work's own locks and checks then see the winner's rows.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError

T = TypeVar("T")

RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def is_retryable(error: BaseException) -> bool:
    """Whether `error` is a deadlock or a serialization failure (see the module docstring)."""
    return getattr(getattr(error, "__cause__", None), "sqlstate", None) in RETRYABLE_SQLSTATES


def retrying(
    work: Callable[[], T],
    *,
    attempts: int = 4,
    retry_if: Callable[[DatabaseError], bool] = is_retryable,
) -> T:
    """`work()`, run again (after 20, 40, 80 ms) while the database aborts it to break a tie
    (or while `retry_if` says an error is one); `work` opens its own transaction, so every
    attempt starts from scratch."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DatabaseError as error:
            if not retry_if(error) or attempt == attempts:
                raise
            time.sleep(0.01 * 2**attempt)
    raise AssertionError("unreachable")
