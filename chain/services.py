"""Every write to the chain app: one function per use case, one transaction each.

Webhook delivery lives in chain/webhooks.py and the import of partners' directories in
chain/importer.py; both write only through the functions there.
"""

import base64
import hashlib
import hmac
import secrets
import string

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from chain import crypto
from chain.exceptions import InvalidSecret, KeyNotFound
from chain.models import (
    Chain,
    Membership,
    Partner,
    PartnerCompanyNote,
    PartnerKey,
    WebhookSecret,
)
from chain.net import check_url
from core.errors import InUse
from core.models import save_changed

PARTNER_FIELDS = frozenset(
    {"name", "slug", "base_url", "province", "is_active", "webhook_url", "api_key"}
)
MEMBERSHIP_FIELDS = frozenset({"chain", "park", "role", "joined_on", "left_on", "agreement_number"})
ACTIVE_SECRETS = 2  # Standard Webhooks rotation: the old and the new secret, side by side
SECRET_BYTES = 24
KEY_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
KEY_USED_RESOLUTION_SECONDS = 60  # last_used_at is written at most once a minute per key


# --- chains and memberships -----------------------------------------------------------------


def chain_create(*, name: str, coordinator: str = "", actor: User | None) -> Chain:
    with transaction.atomic():
        chain = Chain(name=name, coordinator=coordinator)
        chain.full_clean()
        chain._history_user = actor
        chain.save()
    return chain


def membership_create(*, actor: User | None, **fields) -> Membership:
    unknown = set(fields) - MEMBERSHIP_FIELDS
    if unknown:
        raise ValueError(f"membership_create cannot set {sorted(unknown)}")
    with transaction.atomic():
        membership = Membership(**fields)
        membership.full_clean()
        membership._history_user = actor
        membership.save()
    return membership


def membership_update(*, membership: Membership, actor: User | None, **changes) -> Membership:
    unknown = set(changes) - MEMBERSHIP_FIELDS
    if unknown:
        raise ValueError(f"membership_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        changed = [name for name, value in changes.items() if getattr(membership, name) != value]
        for name in changed:
            setattr(membership, name, changes[name])
        if changed:
            membership.full_clean()
            save_changed(membership, fields=changed, actor=actor)
    return membership


def membership_delete(*, membership: Membership, actor: User | None) -> None:
    with transaction.atomic():
        membership._history_user = actor
        membership.delete()


# --- partners -------------------------------------------------------------------------------


def _check_partner_urls(fields: dict) -> None:
    if fields.get("base_url"):
        check_url(fields["base_url"], field="base_url")
    if fields.get("webhook_url"):
        check_url(fields["webhook_url"], field="webhook_url")


def partner_create(*, name: str, slug: str, base_url: str, actor: User | None, **fields) -> Partner:
    """Record a partner park; its URLs must pass the SSRF guard."""
    unknown = set(fields) - PARTNER_FIELDS
    if unknown:
        raise ValueError(f"partner_create cannot set {sorted(unknown)}")
    api_key = fields.pop("api_key", "")
    _check_partner_urls({"base_url": base_url, **fields})
    with transaction.atomic():
        partner = Partner(name=name, slug=slug, base_url=base_url, **fields)
        partner.api_key_encrypted = crypto.encrypt(api_key or "")
        partner.full_clean()
        partner._history_user = actor
        partner.save()
    return partner


def partner_update(*, partner: Partner, actor: User | None, **changes) -> Partner:
    """Change a partner. A new webhook URL re-enables pings disabled by a 410."""
    unknown = set(changes) - PARTNER_FIELDS
    if unknown:
        raise ValueError(f"partner_update cannot change {sorted(unknown)}")
    _check_partner_urls(changes)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        changed = []
        if "api_key" in changes:
            partner.api_key_encrypted = crypto.encrypt(changes.pop("api_key") or "")
            changed.append("api_key_encrypted")
        for name, value in changes.items():
            if getattr(partner, name) != value:
                setattr(partner, name, value)
                changed.append(name)
        if "webhook_url" in changed:
            partner.webhook_disabled_at = None
            changed.append("webhook_disabled_at")
        if changed:
            partner.full_clean()
            save_changed(partner, fields=changed, actor=actor)
    return partner


def partner_delete(*, partner: Partner, actor: User | None) -> None:
    with transaction.atomic():
        partner._history_user = actor
        try:
            with transaction.atomic():
                partner.delete()
        except ProtectedError:
            raise InUse(_("%(partner)s is still referred to.") % {"partner": partner}) from None


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
    *, partner: Partner, remote_id, text: str, actor: User | None
) -> PartnerCompanyNote:
    with transaction.atomic():
        note = PartnerCompanyNote(partner=partner, remote_id=remote_id, text=text, author=actor)
        note.full_clean()
        note._history_user = actor
        note.save()
    return note


def note_delete(*, note: PartnerCompanyNote, actor: User | None) -> None:
    with transaction.atomic():
        note._history_user = actor
        note.delete()
