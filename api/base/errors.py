"""The one place where errors become HTTP: RFC 9457 problem+json for every 4xx and 5xx."""

import errno
import logging
import math
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.views import set_rollback

from api.base.problems import problem
from core.errors import Conflict, DomainError, Gone, NotAuthenticated, NotPermitted, TooLarge

logger = logging.getLogger("softpark.api")


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_code = "precondition_failed"
    default_detail = "If-Match does not match the current ETag."


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


class IdempotencyConflict(exceptions.APIException):
    status_code = 409
    default_code = "idempotency_conflict"
    default_detail = "A request with this Idempotency-Key is still in progress."


class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used for a different request."


# DRF exception class -> our stable code (the status comes from the exception).
_DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    PreconditionFailed: "precondition_failed",
    PayloadTooLarge: "payload_too_large",
    IdempotencyConflict: "idempotency_conflict",
    IdempotencyKeyReused: "idempotency_key_reused",
}


def flatten_errors(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error detail as a flat list with dotted paths (`team.0.email`)."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            errors.extend(flatten_errors(value, path))
        return errors
    if isinstance(detail, list):
        # A list of messages for one field, or a list of nested items (one per index).
        if all(isinstance(item, str) for item in detail):
            field = prefix or "non_field_errors"
            return [
                {
                    "field": field,
                    "code": getattr(item, "code", None) or "invalid",
                    "message": str(item),
                }
                for item in detail
            ]
        errors = []
        for index, item in enumerate(detail):
            if item:  # DRF marks valid items of a list with an empty dict
                errors.extend(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return errors
    field = prefix or "non_field_errors"
    return [
        {"field": field, "code": getattr(detail, "code", None) or "invalid", "message": str(detail)}
    ]


def validation_problem(errors: list[dict], *, instance: str, detail: str | None = None):
    if detail is None:
        first = errors[0] if errors else {"field": "", "message": ""}
        detail = (
            first["message"]
            if first["field"] == "non_field_errors"
            else f"{first['field']}: {first['message']}"
        )
        if len(errors) > 1:
            detail = _("%(first)s (and %(count)d more)") % {
                "first": detail,
                "count": len(errors) - 1,
            }
    return problem(400, "validation_error", detail, instance=instance, errors=errors)


def problem_exception_handler(exc, context):
    request = context.get("request")
    instance = request.path if request is not None else ""
    set_rollback()  # a failed request writes nothing, even inside a transaction

    if isinstance(exc, DomainError):
        return domain_problem(exc, instance=instance)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_django_validation_detail(exc))
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        # ObjectDoesNotExist: a row the request named was deleted while it ran (e.g. the
        # unit a lease is for, between validation and the service's lock).
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # DRF reads JSON through `request.body`, where Django enforces
        # DATA_UPLOAD_MAX_MEMORY_SIZE on what it actually read (a body that understates its
        # Content-Length): the client's fault, so 413, not 500.
        exc = PayloadTooLarge(
            _("JSON bodies are limited to %(size)d KB.")
            % {"size": settings.JSON_BODY_MAX_BYTES // 1024}
        )
    elif isinstance(exc, SuspiciousOperation):  # e.g. too many form fields: bad input
        exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})

    if isinstance(exc, exceptions.ValidationError):
        return validation_problem(flatten_errors(exc.detail), instance=instance)
    if isinstance(exc, exceptions.ParseError):
        errors = [{"field": "non_field_errors", "code": "parse_error", "message": str(exc.detail)}]
        return validation_problem(errors, instance=instance)
    if isinstance(exc, exceptions.APIException):
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), None)
        code = code or exc.default_code
        headers = {}
        if isinstance(exc, exceptions.Throttled):
            headers["Retry-After"] = str(max(1, math.ceil(exc.wait or 1)))
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            headers["WWW-Authenticate"] = getattr(exc, "auth_header", None) or "Token"
        if isinstance(exc, exceptions.MethodNotAllowed) and context.get("view") is not None:
            headers["Allow"] = ", ".join(context["view"].allowed_methods)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return problem(exc.status_code, code, detail, instance=instance, headers=headers)

    if is_database_outage(exc):
        return outage_problem(request, exc)
    if is_storage_failure(exc):
        return storage_problem(request, exc)
    if settings.DEBUG:
        return None  # let Django show its debug page to the developer
    logger.exception("Unhandled error on %s", instance, exc_info=exc)
    return server_error_problem(instance)


