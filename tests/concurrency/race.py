"""The one harness of the race tests: real parallel connections, released together.

Each item runs in its own thread, so each has its own database connection (PostgreSQL, or the
file-based SQLite test database; an in-memory one cannot be shared between threads). A barrier
releases them at once, so they meet at the service's lock rather than one after another.
"""

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connection

from core.errors import Conflict

T = TypeVar("T")


def run_together(work: Callable[[T], object], items: Sequence[T]) -> list[str]:
    """Run `work(item)` for every item at once; the sorted outcomes: "done" for a success, the
    refusal's code for a Conflict. Anything else fails the test, naming the error."""
    start_together, outcomes, errors = threading.Barrier(len(items)), [], []

    def run(item: T) -> None:
        try:
            start_together.wait()
            work(item)
            outcomes.append("done")
        except Conflict as refusal:
            outcomes.append(refusal.code)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return sorted(outcomes)
