from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class UnsafeUrl(DomainError):
    """An outgoing URL that is not https, or resolves to a private or loopback address."""

    code = "unsafe_url"
    title = _("URL not allowed")


class InvalidCursor(DomainError):
    """A cursor that was tampered with, or was handed to another partner (400 on `cursor`)."""

    code = "invalid"
    title = _("Invalid cursor")


class CursorExpired(Exception):
    """A feed cursor from before the compaction horizon: the partner must resync (410)."""


class InvalidSecret(DomainError):
    code = "invalid"
    title = _("Invalid webhook secret")


class WebhookRejected(Exception):
    """An inbound ping with a bad signature or timestamp (401 authentication_failed)."""


class KeyNotFound(DomainError):
    code = "not_found"
    title = _("No such key")


class SyncFailed(Exception):
    """A partner's directory could not be pulled; the stored cursor is kept."""
