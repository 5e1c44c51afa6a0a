"""The managers' admin for tenants. Every save goes through tenants/services.py."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.errors import DomainError
from tenants import services
from tenants.logos import process_logo
from tenants.models import Company, CompanyMember, CompanyStatus, Contact, TenantReport
from tenants.selectors import companies_matching


def _form_error(error: DomainError) -> forms.ValidationError:
    return forms.ValidationError(error.detail, code=error.code)


class CompanyForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    upload_logo = forms.FileField(
        label=_("new logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 2 MB and 4096 x 4096 pixels."),
    )

    class Meta:
        model = Company
        fields = [*sorted(services.PROFILE_FIELDS), "directory_visible"]

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
    fields = ["name", "role", "email", "phone", "is_primary"]
    extra = 0


class MemberInline(admin.TabularInline):
    model = CompanyMember
    fields = ["user", "role", "created_at"]
    readonly_fields = ["role", "created_at"]
    autocomplete_fields = ["user"]
    extra = 0


class ReportInline(admin.TabularInline):
    """Reports are filed by representatives (or through the API) and never changed here."""

    model = TenantReport
    fields = [
        "year",
        "period",
        "revenue_vnd",
        "export_revenue_usd",
        "headcount",
        "it_headcount",
        "rnd_spend_vnd",
        "submitted_at",
        "submitted_by",
    ]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


def _status_action(to: str):
    def change_status(modeladmin, request, queryset):
        changed = 0
        for company in queryset.order_by("pk"):
            try:
                services.company_set_status(company=company, to=to, actor=request.user)
                changed += 1
            except DomainError as error:
                modeladmin.message_user(request, f"{company}: {error.detail}", messages.WARNING)
        if changed:
            modeladmin.message_user(request, _("%(count)d companies changed.") % {"count": changed})

    change_status.__name__ = f"set_status_{to}"
    change_status.short_description = _("Set status to %(status)s") % {
        "status": CompanyStatus(to).label
    }
    return change_status


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
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
    readonly_fields = ["id", "status", "incubated", "logo_preview", "version", "updated_at"]
    fieldsets = [
        (None, {"fields": ["id", "legal_name", "short_name", "tax_code", "sector", "status"]}),
        (
            _("Public profile"),
            {
                "fields": [
                    "website",
                    "email",
                    "phone",
                    "address",
                    "founded_on",
                    "headcount",
                    "description",
                    "logo_preview",
                    "upload_logo",
                    "directory_visible",
                ]
            },
        ),
        (_("Record"), {"fields": ["incubated", "version", "updated_at"]}),
    ]
    inlines = [ContactInline, MemberInline, ReportInline]
    actions = [_status_action(status) for status in CompanyStatus.values]

    @admin.display(description=_("logo"))
    def logo_preview(self, company):
        if not company.logo_thumbnail:
            return "-"
        return format_html(
            '<img src="{}" alt="" style="max-height:48px;max-width:96px">',
            company.logo_thumbnail.url,
        )

    def get_search_results(self, request, queryset, search_term):
        return companies_matching(queryset, search_term), False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {field: data[field] for field in services.PROFILE_FIELDS if field in data}
            company = services.company_update(company=obj, actor=request.user, **changes)
        else:
            fields = {field: data[field] for field in services.PROFILE_FIELDS if field in data}
            company = services.company_create(actor=request.user, **fields)
        if data.get("directory_visible") != company.directory_visible:
            company = services.company_set_directory_visibility(
                company=company, visible=bool(data.get("directory_visible")), actor=request.user
            )
        if data.get("upload_logo"):
            company = services.company_set_logo(
                company=company, file=data["upload_logo"], actor=request.user
            )
        # The admin keeps using `obj` (inlines, the redirect): give it the saved state.
        obj.__dict__.update(company.__dict__)

    def save_formset(self, request, form, formset, change):
        company = form.instance
        # The admin's change message reads these, as BaseModelFormSet.save() would set them.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is Contact:
            for contact_form in formset.forms:
                contact = contact_form.instance
                new = contact._state.adding  # the UUID pk is set before the first save
                if new and not contact_form.has_changed():
                    continue
                values = {
                    field: contact_form.cleaned_data.get(field) for field in ContactInline.fields
                }
                if formset.can_delete and formset._should_delete_form(contact_form):
                    if not new:
                        services.contact_delete(contact=contact, actor=request.user)
                        formset.deleted_objects.append(contact)
                elif new:
                    formset.new_objects.append(
                        services.contact_create(company=company, actor=request.user, **values)
                    )
                elif contact_form.has_changed():
                    contact = services.contact_update(contact=contact, actor=request.user, **values)
                    formset.changed_objects.append((contact, contact_form.changed_data))
        elif formset.model is CompanyMember:
            for member_form in formset.forms:
                member = member_form.instance
                if formset.can_delete and formset._should_delete_form(member_form):
                    if not member._state.adding:
                        services.member_remove(member=member, actor=request.user)
                        formset.deleted_objects.append(member)
                elif member._state.adding and member_form.has_changed():
                    user = member_form.cleaned_data["user"]
                    formset.new_objects.append(
                        services.member_add(company=company, user=user, actor=request.user)
                    )
        # Reports are read-only here: nothing to save.

    def delete_model(self, request, obj):
        services.company_delete(company=obj, actor=request.user)


@admin.register(TenantReport)
class TenantReportAdmin(SimpleHistoryAdmin):
    """Every company's reports, for the park's report to the authorities (read-only)."""

    list_display = ["company", "year", "period", "revenue_vnd", "headcount", "it_headcount"]
    list_filter = ["year", "period", "company__sector"]
    list_select_related = ["company"]
    search_fields = ["company__search_text"]
    readonly_fields = [field.name for field in TenantReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        companies = companies_matching(Company.objects.all(), search_term)
        return queryset.filter(company__in=companies), False