def domain_problem(exc: DomainError, *, instance: str):
    if isinstance(exc, Conflict):  # 409: its own code, e.g. unit_unavailable, with extras
        return problem(409, exc.code, exc.detail, instance=instance, **exc.extra)
    if isinstance(exc, Gone):  # 410: its own code, e.g. cursor_expired
        return problem(410, exc.code, exc.detail, instance=instance, **exc.extra)
    if isinstance(exc, NotAuthenticated):  # a bad signature, key or timestamp
        headers = {"WWW-Authenticate": "Token"}
        return problem(401, exc.code, exc.detail, instance=instance, headers=headers)
    if isinstance(exc, NotPermitted):
        return problem(403, "permission_denied", exc.detail, instance=instance)
    if isinstance(exc, TooLarge):
        return problem(413, "payload_too_large", exc.detail, instance=instance)
    field = exc.field or "non_field_errors"
    errors = [{"field": field, "code": exc.code, "message": exc.detail}]
    return validation_problem(errors, instance=instance, detail=exc.detail)


def _django_validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            (field if field != "__all__" else "non_field_errors"): get_error_detail(
                DjangoValidationError(errors)
            )
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": get_error_detail(exc)}


def server_error_problem(instance: str):
    return problem(500, "server_error", _("An unexpected error occurred."), instance=instance)


# --- outages: the database or the file storage does not work; the client may retry ------------

RETRY_AFTER_SECONDS = 5  # a PostgreSQL restart takes a few seconds
# SQLite's words for a database it cannot open, write or wait for (its connection stays usable).
_SQLITE_OUTAGE_MESSAGES = ("unable to open database", "database is locked", "disk i/o error")


def is_database_outage(exc: BaseException) -> bool:
    """A lost, refused or unusable database connection, as opposed to a bad query (a bug)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    if connection.vendor == "sqlite":
        return any(message in str(exc).lower() for message in _SQLITE_OUTAGE_MESSAGES)
    return connection.connection is None or not connection.is_usable()


class OutageLog:
    """Log an outage once per burst: its first failure, then a summary at most every minute."""

    interval_seconds = 60

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._logged_at, self._unlogged = None, 0

    def failed(self, what: str, exc: BaseException, path: str) -> None:
        now = time.monotonic()
        with self._lock:
            if self._logged_at is not None and now - self._logged_at < self.interval_seconds:
                self._unlogged += 1
                return
            unlogged, self._logged_at, self._unlogged = self._unlogged, now, 0
        logger.error(
            "%s unavailable (%s: %s) on %s; %d more failure(s) since the last report, "
            "the next within %d s are not logged",
            what,
            type(exc).__name__,
            str(exc).strip().splitlines()[0] if str(exc).strip() else "",
            path,
            unlogged,
            self.interval_seconds,
        )


outage_log = OutageLog()


class OutageLogFilter(logging.Filter):
    """On `django.request`: drop the per-request lines of an outage `outage_log` reported."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return not getattr(request, "softpark_outage", False)


# Set here, not in settings.LOGGING (configured before this module can be imported): every
# outage answer comes from this module, so the filter is in place before its first log line.
logging.getLogger("django.request").addFilter(OutageLogFilter())


def _mark_outage(request) -> None:
    django_request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if django_request is not None:
        django_request.softpark_outage = True


def outage_problem(request, exc: BaseException, **extra):
    """503 `service_unavailable` with Retry-After: the database does not answer."""
    path = request.path if request is not None else ""
    outage_log.failed("Database", exc, path)
    _mark_outage(request)
    return problem(
        503,
        "service_unavailable",
        _("The database does not answer; retry in a few seconds."),
        instance=path,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        **extra,
    )


# The errno values of a media folder we cannot write: read-only, full, missing or not a folder.
_STORAGE_ERRNOS = {
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.ENOSPC,
    errno.EDQUOT,
    errno.ENOTDIR,
    errno.ENOENT,
    errno.EEXIST,
    errno.EIO,
}


def _storage_roots() -> list[Path]:
    return [Path(settings.MEDIA_ROOT).resolve(), Path(settings.PRIVATE_MEDIA_ROOT).resolve()]


def is_storage_failure(exc: BaseException) -> bool:
    """An OSError on a path under MEDIA_ROOT or PRIVATE_MEDIA_ROOT: the file storage is broken."""
    if not isinstance(exc, OSError) or exc.errno not in _STORAGE_ERRNOS or not exc.filename:
        return False
    path = Path(str(exc.filename)).resolve()
    return any(path == root or root in path.parents for root in _storage_roots())


def storage_problem(request, exc: OSError):
    """503 `storage_unavailable` with Retry-After: the media folder cannot be written."""
    path = request.path if request is not None else ""
    outage_log.failed("File storage", exc, path)
    _mark_outage(request)
    return problem(
        503,
        "storage_unavailable",
        _("The file storage cannot be written; the operator has been told. Retry later."),
        instance=path,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
