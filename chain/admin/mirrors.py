"""Keys, deliveries and mirrored companies (read-only lists), and notes on mirrors."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chain import services
from chain.models import (
    NOTE_WRITABLE,
    PartnerCompany,
    PartnerCompanyNote,
    PartnerKey,
    WebhookAttempt,
    WebhookDelivery,
)
from core.admin import ReadOnlyAdmin, ServiceAdmin, service_action


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
