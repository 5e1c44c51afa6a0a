from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The outcome of an authenticated POST sent with an `Idempotency-Key`, kept for 24 h.

    `status_code` is null until the first request's outcome is stored: while its request runs
    (it holds the key's lock, api.base.idempotency.KeyLock) a repeat gets 409; once its worker
    died, a repeat takes the record over and runs.
    Not a domain record: it has no history and is purged once expired.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")
    # The answer held a secret shown once: `body` is stored without it and is never replayed.
    secret_withheld = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'in flight'})"
