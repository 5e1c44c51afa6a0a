"""Every write to the chain app: one function per use case, one transaction each.

Webhook delivery lives in chain/webhooks.py and the import of partners' directories in
chain/importer.py; both write only through the functions there.
"""

import base64
import copy
import hashlib
import hmac
import secrets
import string
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from chain import crypto
from chain.exceptions import InvalidSecret, KeyNotFound, UnsafeUrl
from chain.models import (
    CHAIN_WRITABLE,
    MEMBERSHIP_WRITABLE,
    NOTE_WRITABLE,
    PARTNER_WRITABLE,
    Chain,
    Membership,
    Partner,
    PartnerCompanyNote,
    PartnerKey,
    WebhookSecret,
)
from chain.net import check_url
from core.errors import InUse
from core.services import model_update, writable_data

ACTIVE_SECRETS = 2  # Standard Webhooks rotation: the old and the new secret, side by side
SECRET_BYTES = 24
KEY_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
KEY_USED_RESOLUTION_SECONDS = 60  # last_used_at is written at most once a minute per key


def _create(record: models.Model, *, actor: User | None) -> None:
    record.full_clean()
    record._history_user = actor
    record.save()


def _delete(record: models.Model, *, actor: User | None) -> None:
    """Delete `record`, or refuse with in_use while a protected row still points at it."""
    record._history_user = actor
    try:
        with transaction.atomic():
            record.delete()
    except ProtectedError:
        # The msgid names a partner, its first use; a chain says the same (it is translated).
        raise InUse(_("%(partner)s is still referred to.") % {"partner": record}) from None


# --- chains and memberships -----------------------------------------------------------------


def chain_create(*, data: Mapping[str, Any], actor: User | None) -> Chain:
    with transaction.atomic():
        chain = Chain(**writable_data(CHAIN_WRITABLE, data))
        _create(chain, actor=actor)
    return chain


def chain_update(*, chain: Chain, data: Mapping[str, Any], actor: User | None) -> Chain:
    with transaction.atomic():
        chain = Chain.objects.select_for_update().get(pk=chain.pk)
        model_update(instance=chain, fields=CHAIN_WRITABLE, data=data, actor=actor)
    return chain


def chain_delete(*, chain: Chain, actor: User | None) -> None:
    """Delete a chain no park is a member of (memberships protect it: in_use)."""
    with transaction.atomic():
        _delete(chain, actor=actor)


def membership_create(*, data: Mapping[str, Any], actor: User | None) -> Membership:
    with transaction.atomic():
        membership = Membership(**writable_data(MEMBERSHIP_WRITABLE, data))
        _create(membership, actor=actor)
    return membership


def membership_update(
    *, membership: Membership, data: Mapping[str, Any], actor: User | None
) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        # model_update leaves constraints to the database; these are rules a manager can
        # break (a second membership of the chain, leaving before joining), named here.
        candidate = copy.copy(membership)
        for name, value in writable_data(MEMBERSHIP_WRITABLE, data).items():
            setattr(candidate, name, value)
        candidate.validate_constraints()
        model_update(instance=membership, fields=MEMBERSHIP_WRITABLE, data=data, actor=actor)
    return membership


def membership_delete(*, membership: Membership, actor: User | None) -> None:
    with transaction.atomic():
        membership._history_user = actor
        membership.delete()


# --- partners -------------------------------------------------------------------------------


def _check_partner_urls(data: Mapping[str, Any]) -> None:
    """The SSRF guard, at save: we will call these URLs from the server. Every unsafe URL
    is named (a ValidationError per field, each with the unsafe_url code), not the first."""
    refusals = {}
    for field in ("base_url", "webhook_url"):
        if data.get(field):
            try:
                check_url(data[field], field=field)
            except UnsafeUrl as refusal:
                refusals[field] = ValidationError(refusal.detail, code=refusal.code)
    if refusals:
        raise ValidationError(refusals)


def partner_create(*, data: Mapping[str, Any], api_key: str = "", actor: User | None) -> Partner:
    """Record a partner park; its URLs must pass the SSRF guard, and `api_key` (the key we
    call them with) is stored encrypted only."""
    data = writable_data(PARTNER_WRITABLE, data)
    _check_partner_urls(data)
    with transaction.atomic():
        partner = Partner(**data)
        partner.api_key_encrypted = crypto.encrypt(api_key or "")
        _create(partner, actor=actor)
    return partner


def partner_update(
    *,
    partner: Partner,
    data: Mapping[str, Any],
    api_key: str | None = None,
    actor: User | None,
) -> Partner:
    """Change a partner (URLs through the SSRF guard); `api_key` None keeps the stored key.
    A new webhook URL re-enables pings disabled by a 410."""
    changes = writable_data(PARTNER_WRITABLE, data)
    _check_partner_urls(changes)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if api_key is not None:
            changes["api_key_encrypted"] = crypto.encrypt(api_key)
        if changes.get("webhook_url", partner.webhook_url) != partner.webhook_url:
            changes["webhook_disabled_at"] = None
        # One save: the declared fields and what follows from them.
        model_update(
            instance=partner,
            fields=(*PARTNER_WRITABLE, "api_key_encrypted", "webhook_disabled_at"),
            data=changes,
            actor=actor,
        )
    return partner


def partner_delete(*, partner: Partner, actor: User | None) -> None:
    with transaction.atomic():
        _delete(partner, actor=actor)


