"""The managers' admin for the chain. Every save goes through chain/services.py.

Chains, memberships, partners and notes are `core.admin.ServiceAdmin`s: their forms save
through the services (the SSRF guard and the encrypted API key included) and a refusal is a
form error. Keys are listed and revoked; deliveries and mirrored companies are read-only
(the notifier and the import write them).
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from chain import services
from chain.importer import partners_sync
from chain.models import (
    CHAIN_WRITABLE,
    MEMBERSHIP_WRITABLE,
    NOTE_WRITABLE,
    PARTNER_WRITABLE,
    Chain,
    Membership,
    Partner,
    PartnerCompany,
    PartnerCompanyNote,
    PartnerKey,
    WebhookAttempt,
    WebhookDelivery,
)
from core.admin import ReadOnlyAdmin, ServiceAdmin, ServiceForm, service_action

# --- chains and memberships -----------------------------------------------------------------


@admin.register(Chain)
class ChainAdmin(ServiceAdmin):
    list_display = ["name", "coordinator"]
    search_fields = ["name"]
    fields = CHAIN_WRITABLE

    def create_record(self, data, *, actor):
        return services.chain_create(data=data, actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.chain_update(chain=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.chain_delete(chain=record, actor=actor)


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    list_display = ["chain", "park", "role", "joined_on", "left_on", "agreement_number"]
    list_filter = ["chain", "role"]
    fields = MEMBERSHIP_WRITABLE

    def create_record(self, data, *, actor):
        return services.membership_create(data=data, actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.membership_update(membership=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.membership_delete(membership=record, actor=actor)


# --- partners -------------------------------------------------------------------------------


class PartnerForm(ServiceForm):
    base_url = forms.URLField(label=_("base URL"), assume_scheme="https")
    webhook_url = forms.URLField(label=_("webhook URL"), required=False, assume_scheme="https")
    api_key = forms.CharField(
        label=_("API key"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("The key we use to call them. Leave empty to keep the stored one."),
    )

    class Meta:
        model = Partner
        fields = PARTNER_WRITABLE


@admin.action(description=_("Sync now"))
def sync_now(modeladmin, request, queryset):
    # Not a service_action: each partner's outcome (pages, rows, or the failure) is reported.
    for partner in queryset.order_by("slug"):
        [result] = partners_sync(slug=partner.slug)
        level = messages.SUCCESS if result.ok else messages.ERROR
        modeladmin.message_user(request, result.summary(), level)


@admin.action(description=_("Create a key (shown once)"))
def create_key(modeladmin, request, queryset):
    # Not a service_action: each new key is shown to the manager, once, and never again.
    for partner in queryset.order_by("slug"):
        _record, key = services.partner_key_create(partner=partner, actor=request.user)
        modeladmin.message_user(
            request,
            _("New key for %(partner)s (shown once, copy it now): %(key)s")
            % {"partner": partner, "key": key},
            messages.WARNING,
        )


@admin.register(Partner)
class PartnerAdmin(ServiceAdmin):
    form = PartnerForm
    list_display = ["name", "slug", "is_active", "sync_status", "last_synced_at", "last_error"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    readonly_fields = ["last_synced_at", "last_error", "webhook_disabled_at", "told_seq"]
    fields = [*PARTNER_WRITABLE, "api_key", *readonly_fields]
    actions = [sync_now, create_key]

    @admin.display(description=_("sync status"))
    def sync_status(self, partner):
        if partner.last_error:
            return _("failing")
        if partner.last_synced_at is None:
            return _("never synced")
        return _("ok")

    def create_record(self, data, *, actor):
        data = dict(data)
        api_key = data.pop("api_key", "")
        return services.partner_create(data=data, api_key=api_key, actor=actor)

    def update_record(self, record, changes, *, actor):
        changes = dict(changes)
        api_key = changes.pop("api_key", "") or None  # left empty: the stored key stays
        return services.partner_update(partner=record, data=changes, api_key=api_key, actor=actor)

    def delete_record(self, record, *, actor):
        services.partner_delete(partner=record, actor=actor)


@admin.register(PartnerKey)
class PartnerKeyAdmin(ReadOnlyAdmin):
    """Keys are made with the partner's "Create a key" action (or `manage.py partner_key`),
    which shows the key once; here they are listed and revoked (never deleted: a revoked
    key stays on record)."""

    list_display = ["prefix", "partner", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["partner"]
    readonly_fields = [
        "prefix",
        "partner",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    fields = readonly_fields
    actions = [
        service_action(
            name="revoke",
            description=_("Revoke"),
            done_message=_("%(count)d keys revoked."),
            call=lambda key, *, actor: services.partner_key_revoke(
                prefix=key.prefix, partner=key.partner, actor=actor
            ),
            prepare=lambda keys: keys.filter(revoked_at=None).select_related("partner"),
        )
    ]


# --- read-only: the notifier's deliveries and the import's mirrors --------------------------


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["attempted_at", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["webhook_id", "partner", "seq", "status", "attempt_count", "next_attempt_at"]
    list_filter = ["status", "partner"]
    readonly_fields = [
        "webhook_id",
        "partner",
        "seq",
        "status",
        "attempt_count",
        "created_at",
        "next_attempt_at",
        "finished_at",
    ]
    fields = readonly_fields
    inlines = [AttemptInline]


@admin.register(PartnerCompany)
class PartnerCompanyAdmin(ReadOnlyAdmin):
    """Mirrors are written by the import only."""

    list_display = ["legal_name", "short_name", "partner", "version", "deleted_at", "synced_at"]
    list_filter = ["partner", ("deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["search_text"]
    readonly_fields = [
        "partner",
        "remote_id",
        "version",
        "legal_name",
        "short_name",
        "tax_code",
        "sector",
        "website",
        "logo_url",
        "logo",
        "logo_thumbnail",
        "logo_error",
        "remote_updated_at",
        "deleted_at",
        "generation",
        "synced_at",
        "fields",
    ]
    fields = readonly_fields


# --- notes ----------------------------------------------------------------------------------


@admin.register(PartnerCompanyNote)
class PartnerCompanyNoteAdmin(ServiceAdmin):
    list_display = ["partner", "remote_id", "author", "created_at"]
    list_filter = ["partner"]
    fields = ["partner", "remote_id", *NOTE_WRITABLE, "author"]

    def get_readonly_fields(self, request, obj=None):
        # The author is whoever writes it; a note stays about the company it was written on.
        return ["author"] if obj is None else ["partner", "remote_id", "author"]

    def create_record(self, data, *, actor):
        data = dict(data)
        partner, remote_id = data.pop("partner"), data.pop("remote_id")
        return services.note_create(partner=partner, remote_id=remote_id, data=data, actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.note_update(note=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.note_delete(note=record, actor=actor)
