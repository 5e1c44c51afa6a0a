"""Leases in the admin: a lease is added through lease_create (a refusal links the leases in
the way), its terms change through lease_update, and the list actions terminate, renew or
cancel through their services. Leases are never deleted."""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdmin, ServiceForm, csv_export_action, service_action
from core.errors import DomainError
from core.formatting import format_vnd
from park import services
from park.admin._shared import today
from park.admin.dashboard import ENDING_WITHIN_DAYS
from park.exceptions import UnitUnavailable
from park.models import LEASE_CREATE_FIELDS, LEASE_TERMS, Lease, LeaseStatus
from park.occupancy import leases_ending_within
from park.selectors import leases_in_status


def lease_label(lease: Lease) -> str:
    label = gettext("%(company)s, %(start)s to %(end)s, %(desks)d desk(s)") % {
        "company": lease.company,
        "start": lease.start_date.isoformat(),
        "end": lease.end_date.isoformat() if lease.end_date else gettext("open end"),
        "desks": lease.desks,
    }
    if lease.contract_number:
        label += gettext(", contract %(number)s") % {"number": lease.contract_number}
    return label


class LeaseAddForm(ServiceForm):
    desks = forms.IntegerField(
        label=_("desks"),
        required=False,
        min_value=1,
        help_text=_("A coworking pool: how many desks (default 1). Other units: leave empty."),
    )
    monthly_rent_vnd = forms.IntegerField(
        label=_("monthly rent (VND)"),
        required=False,
        min_value=0,
        help_text=_("Empty: the unit's rate (per desk for a pool)."),
    )

    class Meta:
        model = Lease
        fields = LEASE_CREATE_FIELDS


class LeaseStatusFilter(admin.SimpleListFilter):
    title = _("status today")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return LeaseStatus.choices

    def queryset(self, request, queryset):
        if self.value() not in LeaseStatus.values:
            return queryset
        return leases_in_status(queryset, self.value(), on=today())


