"""What the space and the lease services share: the park's calendar day, and the proposed
state of a record their rule checks look at before an update is written."""

import copy
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from django.db.models import Model
from django.utils import timezone

from core.services import writable_data

M = TypeVar("M", bound=Model)


def today() -> date:
    """The park's calendar day (TIME_ZONE), not the server's UTC one."""
    return timezone.localdate()


def proposed(record: M, *, fields: Iterable[str], data: Mapping[str, Any]) -> M:
    """A copy of `record` with `data` (keys among `fields`) set: what a service's rule checks
    look at before `core.services.model_update` writes the change to `record` itself."""
    candidate = copy.copy(record)
    for name, value in writable_data(fields, data).items():
        setattr(candidate, name, value)
    return candidate
