from core.errors import DomainError, Gone, NotAuthenticated


class UnsafeUrl(DomainError):
    """An outgoing URL that is not https, or resolves to a private or loopback address."""

    code = "unsafe_url"


class InvalidCursor(DomainError):
    """A cursor that was tampered with, or was handed to another partner (400 on `cursor`)."""

    code = "invalid"


class CursorExpired(Gone):
    """A feed cursor from before the compaction horizon: the partner must resync (410)."""

    code = "cursor_expired"


class InvalidSecret(DomainError):
    code = "invalid"


class WebhookRejected(NotAuthenticated):
    """An inbound ping with a bad signature or timestamp (401 authentication_failed)."""


class KeyNotFound(DomainError):
    code = "not_found"


class SyncFailed(Exception):
    """A partner's directory could not be pulled; the stored cursor is kept."""