class EndingSoonFilter(admin.SimpleListFilter):
    title = _("ending")
    parameter_name = "ending_within"

    def lookups(self, request, model_admin):
        return [
            ("30", _("within 30 days")),
            (str(ENDING_WITHIN_DAYS), _("within 90 days")),
            ("365", _("within a year")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in {"30", str(ENDING_WITHIN_DAYS), "365"}:
            return queryset
        ending = leases_ending_within(days=int(self.value()), on=today())
        return queryset.filter(pk__in=ending.values("pk"))


def _terminate_today(lease, *, actor):
    return services.lease_terminate(lease=lease, end_date=today(), actor=actor)


def _add_one_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February: the next year's 28th
        return day.replace(year=day.year + 1, day=28)


def _renew_one_year(lease, *, actor):
    if lease.end_date is None:
        return services.lease_renew(lease=lease, end_date=None, actor=actor)  # refused: says why
    return services.lease_renew(lease=lease, end_date=_add_one_year(lease.end_date), actor=actor)


def _cancel(lease, *, actor):
    return services.lease_cancel(lease=lease, actor=actor)


def _with_unit_and_company(leases):
    return leases.select_related("unit", "company")  # lease_label's, without a query a row


def _lease_action(**options):
    """A list action calling a lease service on each selected lease, named by lease_label."""
    return service_action(label=lease_label, prepare=_with_unit_and_company, **options)


class LeaseEndDateForm(forms.Form):
    """The day a dated action (terminate on, renew to) moves a lease's end to."""

    end_date = forms.DateField(
        label=_("new end date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


# The dated verbs: (service call, page title, done message). The services hold every rule
# (not before the start, not after the current end, room for the extension).
DATED_VERBS = {
    "terminate": (
        lambda lease, day, actor: services.lease_terminate(lease=lease, end_date=day, actor=actor),
        _("Terminate on a date"),
        _("%(count)d lease(s) terminated."),
    ),
    "renew": (
        lambda lease, day, actor: services.lease_renew(lease=lease, end_date=day, actor=actor),
        _("Renew to a date"),
        _("%(count)d lease(s) renewed."),
    ),
}


def _dated_action(verb: str, *, name: str, description):
    """A list action that first asks for a date (an intermediate page, like Django's delete
    confirmation), then runs the verb's service on each selected lease."""
    call, title, done_message = DATED_VERBS[verb]

    def run(modeladmin, request, queryset):
        form = LeaseEndDateForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            day = form.cleaned_data["end_date"]
            action = _lease_action(
                name=name,
                description=description,
                done_message=done_message,
                call=lambda lease, *, actor: call(lease, day, actor),
            )
            action(modeladmin, request, queryset)
            return None  # back to the list, with the messages
        leases = _with_unit_and_company(queryset).order_by("pk")
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": modeladmin.model._meta,
            "form": form,
            "leases": [(lease, lease_label(lease)) for lease in leases],
            "action_name": name,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/park/lease_dated_action.html", context)

    run.__name__ = name
    run.short_description = description
    return run


@admin.register(Lease)
class LeaseAdmin(ServiceAdmin):
    list_display = [
        "unit",
        "company",
        "desks",
        "start_date",
        "end_date",
        "status_today",
        "monthly_rent",
        "contract_number",
    ]
    list_filter = [
        LeaseStatusFilter,
        EndingSoonFilter,
        "unit__park",
        "unit__kind",
    ]
    list_select_related = ["unit", "company"]
    search_fields = ["unit__code", "company__search_text", "contract_number"]
    autocomplete_fields = ["unit", "company"]
    date_hierarchy = "start_date"
    ordering = ["-start_date", "pk"]
    actions = [
        _lease_action(
            name="lease_terminated",
            description=_("Terminate today"),
            done_message=_("%(count)d lease(s) terminated."),
            call=_terminate_today,
        ),
        _lease_action(
            name="lease_renewed",
            description=_("Renew by one year"),
            done_message=_("%(count)d lease(s) renewed."),
            call=_renew_one_year,
        ),
        _dated_action(
            "terminate", name="lease_terminated_on", description=_("Terminate on a date…")
        ),
        _dated_action("renew", name="lease_renewed_to", description=_("Renew to a date…")),
        _lease_action(
            name="lease_cancelled",
            description=_("Cancel (before the start)"),
            done_message=_("%(count)d lease(s) cancelled."),
            call=_cancel,
        ),
        csv_export_action(
            fields=[
                (_("Unit"), "unit__code"),
                (_("Company"), "company__legal_name"),
                "company__tax_code",
                "start_date",
                "end_date",
                "desks",
                "monthly_rent_vnd",
                "deposit_vnd",
                "contract_number",
                (_("Status today"), lambda lease: LeaseStatus(lease.status_on(today())).label),
            ],
            filename="leases.csv",
            prepare=_with_unit_and_company,
        ),
    ]
    shown_on_change = [
        "unit",
        "company",
        "desks",
        "start_date",
        "end_date",
        "status_today",
        "cancelled_at",
        "version",
    ]

    @admin.display(description=_("monthly rent"), ordering="monthly_rent_vnd")
    def monthly_rent(self, lease):
        return format_vnd(lease.monthly_rent_vnd)

    @admin.display(description=_("status today"))
    def status_today(self, lease):
        return LeaseStatus(lease.status_on(today())).label

    def get_fields(self, request, obj=None):
        if obj is None:
            return LeaseAddForm.Meta.fields
        return [*self.shown_on_change, *LEASE_TERMS]

    def get_readonly_fields(self, request, obj=None):
        return self.shown_on_change if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = LeaseAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # leases are cancelled or terminated, never deleted

    def get_urls(self):
        def verb_url(verb):
            return path(
                f"<uuid:object_id>/{verb}/",
                self.admin_site.admin_view(self.verb_view),
                {"verb": verb},
                name=f"park_lease_{verb}",
            )

        return [*(verb_url(verb) for verb in (*DATED_VERBS, "cancel")), *super().get_urls()]

    def verb_view(self, request, object_id, verb):
        """One lease's terminate / renew page (a date) or cancel page (a confirmation); a
        refusal of the service is a form error on the page."""
        lease = get_object_or_404(Lease.objects.select_related("unit", "company"), pk=object_id)
        if not self.has_change_permission(request, lease):
            raise PermissionDenied
        change_url = reverse("admin:park_lease_change", args=[lease.pk])
        dated = verb in DATED_VERBS
        data = request.POST if request.method == "POST" else None
        form = LeaseEndDateForm(data) if dated else forms.Form(data)
        if request.method == "POST" and form.is_valid():
            try:
                if dated:
                    DATED_VERBS[verb][0](lease, form.cleaned_data["end_date"], request.user)
                else:
                    services.lease_cancel(lease=lease, actor=request.user)
            except DomainError as error:
                field = "end_date" if dated and error.field == "end_date" else None
                form.add_error(field, self.error_message(error))
            else:
                done = DATED_VERBS[verb][2] if dated else _("%(count)d lease(s) cancelled.")
                self.message_user(request, done % {"count": 1}, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        titles = {verb: DATED_VERBS[verb][1] for verb in DATED_VERBS}
        context = {
            **self.admin_site.each_context(request),
            "title": titles.get(verb, _("Cancel (before the start)")),
            "opts": self.model._meta,
            "original": lease,
            "lease_label": lease_label(lease),
            "form": form,
            "verb": verb,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/park/lease_verb.html", context)

    def create_record(self, data, *, actor):
        fields = {name: data[name] for name in LEASE_CREATE_FIELDS if name in data}
        return services.lease_create(**fields, actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.lease_update(lease=record, data=changes, actor=actor)

    def error_message(self, error):
        if not isinstance(error, UnitUnavailable):
            return error.detail
        links = format_html_join(
            "; ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:park_lease_change", args=[lease.pk]), lease_label(lease))
                for lease in Lease.objects.filter(pk__in=[lease.pk for lease in error.leases])
                .select_related("company")
                .order_by("start_date", "pk")
            ),
        )
        return format_html("{} {} {}", error.detail, gettext("Conflicting leases:"), links)
