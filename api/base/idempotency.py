"""`Idempotency-Key` on authenticated POSTs: once per user and key for 24 hours."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from rest_framework import exceptions

from api.base.errors import IdempotencyConflict, IdempotencyKeyReused
from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
_REPLAYED_HEADERS = ("ETag", "Location")


class Replay(Exception):  # control flow: the stored outcome, not an error
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def _fingerprint(request) -> str:
    """A hash of what the request asks for: method, path, query and parsed body."""

    def plain(value):
        if isinstance(value, UploadedFile):
            digest = hashlib.sha256()
            for chunk in value.chunks():
                digest.update(chunk)
            value.seek(0)
            return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
        if hasattr(value, "lists"):  # QueryDict / MultiValueDict
            return {key: [plain(v) for v in values] for key, values in value.lists()}
        return value

    data = request.data
    files = getattr(request, "FILES", None) or {}
    payload = {
        "method": request.method,
        "path": request.path,
        "query": sorted(request.query_params.lists()),
        "data": plain(data) if hasattr(data, "lists") else data,
        "files": plain(files) if files else None,
    }
    canonical = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def begin(request) -> IdempotencyRecord | None:
    """Claim the key for this request, or raise Replay / 409 / 422 when it was seen."""
    if request.method != "POST" or not request.user.is_authenticated:
        return None  # anonymous POSTs ignore the header (api.md)
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 255:
        raise exceptions.ValidationError(
            {HEADER: ["An Idempotency-Key has 1 to 255 characters."]}, code="invalid"
        )
    fingerprint = _fingerprint(request)
    horizon = timezone.now() - settings.IDEMPOTENCY_TTL
    IdempotencyRecord.objects.filter(user=request.user, key=key, created_at__lt=horizon).delete()
    try:
        with transaction.atomic():
            # Committed before the request runs (autocommit), so a parallel repeat sees it.
            return IdempotencyRecord.objects.create(
                user=request.user, key=key, request_hash=fingerprint
            )
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if record is None:  # expired and purged between our two statements: treat as new
        return begin(request)
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different request in the last 24 hours."
        )
    if record.status_code is None:
        raise IdempotencyConflict("The first request with this Idempotency-Key is still running.")
    raise Replay(record)


def finish(record: IdempotencyRecord, response) -> None:
    """Store the outcome; a 5xx frees the key instead, since nothing was written."""
    if response.status_code >= 500:
        record.delete()
        return
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    record.status_code = response.status_code
    record.content_type = response.get("Content-Type", "")
    record.headers = {name: response[name] for name in _REPLAYED_HEADERS if name in response}
    record.body = bytes(response.content)
    record.save(update_fields=["status_code", "content_type", "headers", "body"])


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired() -> int:
    horizon = timezone.now() - settings.IDEMPOTENCY_TTL
    stale_in_flight = timezone.now() - timedelta(hours=1)
    expired = IdempotencyRecord.objects.filter(created_at__lt=horizon).delete()[0]
    # A record left in flight by a crashed worker would block its key for a day.
    stuck = IdempotencyRecord.objects.filter(
        status_code__isnull=True, created_at__lt=stale_in_flight
    ).delete()[0]
    return expired + stuck
