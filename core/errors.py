"""The base domain errors. `api/errors.py` is the one place that turns them into HTTP."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A request that breaks a rule of the park (400 `validation_error`, `code` per field)."""

    code = "invalid"
    title = _("The request breaks a rule of the park.")

    def __init__(self, detail: str, *, field: str | None = None, **extra):
        super().__init__(detail)
        self.detail, self.field, self.extra = detail, field, extra  # extra joins the body


class Conflict(DomainError):
    """Well formed, but the park's current state says no (409 with its own `code`)."""

    code = "conflict"
    title = _("The request conflicts with the current state.")


class NotPermitted(DomainError):
    """The actor may see the record but their role may not do this (403)."""

    code = "permission_denied"
    title = _("You do not have permission to perform this action.")


class TooLarge(DomainError):
    """A body or an upload over its limit (413)."""

    code = "payload_too_large"
    title = _("Payload too large")


class InvalidTransition(Conflict):
    """A state change not allowed from the current state; `allowed` lists the targets."""

    code = "invalid_transition"
    title = _("State change not allowed")

    def __init__(self, detail: str, *, allowed: list[str], **extra):
        super().__init__(detail, allowed=list(allowed), **extra)


class InUse(Conflict):
    """Deleting a record that others still refer to; deactivate it instead."""

    code = "in_use"
    title = _("Record in use")
