"""The one place where errors become HTTP: RFC 9457 problem+json for every 4xx and 5xx."""

import logging
import math

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
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
