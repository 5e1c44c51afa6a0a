"""The managers' admin for tenants. Every save goes through tenants/services.py: the company
form through core's ServiceAdmin, the contacts and members inlines through `save_formset`."""

from typing import Any

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    ReadableHistoryMixin,
    ReadOnlyMixin,
    ServiceAdmin,
    ServiceForm,
    csv_export_action,
    service_action,
)
from core.errors import DomainError
from core.formatting import format_vnd
from tenants import services
from tenants.logos import process_logo
from tenants.models import (
    COMPANY_IDENTITY_WRITABLE,
    COMPANY_PROFILE_WRITABLE,
    COMPANY_PUBLIC_PROFILE_WRITABLE,
    CONTACT_WRITABLE,
    MEMBER_WRITABLE,
    REPORT_WRITABLE,
    Company,
    CompanyMember,
    CompanyStatus,
    Contact,
    TenantReport,
)
from tenants.selectors import companies_matching


def _form_error(error: DomainError) -> forms.ValidationError:
    return forms.ValidationError(error.detail, code=error.code)


class CompanyForm(ServiceForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    upload_logo = forms.FileField(
        label=_("new logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 2 MB and 4096 x 4096 pixels."),
    )

    class Meta:
        model = Company
        fields = [*COMPANY_PROFILE_WRITABLE, "directory_visible"]

    def clean_tax_code(self):
        try:
            return services.normalise_tax_code(self.cleaned_data.get("tax_code"))
        except DomainError as error:
            raise _form_error(error) from None

    def clean_upload_logo(self):
        file = self.cleaned_data.get("upload_logo")
        if file:
            try:
                process_logo(file)  # refuse it here, on the form, with the API's reasons
            except DomainError as error:
                raise _form_error(error) from None
        return file


class ContactInline(admin.TabularInline):
    model = Contact
    fields = CONTACT_WRITABLE
    extra = 0


class MemberInline(admin.TabularInline):
    model = CompanyMember
    fields = [*MEMBER_WRITABLE, "role", "created_at"]
    readonly_fields = ["role", "created_at"]
    autocomplete_fields = ["user"]
    extra = 0


class ReportMoneyMixin:
    """A report's amounts in dong as people read them (22,950,000,000 đ), not raw integers."""

    @admin.display(description=_("revenue (VND)"), ordering="revenue_vnd")
    def revenue(self, report):
        return format_vnd(report.revenue_vnd)

    @admin.display(description=_("R&D spend (VND)"), ordering="rnd_spend_vnd")
    def rnd_spend(self, report):
        return format_vnd(report.rnd_spend_vnd)


# A report's fields as shown: the amounts in dong through ReportMoneyMixin.
REPORT_SHOWN = [
    {"revenue_vnd": "revenue", "rnd_spend_vnd": "rnd_spend"}.get(name, name)
    for name in REPORT_WRITABLE
]


class ReportInline(ReportMoneyMixin, admin.TabularInline):
    """Reports are filed by representatives (or through the API) and never changed here."""

    model = TenantReport
    fields = [*REPORT_SHOWN, "submitted_at", "submitted_by"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


def _status_action(to: str):
    return service_action(
        name=f"set_status_{to}",
        # Lazy: the action's name is read per request, in the manager's language.
        description=lazy(
            lambda: gettext("Set status to %(status)s") % {"status": CompanyStatus(to).label}, str
        )(),
        done_message=_("%(count)d companies changed."),
        call=lambda company, *, actor: services.company_set_status(
            company=company, to=to, actor=actor
        ),
    )


@admin.register(Company)
class CompanyAdmin(ServiceAdmin):
    form = CompanyForm
    list_display = [
        "logo_preview",
        "legal_name",
        "short_name",
        "tax_code",
        "sector",
        "status",
        "directory_visible",
        "incubated",
    ]
    list_display_links = ["legal_name"]
    list_filter = ["status", "sector", "directory_visible", "incubated"]
    search_fields = ["search_text"]  # see get_search_results: accents are ignored
    search_help_text = _("Names or tax code; accents are ignored (dong thap = Đồng Tháp).")
    readonly_fields = [
        "id",
        "status",
        "incubated",
        "logo_preview",
        "current_leases",
        "version",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["id", *COMPANY_IDENTITY_WRITABLE, "status"]}),
        (
            _("Public profile"),
            {
                "fields": [
                    *COMPANY_PUBLIC_PROFILE_WRITABLE,
                    "logo_preview",
                    "upload_logo",
                    "directory_visible",
                ]
            },
        ),
        (_("Leases"), {"fields": ["current_leases"]}),
        (_("Record"), {"fields": ["incubated", "version", "updated_at"]}),
    ]
    inlines = [ContactInline, MemberInline, ReportInline]
    actions = [
        csv_export_action(
            fields=[*COMPANY_PROFILE_WRITABLE, "status", "directory_visible", "incubated"],
            filename="companies.csv",
        ),
        *(_status_action(status) for status in CompanyStatus.values),
    ]

    @admin.display(description=_("logo"))
    def logo_preview(self, company):
        thumbnail = company.logo_thumbnail
        # A history's revert preview shows an old version, whose replaced logo is gone.
        if not thumbnail or not thumbnail.storage.exists(thumbnail.name):
            return "-"
        return format_html(
            '<img src="{}" alt="" style="max-height:48px;max-width:96px">',
            company.logo_thumbnail.url,
        )

    @admin.display(description=_("current and upcoming leases"))
    def current_leases(self, company):
        """The units the company holds today or will hold, each linked to its lease. Read
        through the reverse relation: tenants does not import park (park imports tenants)."""
        if company.pk is None:
            return "-"
        leases = (
            company.leases.filter(cancelled_at__isnull=True)
            .exclude(end_date__lt=timezone.localdate())
            .select_related("unit")
            .order_by("start_date", "pk")
        )
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
            '<td style="text-align:right;white-space:nowrap">{}</td></tr>',
            (
                (
                    reverse("admin:park_lease_change", args=[lease.pk]),
                    lease.unit,
                    date_format(lease.start_date),
                    date_format(lease.end_date) if lease.end_date else _("open end"),
                    lease.desks,
                    format_vnd(lease.monthly_rent_vnd),
                )
                for lease in leases
            ),
        )
        if not rows:
            return _("No current or upcoming lease.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("Unit"),
            _("From"),
            _("To"),
            _("Desks"),
            _("Monthly rent"),
            rows,
        )

    def get_search_results(self, request, queryset, search_term):
        return companies_matching(queryset, search_term), False

    # The form holds the profile with the consent (one service: one history row) and a new
    # logo (its own service, which checks and re-encodes the file).
    def create_record(self, data: dict[str, Any], *, actor) -> Company:
        profile = {name: data[name] for name in COMPANY_PROFILE_WRITABLE if name in data}
        company = services.company_create(
            data=profile, actor=actor, directory_visible=bool(data.get("directory_visible"))
        )
        return self._set_logo(company, data, actor=actor)

    def update_record(self, record: Company, changes: dict[str, Any], *, actor) -> Company:
        profile = {name: changes[name] for name in COMPANY_PROFILE_WRITABLE if name in changes}
        company = services.company_update(
            company=record,
            data=profile,
            actor=actor,
            directory_visible=changes.get("directory_visible"),
        )
        return self._set_logo(company, changes, actor=actor)

    def _set_logo(self, company: Company, data: dict[str, Any], *, actor) -> Company:
        if data.get("upload_logo"):
            company = services.company_set_logo(
                company=company, file=data["upload_logo"], actor=actor
            )
        return company

    def delete_record(self, record: Company, *, actor) -> None:
        services.company_delete(company=record, actor=actor)

    def save_formset(self, request, form, formset, change):
        """Contacts and members are saved through their services (reports are read-only
        here): a form in the inline is a create, an update or a delete."""
        company = form.instance
        # The admin's change message reads these, as BaseModelFormSet.save() would set them.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is Contact:
            self._save_contacts(formset, company, actor=request.user)
        elif formset.model is CompanyMember:
            self._save_members(formset, company, actor=request.user)

    def _save_contacts(self, formset, company: Company, *, actor) -> None:
        for contact_form in formset.forms:
            contact = contact_form.instance
            new = contact._state.adding  # the UUID pk is set before the first save
            if new and not contact_form.has_changed():
                continue
            data = {name: contact_form.cleaned_data.get(name) for name in CONTACT_WRITABLE}
            if formset.can_delete and formset._should_delete_form(contact_form):
                if not new:
                    services.contact_delete(contact=contact, actor=actor)
                    formset.deleted_objects.append(contact)
            elif new:
                formset.new_objects.append(
                    services.contact_create(company=company, data=data, actor=actor)
                )
            elif contact_form.has_changed():
                contact = services.contact_update(contact=contact, data=data, actor=actor)
                formset.changed_objects.append((contact, contact_form.changed_data))

    def _save_members(self, formset, company: Company, *, actor) -> None:
        for member_form in formset.forms:
            member = member_form.instance
            if formset.can_delete and formset._should_delete_form(member_form):
                if not member._state.adding:
                    services.member_remove(member=member, actor=actor)
                    formset.deleted_objects.append(member)
            elif member._state.adding and member_form.has_changed():
                user = member_form.cleaned_data["user"]
                formset.new_objects.append(
                    services.member_add(company=company, user=user, actor=actor)
                )


@admin.register(TenantReport)
class TenantReportAdmin(ReportMoneyMixin, ReadableHistoryMixin, ReadOnlyMixin, SimpleHistoryAdmin):
    """Every company's reports, for the park's report to the authorities. Filed through
    report_submit, never changed or deleted: view-only (a save here would bypass the service
    and write a history row for nothing)."""

    list_display = ["company", "year", "period", "revenue", "headcount", "it_headcount"]
    list_filter = ["year", "period", "company__sector"]
    list_select_related = ["company"]
    search_fields = ["company__search_text"]
    fields = ["id", "company", *REPORT_SHOWN, "submitted_at", "submitted_by", "version"]
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        companies = companies_matching(Company.objects.all(), search_term)
        return queryset.filter(company__in=companies), False
