"""The base domain errors. `api/base/errors.py` is the one place that turns them into HTTP.

A domain error carries a stable `code` and a `detail` in the user's words; its problem title
is the code's own, written once in `api/base/problems.py`.
"""


class DomainError(Exception):
    """A request that breaks a rule of the park (400 `validation_error`, `code` per field)."""

    code = "invalid"

    def __init__(self, detail: str, *, field: str | None = None, **extra):
        super().__init__(detail)
        self.detail, self.field, self.extra = detail, field, extra  # extra joins the body


class Conflict(DomainError):
    """Well formed, but the park's current state says no (409 with its own `code`)."""

    code = "conflict"


class NotPermitted(DomainError):
    """The actor may see the record but their role may not do this (403)."""

    code = "permission_denied"


class NotAuthenticated(DomainError):
    """Credentials (a signature, a key) that are wrong, expired or replayed (401)."""

    code = "authentication_failed"


class Gone(DomainError):
    """Something that existed and is no longer kept (410 with its own `code`)."""

    code = "gone"


class TooLarge(DomainError):
    """A body or an upload over its limit (413)."""

    code = "payload_too_large"


class InvalidTransition(Conflict):
    """A state change not allowed from the current state; `allowed` lists the targets."""

    code = "invalid_transition"

    def __init__(self, detail: str, *, allowed: list[str], **extra):
        super().__init__(detail, allowed=list(allowed), **extra)


class InUse(Conflict):
    """Deleting a record that others still refer to; deactivate it instead."""

    code = "in_use"
