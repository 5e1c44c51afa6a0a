"""Invoices in the admin: the list (status, overdue and month filters, money in dong), drafts
edited through billing.services.invoices (the note, manual lines added or removed), and the
list actions "Issue selected", "Void…" and the CSV export. The pages of its own (the invoice
run, the arrears, one invoice's issue and void pages, its PDF and XML) are
`billing.admin.pages.InvoicePages`, mixed in here.

An issued or void invoice is shown read-only, but a POST to its page (a stale tab, a forged
request) still goes through the services, which refuse it (InvalidTransition): the manager
reads why on the page, nothing is written, never a 500.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing.admin._shared import MonthField, month_label, today
from billing.admin.invoice_parts import LineInline, MonthFilter, NewLineInline, OverdueFilter
from billing.admin.pages import InvoicePages, VoidForm
from billing.models import (
    INVOICE_DRAFT_WRITABLE,
    INVOICE_LINE_WRITABLE,
    Invoice,
    InvoiceStatus,
)
from billing.services import invoices as services
from core.admin import ServiceAdmin, ServiceForm, csv_export_action, refusal_message
from core.errors import DomainError
from core.formatting import format_vnd

# --- the invoice page ---------------------------------------------------------------------


class InvoiceAddForm(ServiceForm):
    month = MonthField(label=_("month"), help_text=_("The month billed, as YYYY-MM."))

    class Meta:
        model = Invoice
        fields = ["park", "company", "month"]


class InvoiceForm(ServiceForm):
    class Meta:
        model = Invoice
        fields = INVOICE_DRAFT_WRITABLE


SHOWN = [
    "number_shown",
    "status",
    "kind",
    "park",
    "company_link",
    "month_shown",
    "replaces_link",
    "issue_date",
    "due_date",
    "buyer_legal_name",
    "buyer_tax_code",
    "buyer_address",
    "subtotal",
    "vat",
    "total",
    "paid",
    "balance",
    "documents",
    "void_reason",
    "voided_at",
]


def _issue_drafts(modeladmin, request, queryset):
    """Issue the selected drafts in one call (all or nothing), numbered in the order they
    were made: by month, then creation (the invoice run makes them in company order)."""
    drafts = list(queryset.filter(status=InvoiceStatus.DRAFT).order_by("month", "created_at", "pk"))
    others = queryset.exclude(status=InvoiceStatus.DRAFT).count()
    if others:
        modeladmin.message_user(
            request,
            gettext("%(count)d selected invoice(s) are not drafts: left as they are.")
            % {"count": others},
            messages.WARNING,
        )
    if not drafts:
        return
    try:
        issued = services.invoices_issue(invoices=drafts, actor=request.user)
    except DomainError as error:
        modeladmin.message_user(
            request,
            gettext("Nothing was issued: %(reason)s") % {"reason": refusal_message(error)},
            messages.ERROR,
        )
        return
    modeladmin.message_user(
        request,
        gettext("%(count)d invoice(s) issued, %(first)s to %(last)s.")
        % {
            "count": len(issued),
            "first": issued[0].number_display,
            "last": issued[-1].number_display,
        },
        messages.SUCCESS,
    )


_issue_drafts.__name__ = "issue_selected"
_issue_drafts.short_description = _("Issue selected")
_issue_drafts.allowed_permissions = ("change",)


def _void_selected(modeladmin, request, queryset):
    """Asks for a reason (an intermediate page), then voids each selected issued invoice
    through invoice_void, which makes its replacement draft."""
    form = VoidForm(request.POST if "apply" in request.POST else None)
    invoices = list(queryset.select_related("series", "company").order_by("series", "number"))
    if form.is_valid():
        done = 0
        for invoice in invoices:
            try:
                services.invoice_void(
                    invoice=invoice, reason=form.cleaned_data["reason"], actor=request.user
                )
                done += 1
            except DomainError as error:
                modeladmin.message_user(
                    request, f"{invoice}: {refusal_message(error)}", messages.WARNING
                )
        if done:
            modeladmin.message_user(
                request,
                gettext("%(count)d invoice(s) voided; their replacement drafts are in the list.")
                % {"count": done},
                messages.SUCCESS,
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Void invoices"),
        "opts": modeladmin.model._meta,
        "form": form,
        "invoices": invoices,
        "action_name": "void_selected",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/billing/invoice/void_selected.html", context)


_void_selected.__name__ = "void_selected"
_void_selected.short_description = _("Void…")
_void_selected.allowed_permissions = ("change",)


@admin.register(Invoice)
class InvoiceAdmin(InvoicePages, ServiceAdmin):
    list_display = [
        "number_shown",
        "company",
        "month_shown",
        "kind",
        "status",
        "issue_date",
        "due_date",
        "total",
        "balance",
        "is_overdue",
    ]
    list_display_links = ["number_shown", "company"]
    list_filter = ["status", OverdueFilter, MonthFilter, "kind", "park"]
    list_select_related = ["company", "series"]
    search_fields = ["company__search_text", "buyer_legal_name", "buyer_tax_code"]
    autocomplete_fields = ["company"]
    ordering = ["-month", "series", "number", "company__legal_name"]
    actions = [
        _issue_drafts,
        _void_selected,
        csv_export_action(
            fields=[
                (_("number"), lambda invoice: invoice.number_display or ""),
                (_("Company"), "company__legal_name"),
                "company__tax_code",
                (_("month"), lambda invoice: month_label(invoice.month)),
                "kind",
                "status",
                "issue_date",
                "due_date",
                "subtotal_vnd",
                "vat_vnd",
                "total_vnd",
                "paid_vnd",
                (_("balance (VND)"), lambda invoice: invoice.balance_vnd),
            ],
            filename="invoices.csv",
            prepare=lambda invoices: invoices.select_related("company", "series"),
        ),
    ]

    # -- columns and read-only fields -------------------------------------------------------

    @admin.display(description=_("number"), ordering="number")
    def number_shown(self, invoice):
        return invoice.number_display or gettext("draft")

    @admin.display(description=_("month"), ordering="month")
    def month_shown(self, invoice):
        return month_label(invoice.month)

    @admin.display(description=_("Company"))
    def company_link(self, invoice):
        url = reverse("admin:tenants_company_change", args=[invoice.company_id])
        return format_html('<a href="{}">{}</a>', url, invoice.company)

    @admin.display(description=_("refers to"))
    def replaces_link(self, invoice):
        if invoice.replaces_id is None:
            return "-"
        url = reverse("admin:billing_invoice_change", args=[invoice.replaces_id])
        return format_html('<a href="{}">{}</a>', url, invoice.replaces)

    @admin.display(description=_("subtotal (VND)"))
    def subtotal(self, invoice):
        return format_vnd(invoice.subtotal_vnd)

    @admin.display(description=_("VAT (VND)"))
    def vat(self, invoice):
        return format_vnd(invoice.vat_vnd)

    @admin.display(description=_("total (VND)"), ordering="total_vnd")
    def total(self, invoice):
        return format_vnd(invoice.total_vnd)

    @admin.display(description=_("paid (VND)"))
    def paid(self, invoice):
        return format_vnd(invoice.paid_vnd)

    @admin.display(description=_("balance (VND)"))
    def balance(self, invoice):
        return format_vnd(invoice.balance_vnd) if invoice.status == InvoiceStatus.ISSUED else "-"

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, invoice):
        return invoice.is_overdue_on(today())

    @admin.display(description=_("documents"))
    def documents(self, invoice):
        pdf = reverse("admin:billing_invoice_pdf", args=[invoice.pk])
        if invoice.status == InvoiceStatus.DRAFT:
            return format_html('<a href="{}" class="invoice-pdf">PDF</a>', pdf)
        xml = reverse("admin:billing_invoice_xml", args=[invoice.pk])
        return format_html(
            '<a href="{}" class="invoice-pdf">PDF</a> · <a href="{}" class="invoice-xml">XML</a>',
            pdf,
            xml,
        )

    # -- the page ----------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("park", "company", "series")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = InvoiceAddForm if obj is None else InvoiceForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return InvoiceAddForm.Meta.fields
        return [*SHOWN, *INVOICE_DRAFT_WRITABLE]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.status == InvoiceStatus.DRAFT or request.method == "POST":
            return SHOWN  # a POST's note goes to invoice_update, which refuses a non-draft
        return [*SHOWN, *INVOICE_DRAFT_WRITABLE]

    def get_inlines(self, request, obj):
        return [] if obj is None else [LineInline, NewLineInline]

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == InvoiceStatus.DRAFT or request.method == "POST"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        invoice = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if invoice is not None and invoice.status != InvoiceStatus.DRAFT:
            extra_context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        extra_context["invoice"] = invoice
        return super().change_view(request, object_id, form_url, extra_context)

    def create_record(self, data, *, actor):
        return services.invoice_create(
            park=data["park"], company=data["company"], month=data["month"], actor=actor
        )

    def update_record(self, record, changes, *, actor):
        return services.invoice_update(invoice=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.invoice_delete(invoice=record, actor=actor)

    def save_formset(self, request, form, formset, change):
        """New manual lines through invoice_line_add, removed lines through
        invoice_line_delete; a refusal (an issued invoice) is raised to changeform_view,
        which rolls the page back and says why."""
        invoice = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for line_form in formset.forms:
            line = line_form.instance
            if formset.can_delete and formset._should_delete_form(line_form):
                if not line._state.adding:
                    services.invoice_line_delete(line=line, actor=request.user)
                    formset.deleted_objects.append(line)
            elif line._state.adding and line_form.has_changed():
                data = {name: line_form.cleaned_data.get(name) for name in INVOICE_LINE_WRITABLE}
                formset.new_objects.append(
                    services.invoice_line_add(invoice=invoice, data=data, actor=request.user)
                )
