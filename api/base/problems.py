"""The problem types of design/api.md: one registry for responses, pages and the schema."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

PROBLEM_CONTENT_TYPE = "application/problem+json"

# code -> (status, title, description for /problems/<slug>)
PROBLEM_TYPES: dict[str, tuple[int, str, str]] = {
    "validation_error": (
        400,
        _("Invalid request"),
        _(
            "The request was malformed or broke a rule. `errors` lists each field (dotted "
            "paths such as team.0.email, non_field_errors for the body) with the rule's code."
        ),
    ),
    "not_authenticated": (
        401,
        _("Authentication required"),
        _("Send Authorization: Token <token> (or a partner key on the directory endpoints)."),
    ),
    "authentication_failed": (
        401,
        _("Authentication failed"),
        _("The credentials are wrong, expired or revoked, or a webhook signature is bad."),
    ),
    "permission_denied": (
        403,
        _("Permission denied"),
        _("You may see this record, but your role may not do this to it."),
    ),
    "not_found": (404, _("Not found"), _("No such record or URL, or it is not visible to you.")),
    "method_not_allowed": (
        405,
        _("Method not allowed"),
        _(
            "This resource does not accept that method (leases and applications are never "
            "deleted: cancel, terminate or withdraw them)."
        ),
    ),
    "not_acceptable": (
        406,
        _("Not acceptable"),
        _("The server cannot answer in any of the media types of the Accept header."),
    ),
    "unsupported_media_type": (
        415,
        _("Unsupported media type"),
        _("Send JSON, or multipart/form-data for uploads."),
    ),
    "unit_unavailable": (
        409,
        _("Unit not available"),
        _(
            "The unit is leased for some of those dates, or the pool lacks free desks; "
            "`conflicts` lists the leases in the way. For a meeting room booked by the hour, "
            "`conflicts` lists the bookings in the way (`reason: bookable` when leasing one)."
        ),
    ),
    "unit_inactive": (409, _("Unit inactive"), _("The unit is under maintenance.")),
    "invalid_transition": (
        409,
        _("State change not allowed"),
        _("The record cannot move to that state now; `allowed` lists the states it can reach."),
    ),
    "program_closed": (
        409,
        _("Program closed"),
        _("Applications are accepted only between the program's opening and closing times."),
    ),
    "cohort_full": (409, _("Cohort full"), _("Every seat of the program's cohort is taken.")),
    "duplicate_application": (
        409,
        _("Duplicate application"),
        _("You have already applied to this program."),
    ),
    "duplicate_review": (
        409,
        _("Duplicate review"),
        _("You have already reviewed this application; edit your review with PATCH."),
    ),
    "company_exists": (
        409,
        _("Company exists"),
        _(
            "A company already has the application's tax code; `company` names it. Onboard "
            "again with its id in `company` to confirm that the startup joins it."
        ),
    ),
    "company_has_members": (
        409,
        _("Company has representatives"),
        _(
            "The company with the application's tax code already has representatives; "
            "onboarding never adds the applicant to it. A manager or its representatives "
            "add members."
        ),
    ),
    "in_use": (
        409,
        _("Record in use"),
        _("Other records refer to this one; deactivate it instead of deleting it."),
    ),
    "duplicate": (
        409,
        _("Duplicate"),
        _(
            "Only one such record may exist and there is one already (a company's invoice for "
            "a month): edit it, or void it first."
        ),
    ),
    "no_invoice_series": (
        409,
        _("No invoice series"),
        _(
            "The park has no active invoice series for the issue date's year: create one "
            "(a new symbol each year), then issue again."
        ),
    ),
    "no_billing_settings": (
        409,
        _("No billing settings"),
        _(
            "The park's seller details (legal name, tax code, address) are missing: enter its "
            "billing settings, then issue again."
        ),
    ),
    "idempotency_conflict": (
        409,
        _("Request in progress"),
        _("A request with this Idempotency-Key is still being processed; retry later."),
    ),
    "secret_shown_once": (
        409,
        _("Secret shown once"),
        _(
            "The first request with this Idempotency-Key succeeded and its answer held a secret "
            "(a partner key or a webhook secret), which is shown only once and never kept for "
            "replay; `first_response` names what it made. Revoke it if the secret was lost, then "
            "make a new one."
        ),
    ),
    "cursor_expired": (
        410,
        _("Cursor expired"),
        _("The cursor is older than the retained history: start again from the snapshot."),
    ),
    "length_required": (
        411,
        _("Length required"),
        _("Send the body with a Content-Length header: chunked request bodies are not read."),
    ),
    "precondition_failed": (
        412,
        _("Precondition failed"),
        _("If-Match does not match the current ETag: someone changed the record; reload it."),
    ),
    "payload_too_large": (
        413,
        _("Payload too large"),
        _("JSON bodies are limited to 1 MB, logos to 2 MB and pitch decks to 10 MB."),
    ),
    "idempotency_key_reused": (
        422,
        _("Idempotency key reused"),
        _("This Idempotency-Key was used for a different request in the last 24 hours."),
    ),
    "throttled": (
        429,
        _("Too many requests"),
        _("Slow down: the Retry-After header says how many seconds to wait."),
    ),
    "server_error": (
        500,
        _("Server error"),
        _("Something went wrong on our side. It has been logged."),
    ),
    "service_unavailable": (
        503,
        _("Service unavailable"),
        _("A service the park depends on (the database) does not answer."),
    ),
    "storage_unavailable": (
        503,
        _("Storage unavailable"),
        _(
            "The file storage (the media folders) cannot be written; retry later. The "
            "operator has been told."
        ),
    ),
}


def slug_of(code: str) -> str:
    return code.replace("_", "-")


def code_of(slug: str) -> str | None:
    code = slug.replace("-", "_")
    return code if code in PROBLEM_TYPES else None


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra,
) -> HttpResponse:
    """An RFC 9457 problem+json response with the members of design/api.md, plus extras."""
    body = {
        "type": f"/problems/{slug_of(code)}",
        "title": str(title or PROBLEM_TYPES.get(code, (status, code, ""))[1]),
        "status": status,
        "detail": str(detail),
        "code": code,
        "instance": instance,
        **extra,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
