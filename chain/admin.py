"""The managers' admin for the chain. Every save goes through chain/services.py."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from chain import services
from chain.importer import partners_sync
from chain.models import (
    Chain,
    Membership,
    Partner,
    PartnerCompany,
    PartnerCompanyNote,
    PartnerKey,
    WebhookAttempt,
    WebhookDelivery,
)
from chain.net import check_url
from core.errors import DomainError


@admin.register(Chain)
class ChainAdmin(SimpleHistoryAdmin):
    list_display = ["name", "coordinator"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["chain", "park", "role", "joined_on", "left_on", "agreement_number"]
    list_filter = ["chain", "role"]


class PartnerForm(forms.ModelForm):
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
        fields = ["name", "slug", "base_url", "province", "is_active", "webhook_url"]

    def clean(self):
        cleaned = super().clean()
        for field in ("base_url", "webhook_url"):
            if cleaned.get(field):
                try:
                    check_url(cleaned[field], field=field)
                except DomainError as error:
                    self.add_error(field, error.detail)
        return cleaned


@admin.action(description=_("Sync now"))
def sync_now(modeladmin, request, queryset):
    for partner in queryset.order_by("slug"):
        [result] = partners_sync(slug=partner.slug)
        level = messages.SUCCESS if result.ok else messages.ERROR
        modeladmin.message_user(request, result.summary(), level)


@admin.action(description=_("Create a key (shown once)"))
def create_key(modeladmin, request, queryset):
    for partner in queryset.order_by("slug"):
        _record, key = services.partner_key_create(partner=partner, actor=request.user)
        modeladmin.message_user(
            request,
            _("New key for %(partner)s (shown once, copy it now): %(key)s")
            % {"partner": partner, "key": key},
            messages.WARNING,
        )


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    form = PartnerForm
    list_display = ["name", "slug", "is_active", "sync_status", "last_synced_at", "last_error"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    readonly_fields = ["last_synced_at", "last_error", "webhook_disabled_at", "told_seq"]
    fields = [*PartnerForm.Meta.fields, "api_key", *readonly_fields]
    actions = [sync_now, create_key]

    @admin.display(description=_("sync status"))
    def sync_status(self, partner):
        if partner.last_error:
            return _("failing")
        if partner.last_synced_at is None:
            return _("never synced")
        return _("ok")

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in PartnerForm.Meta.fields}
        if form.cleaned_data.get("api_key"):
            fields["api_key"] = form.cleaned_data["api_key"]
        if change:
            saved = services.partner_update(partner=obj, actor=request.user, **fields)
        else:
            saved = services.partner_create(actor=request.user, **fields)
        obj.pk, obj.version = saved.pk, saved.version

    def delete_model(self, request, obj):
        services.partner_delete(partner=obj, actor=request.user)


@admin.register(PartnerKey)
class PartnerKeyAdmin(admin.ModelAdmin):
    """Keys are made with the partner's "Create a key" action (or `manage.py partner_key`),
    which shows the key once; here they are listed and revoked."""

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
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke"))
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at=None).order_by("pk"):
            services.partner_key_revoke(prefix=key.prefix, actor=request.user)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["attempted_at", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartnerCompany)
class PartnerCompanyAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartnerCompanyNote)
class PartnerCompanyNoteAdmin(SimpleHistoryAdmin):
    list_display = ["partner", "remote_id", "author", "created_at"]
    list_filter = ["partner"]