def partner_api_key(partner: Partner) -> str:
    """The key we use to call this partner, decrypted."""
    return crypto.decrypt(partner.api_key_encrypted)


# --- keys partners use to call us -----------------------------------------------------------


def _hash_key(key: str) -> str:
    # The key carries 256 random bits: a plain SHA-256 is enough (no password stretching).
    return hashlib.sha256(key.encode()).hexdigest()


def partner_key_create(*, partner: Partner, actor: User | None) -> tuple[PartnerKey, str]:
    """A new key for `partner`; the plain key is returned here once and never stored."""
    with transaction.atomic():
        while True:
            prefix = "".join(secrets.choice(KEY_PREFIX_ALPHABET) for _ in range(8))
            if not PartnerKey.objects.filter(prefix=prefix).exists():
                break
        key = f"{prefix}{secrets.token_urlsafe(32)}"
        record = PartnerKey(
            partner=partner, prefix=prefix, key_hash=_hash_key(key), created_by=actor
        )
        record._history_user = actor
        record.save()
    return record, key


def partner_key_revoke(*, prefix: str, partner: Partner | None = None, actor: User | None) -> None:
    with transaction.atomic():
        keys = PartnerKey.objects.select_for_update().filter(prefix=prefix, revoked_at=None)
        if partner is not None:
            keys = keys.filter(partner=partner)
        record = keys.first()
        if record is None:
            raise KeyNotFound(
                _("No active key with prefix %(prefix)s.") % {"prefix": prefix}, field="prefix"
            )
        record.revoked_at = timezone.now()
        record._history_user = actor
        record.save(update_fields=["revoked_at"])


def partner_for_key(key: str) -> Partner | None:
    """The active partner whose unrevoked key this is, else None (compared in constant time).

    Notes the use in `last_used_at`, at most once a minute per key.
    """
    record = (
        PartnerKey.objects.select_related("partner")
        .filter(prefix=key[:8], revoked_at=None, partner__is_active=True)
        .first()
    )
    if record is None or not hmac.compare_digest(record.key_hash, _hash_key(key)):
        return None
    now = timezone.now()
    if (
        record.last_used_at is None
        or (now - record.last_used_at).total_seconds() > KEY_USED_RESOLUTION_SECONDS
    ):
        # update(): an operational timestamp, not a change worth a history row.
        PartnerKey.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.partner


# --- webhook secrets ------------------------------------------------------------------------


def _decode_secret(secret: str) -> bytes:
    if not secret.startswith("whsec_"):
        raise InvalidSecret(_("A webhook secret starts with whsec_."), field="secret")
    try:
        raw = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError:
        raise InvalidSecret(_("A webhook secret is whsec_ and base64."), field="secret") from None
    if len(raw) < SECRET_BYTES:
        raise InvalidSecret(
            _("A webhook secret holds at least %(count)d random bytes.") % {"count": SECRET_BYTES},
            field="secret",
        )
    return raw


def secret_bytes(secret: WebhookSecret) -> bytes:
    """The HMAC key: the decoded bytes after `whsec_`."""
    return base64.b64decode(crypto.decrypt(secret.secret_encrypted).removeprefix("whsec_"))


def webhook_secret_add(
    *, partner: Partner, secret: str | None = None, actor: User | None
) -> tuple[WebhookSecret, str]:
    """Add a secret (the partner's, or a new one); a third active one retires the oldest."""
    if secret is None:
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()
    _decode_secret(secret)
    with transaction.atomic():
        Partner.objects.select_for_update().get(pk=partner.pk)  # rotations of one partner queue
        record = WebhookSecret(partner=partner, secret_encrypted=crypto.encrypt(secret))
        record._history_user = actor
        record.save()
        active = list(
            WebhookSecret.objects.filter(partner=partner, retired_at=None).order_by(
                "-created_at", "-pk"
            )
        )
        for old in active[ACTIVE_SECRETS:]:
            old.retired_at = timezone.now()
            old._history_user = actor
            old.save(update_fields=["retired_at"])
    return record, secret


def webhook_secret_retire(*, secret: WebhookSecret, actor: User | None) -> None:
    with transaction.atomic():
        secret = WebhookSecret.objects.select_for_update().get(pk=secret.pk)
        if secret.retired_at is None:
            secret.retired_at = timezone.now()
            secret._history_user = actor
            secret.save(update_fields=["retired_at"])


# --- notes ----------------------------------------------------------------------------------


def note_create(
    *, partner: Partner, remote_id: UUID | str, data: Mapping[str, Any], actor: User | None
) -> PartnerCompanyNote:
    """A note about the partner's company `remote_id`, written by `actor`."""
    with transaction.atomic():
        note = PartnerCompanyNote(
            partner=partner, remote_id=remote_id, author=actor, **writable_data(NOTE_WRITABLE, data)
        )
        _create(note, actor=actor)
    return note


def note_update(
    *, note: PartnerCompanyNote, data: Mapping[str, Any], actor: User | None
) -> PartnerCompanyNote:
    with transaction.atomic():
        note = PartnerCompanyNote.objects.select_for_update().get(pk=note.pk)
        model_update(instance=note, fields=NOTE_WRITABLE, data=data, actor=actor)
    return note


def note_delete(*, note: PartnerCompanyNote, actor: User | None) -> None:
    with transaction.atomic():
        note._history_user = actor
        note.delete()
