"""`Idempotency-Key` on authenticated POSTs: once per user and key for 24 hours.

A key is held by its running request with a lock that dies with it: a PostgreSQL session
advisory lock on the request's connection (released when the worker's connection drops), or on
SQLite (one machine) an flock on a file (released when the worker's process dies). A record
without an outcome whose lock is free was left by a crashed worker: a retry takes it over and
runs, instead of answering 409 until the record is purged.
"""

import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions

from api.base.errors import IdempotencyConflict, IdempotencyKeyReused
from api.base.problems import problem
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


# --- the lock that ties a key to its running request ------------------------------------------


class KeyLock:
    """Held while a request with the key runs; released by `release()` or by its death."""

    def __init__(self, *, user_id, key: str, using=None):
        self.connection = using or connection
        name = f"{self.connection.settings_dict['NAME']}\0{user_id}\0{key}"
        self.digest = hashlib.sha256(name.encode()).digest()
        self._file = None
        self._held = False

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another live request holds it."""
        if self.connection.vendor == "postgresql":
            lock_id = int.from_bytes(self.digest[:8], "big", signed=True)
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id])
                self._held = cursor.fetchone()[0]
            return self._held
        # SQLite serves one machine: a file lock, which the kernel drops with its process.
        directory = Path(settings.IDEMPOTENCY_LOCK_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self.digest.hex()[:32]}.lock"
        while True:
            handle = open(path, "a+b")  # noqa: SIM115 (held open while the request runs)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            # The purge may have unlinked the file between our open and flock: lock the new one.
            if path.exists() and os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                break
            handle.close()
        self._file, self._held = handle, True
        return True

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        if self._file is not None:
            self._file.close()  # closing the file drops the flock
            self._file = None
            return
        lock_id = int.from_bytes(self.digest[:8], "big", signed=True)
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])
        except DatabaseError:
            pass  # the connection is gone, and its locks with it


@dataclass
class Claim:
    record: IdempotencyRecord
    lock: KeyLock


def begin(request) -> Claim | None:
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
    seen = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if seen is not None and seen.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different request in the last 24 hours."
        )
    lock = KeyLock(user_id=request.user.pk, key=key)
    if not lock.acquire():  # its first request is alive and running
        raise IdempotencyConflict("The first request with this Idempotency-Key is still running.")
    try:
        return Claim(record=_claim(request, key, fingerprint), lock=lock)
    except BaseException:
        lock.release()
        raise


def _claim(request, key: str, fingerprint: str) -> IdempotencyRecord:
    """Under the key's lock: a new record, a replay, or the takeover of a dead request's."""
    record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if record is None:
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    user=request.user, key=key, request_hash=fingerprint
                )
        except IntegrityError:  # an older record's key, purged and made again meanwhile
            record = IdempotencyRecord.objects.get(user=request.user, key=key)
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different request in the last 24 hours."
        )
    if record.status_code is not None:
        raise Replay(record)
    # No outcome and nobody holds the lock: the worker that claimed it died. This one runs.
    return record


def finish(claim: Claim, response, *, secret_fields: tuple[str, ...] = ()) -> None:
    """Store the outcome; a 5xx frees the key instead, since nothing was written.

    A success that carries a secret (`secret_fields` of the view: a partner key, a webhook
    secret) is stored without it and never replayed: the secret is shown once.
    """
    record = claim.record
    try:
        if response.status_code >= 500:
            record.delete()
            return
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        record.status_code = response.status_code
        record.content_type = response.get("Content-Type", "")
        record.headers = {name: response[name] for name in _REPLAYED_HEADERS if name in response}
        record.body = bytes(response.content)
        record.secret_withheld = False
        if secret_fields and response.status_code < 300:
            outcome = json.loads(response.content)
            for field in secret_fields:
                outcome.pop(field, None)
            record.body = json.dumps(outcome, ensure_ascii=False).encode()
            record.secret_withheld = True
        record.save(
            update_fields=["status_code", "content_type", "headers", "body", "secret_withheld"]
        )
    except DatabaseError:
        pass  # the database went away: the record stays without an outcome, a retry runs
    finally:
        claim.lock.release()


def replay(record: IdempotencyRecord, *, instance: str) -> HttpResponse:
    if record.secret_withheld:
        return problem(
            409,
            "secret_shown_once",
            _(
                "The first request with this Idempotency-Key succeeded, but its answer held a "
                "secret, which is shown only once. Revoke what it made if the secret was lost, "
                "then make a new one."
            ),
            instance=instance,
            headers={"Idempotent-Replayed": "true"},
            first_status=record.status_code,
            first_response=json.loads(bytes(record.body)),
        )
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired() -> int:
    """Forget records older than 24 hours (an unfinished one of a dead worker is taken over by
    its retry, so none is purged early), and the SQLite lock files nobody holds."""
    horizon = timezone.now() - settings.IDEMPOTENCY_TTL
    removed = IdempotencyRecord.objects.filter(created_at__lt=horizon).delete()[0]
    directory = Path(settings.IDEMPOTENCY_LOCK_DIR)
    if connection.vendor != "postgresql" and directory.is_dir():
        for path in directory.glob("*.lock"):
            with open(path, "a+b") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a request holds it
                if os.path.exists(path):
                    os.unlink(path)
    return removed
