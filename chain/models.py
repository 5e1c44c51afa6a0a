"""The chain of partner parks: memberships, partners, their keys, webhooks and mirrors.

The feed rows that partners read are tenants' own (`tenants.directory`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.search import normalise
from core.models import BaseModel, HistoricalRecords

# What a manager may write, declared once: the API's serializers, the admin's forms and the
# services (through core.services) all follow these. A partner's `api_key` is not a column
# (it is stored encrypted), so the services take it by name.
CHAIN_WRITABLE = ("name", "coordinator")
MEMBERSHIP_WRITABLE = ("chain", "park", "role", "joined_on", "left_on", "agreement_number")
PARTNER_WRITABLE = ("name", "slug", "base_url", "province", "is_active", "webhook_url")
# A note belongs to its partner and remote id for good; only its text is edited.
NOTE_WRITABLE = ("text",)


class Chain(BaseModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    coordinator = models.CharField(_("coordinator park"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chain")
        verbose_name_plural = _("chains")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Coordinator")


class Membership(BaseModel):
    """The home park's membership of a chain."""

    chain = models.ForeignKey(
        Chain, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("chain")
    )
    park = models.ForeignKey(
        "park.Park", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("park")
    )
    role = models.CharField(
        _("role"), max_length=12, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    agreement_number = models.CharField(_("agreement number"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["chain__name", "joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "park"],
                name="membership_unique_per_chain",
                violation_error_code="unique",
                violation_error_message=_("The park is already a member of this chain."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values),
                name="membership_role_valid",
                violation_error_code="invalid_choice",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
                violation_error_code="invalid",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]
        indexes = [
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["joined_on", "id"], name="membership_joined_on_id"),
        ]

    def __str__(self) -> str:
        return f"{self.park} in {self.chain}"


class Partner(BaseModel):
    """Another park in the chain: we pull its directory and it pulls ours."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    base_url = models.URLField(_("base URL"), help_text=_("The partner's site root."))
    province = models.CharField(_("province"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    # The key we use to call them, Fernet-encrypted (chain/crypto.py); never shown again.
    api_key_encrypted = models.TextField(_("API key (encrypted)"), blank=True, editable=False)
    # Sync state below is written by the importer and notifier with update() (no history:
    # it changes on every page).
    last_synced_at = models.DateTimeField(_("last synced at"), null=True, blank=True)
    cursor = models.TextField(_("feed cursor"), blank=True, editable=False)
    generation = models.PositiveIntegerField(_("snapshot generation"), default=0, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    told_seq = models.BigIntegerField(_("last sequence pinged"), default=0, editable=False)
    webhook_disabled_at = models.DateTimeField(_("webhook disabled at"), null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=[
            "api_key_encrypted",
            "last_synced_at",
            "cursor",
            "generation",
            "last_error",
            "told_seq",
        ]
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name", "id"]
        indexes = [
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["name", "id"], name="partner_name_id"),
            models.Index(fields=["last_synced_at", "id"], name="partner_last_synced_at_id"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerKey(models.Model):
    """A key a partner uses to call us: shown once, stored as a SHA-256 hash, revocable."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="keys", verbose_name=_("partner")
    )
    prefix = models.CharField(_("prefix"), max_length=8, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("partner key")
        verbose_name_plural = _("partner keys")
        ordering = ["partner", "-created_at", "prefix"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.partner})"


class WebhookSecret(models.Model):
    """A Standard Webhooks secret shared with a partner: it signs both directions."""

    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="webhook_secrets",
        verbose_name=_("partner"),
    )
    secret_encrypted = models.TextField(_("secret (encrypted)"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["secret_encrypted"])

    class Meta:
        verbose_name = _("webhook secret")
        verbose_name_plural = _("webhook secrets")
        ordering = ["partner", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.partner} #{self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    SUPERSEDED = "superseded", _("Superseded by a newer ping")
    FAILED = "failed", _("Given up")
    DISABLED = "disabled", _("Endpoint disabled (410)")


class WebhookDelivery(models.Model):
    """One "directory changed" ping to one partner, retried until delivered or given up."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("partner")
    )
    webhook_id = models.CharField(_("webhook id"), max_length=64, unique=True)
    seq = models.BigIntegerField(_("sequence number"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Due when pending and this has passed; a claim pushes it forward (a lease, so a crashed
    # worker's row comes back).
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="webhook_delivery_status_valid",
                violation_error_code="invalid_choice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.webhook_id} -> {self.partner} ({self.status})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempts",
        verbose_name=_("delivery"),
    )
    attempted_at = models.DateTimeField(_("attempted at"))
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"


class InboundWebhook(models.Model):
    """A `webhook-id` a partner sent us, kept 7 days so a replay is ignored."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    webhook_id = models.CharField(_("webhook id"), max_length=255)
    received_at = models.DateTimeField(_("received at"), db_index=True)

    class Meta:
        verbose_name = _("inbound webhook")
        verbose_name_plural = _("inbound webhooks")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "webhook_id"], name="inbound_webhook_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.webhook_id


def mirror_logo_path(mirror: "PartnerCompany", filename: str) -> str:
    # `filename` is random (tenants.logos), so a replaced logo never hides behind a cache.
    return f"mirrors/{mirror.partner.slug}/{mirror.remote_id}/{filename}"


class PartnerCompany(models.Model):
    """The mirror of one company of a partner's directory (read-only: the partner writes it)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="companies", verbose_name=_("partner")
    )
    remote_id = models.UUIDField(_("remote id"))
    version = models.PositiveIntegerField(_("version"))
    fields = models.JSONField(_("record"), default=dict)
    # Copied out of `fields` for the chain-wide search and list.
    legal_name = models.CharField(_("legal name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    sector = models.CharField(_("sector"), max_length=20, blank=True)
    website = models.CharField(_("website"), max_length=300, blank=True)
    logo_url = models.CharField(_("logo URL"), max_length=500, blank=True)
    # Our checked, re-encoded copy of `logo_url` (the importer fetches it): managers'
    # browsers load our copy, never the partner's server.
    logo = models.FileField(_("logo"), upload_to=mirror_logo_path, blank=True, max_length=200)
    logo_thumbnail = models.FileField(
        _("logo thumbnail"), upload_to=mirror_logo_path, blank=True, max_length=200
    )
    # Why the last fetch of `logo_url` failed (the previous copy, if any, is kept); empty
    # when the copy matches `logo_url`.
    logo_error = models.CharField(_("logo error"), max_length=500, blank=True)
    remote_updated_at = models.DateTimeField(_("updated at (partner)"), null=True, blank=True)
    search_text = models.CharField(max_length=512, editable=False, db_index=True, default="")
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    generation = models.PositiveIntegerField(_("snapshot generation"), default=0)
    synced_at = models.DateTimeField(_("synced at"), auto_now=True)

    class Meta:
        verbose_name = _("partner company")
        verbose_name_plural = _("partner companies")
        ordering = ["legal_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "remote_id"], name="partner_company_unique"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.legal_name

    def save(self, *args, **kwargs):
        parts = [self.legal_name, self.short_name, self.tax_code, self.tax_code.replace("-", "")]
        self.search_text = normalise(" ".join(part for part in parts if part))[:512]
        super().save(*args, **kwargs)


class PartnerCompanyNote(BaseModel):
    """Our note about a partner's company, keyed by its remote id so it survives resyncs."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="notes", verbose_name=_("partner")
    )
    remote_id = models.UUIDField(_("remote id"), db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,  # notes written by commands have no author
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner company note")
        verbose_name_plural = _("partner company notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
