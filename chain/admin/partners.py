"""Partners: the page that queues syncs and shows keys, secrets and deliveries."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_value
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import is_manager
from chain import services
from chain.models import (
    PARTNER_WRITABLE,
    Partner,
    WebhookDelivery,
    WebhookSecret,
)
from chain.selectors import keys_of
from chain.tasks import sync_partner
from core.admin import ServiceAdmin, ServiceForm


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


def queue_sync(modeladmin, request, partner: Partner) -> None:
    """Queue a pull of the partner's directory, as the API's POST /partners/{id}/sync/ does:
    the page returns at once; the worker's outcome shows on the partner's page (last synced
    at, last error)."""
    if not partner.is_active:  # partners_sync skips inactive partners
        modeladmin.message_user(
            request,
            gettext("%(partner)s is inactive: activate it to sync it.") % {"partner": partner},
            messages.WARNING,
        )
        return
    slug = partner.slug
    transaction.on_commit(lambda: sync_partner.enqueue(slug))
    modeladmin.message_user(
        request,
        gettext(
            "Sync of %(partner)s queued: its result shows on the partner's page once it has run."
        )
        % {"partner": partner},
    )


@admin.action(description=_("Sync now"))
def sync_now(modeladmin, request, queryset):
    for partner in queryset.order_by("slug"):
        queue_sync(modeladmin, request, partner)


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


RECENT_DELIVERIES = 10


def _table(headers, rows, empty):
    """A small read-only table for the partner page (values are escaped)."""
    if not rows:
        return empty
    return format_html(
        '<table class="partner-records"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
        format_html_join("", "<th>{}</th>", ((header,) for header in headers)),
        format_html_join(
            "",
            "<tr>{}</tr>",
            ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows),
        ),
    )


def _when(moment) -> str:
    return display_for_value(moment, "-") if moment else "-"


@admin.register(Partner)
class PartnerAdmin(ServiceAdmin):
    form = PartnerForm
    list_display = ["name", "slug", "is_active", "sync_status", "last_synced_at", "last_error"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    readonly_fields = [
        "sync_status",
        "queued_sync",
        "last_synced_at",
        "last_error",
        "webhook_disabled_at",
        "told_seq",
        "keys",
        "webhook_secrets",
        "recent_deliveries",
    ]
    fields = [*PARTNER_WRITABLE, "api_key", *readonly_fields]
    actions = [sync_now, create_key]

    def get_fieldsets(self, request, obj=None):
        partner = [*PARTNER_WRITABLE, "api_key"]
        if obj is None:
            return [(None, {"fields": partner})]
        return [
            (None, {"fields": partner}),
            (
                _("Sync"),
                {"fields": ["sync_status", "queued_sync", "last_synced_at", "last_error"]},
            ),
            (_("Keys"), {"fields": ["keys"]}),
            (
                _("Webhooks"),
                {
                    "fields": [
                        "webhook_secrets",
                        "webhook_disabled_at",
                        "told_seq",
                        "recent_deliveries",
                    ]
                },
            ),
        ]

    @admin.display(description=_("sync status"))
    def sync_status(self, partner):
        if not partner.is_active:
            return _("inactive")
        if partner.last_error:
            return _("failing")
        if partner.last_synced_at is None:
            return _("never synced")
        return _("ok")

    @admin.display(description=_("queued sync"))
    def queued_sync(self, partner):
        """A sync of this partner waiting for (or running on) the task worker, if any."""
        pending = DBTaskResult.objects.filter(
            task_path=sync_partner.module_path,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        ).order_by("enqueued_at")
        for queued in pending:
            if queued.args_kwargs.get("args", [None])[:1] == [partner.slug]:
                return gettext(
                    "queued at %(at)s, %(status)s (reload the page to see its result)"
                ) % {
                    "at": _when(queued.enqueued_at),
                    "status": gettext("running")
                    if queued.status == TaskResultStatus.RUNNING
                    else gettext("waiting"),
                }
        return "-"

    @admin.display(description=_("keys"))
    def keys(self, partner):
        rows = [
            (
                key.prefix,
                _when(key.created_at),
                key.created_by or "-",
                _when(key.last_used_at),
                _when(key.revoked_at),
            )
            for key in keys_of(partner).select_related("created_by")
        ]
        headers = [
            _("prefix"),
            _("created at"),
            _("created by"),
            _("last used at"),
            _("revoked at"),
        ]
        return _table(headers, rows, gettext("No key yet."))

    @admin.display(description=_("webhook secrets"))
    def webhook_secrets(self, partner):
        secrets = WebhookSecret.objects.filter(partner=partner).order_by("-created_at", "-pk")
        rows = [(_when(secret.created_at), _when(secret.retired_at)) for secret in secrets]
        return _table([_("created at"), _("retired at")], rows, gettext("No webhook secret yet."))

    @admin.display(description=_("recent deliveries"))
    def recent_deliveries(self, partner):
        deliveries = WebhookDelivery.objects.filter(partner=partner).order_by("-created_at", "-pk")
        rows = [
            (
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:chain_webhookdelivery_change", args=[delivery.pk]),
                    delivery.webhook_id,
                ),
                delivery.seq,
                delivery.get_status_display(),
                delivery.attempt_count,
                _when(delivery.created_at),
                _when(delivery.finished_at),
            )
            for delivery in deliveries[:RECENT_DELIVERIES]
        ]
        headers = [
            _("webhook id"),
            _("sequence number"),
            _("status"),
            _("attempts"),
            _("created at"),
            _("finished at"),
        ]
        return _table(headers, rows, gettext("No delivery yet."))

    def get_urls(self):
        def route(suffix, view, name):
            return path(
                f"<path:object_id>/{suffix}/",
                self.admin_site.admin_view(view),
                name=f"chain_partner_{name}",
            )

        return [
            route("sync", self.sync_view, "sync"),
            route("keys/create", self.key_create_view, "key_create"),
            route("webhook-secrets/create", self.secret_create_view, "secret_create"),
            *super().get_urls(),
        ]

    def _posted_partner(self, request, object_id) -> Partner:
        if not is_manager(request.user):
            raise PermissionDenied
        partner = self.get_object(request, object_id)
        if partner is None:
            raise Http404
        return partner

    def _back(self, partner) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:chain_partner_change", args=[partner.pk]))

    def sync_view(self, request, object_id):
        partner = self._posted_partner(request, object_id)
        if request.method == "POST":
            queue_sync(self, request, partner)
        return self._back(partner)

    def key_create_view(self, request, object_id):
        partner = self._posted_partner(request, object_id)
        if request.method == "POST":
            _record, key = services.partner_key_create(partner=partner, actor=request.user)
            self.message_user(
                request,
                gettext("New key for %(partner)s (shown once, copy it now): %(key)s")
                % {"partner": partner, "key": key},
                messages.WARNING,
            )
        return self._back(partner)

    def secret_create_view(self, request, object_id):
        partner = self._posted_partner(request, object_id)
        if request.method == "POST":
            _record, secret = services.webhook_secret_add(partner=partner, actor=request.user)
            self.message_user(
                request,
                gettext(
                    "New webhook secret for %(partner)s (shown once, copy it now; a third "
                    "active secret retires the oldest): %(secret)s"
                )
                % {"partner": partner, "secret": secret},
                messages.WARNING,
            )
        return self._back(partner)

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
