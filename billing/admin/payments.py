"""Payments in the admin: recorded through payment_create (which allocates them, oldest open
invoice first unless invoices are named), the note changed through payment_update, deleted
through payment_delete; allocations are shown, never edited."""

from django import forms
from django.contrib import admin
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from billing.admin._shared import date_input
from billing.models import (
    PAYMENT_CREATE_FIELDS,
    PAYMENT_WRITABLE,
    Allocation,
    Invoice,
    InvoiceStatus,
    Payment,
)
from billing.services import payments as services
from core.admin import ServiceAdmin, ServiceForm, csv_export_action
from core.formatting import format_vnd


class InvoiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, invoice):
        return f"{invoice.number_display} · {invoice.company} · {format_vnd(invoice.balance_vnd)}"


class PaymentAddForm(ServiceForm):
    invoices = InvoiceChoiceField(
        label=_("invoices paid"),
        queryset=Invoice.objects.filter(status=InvoiceStatus.ISSUED, total_vnd__gt=0)
        .select_related("company", "series")
        .order_by("due_date", "number"),
        required=False,
        help_text=_(
            "Empty: the oldest open invoices of the company first. What is left stays as its "
            "credit for the next invoices."
        ),
    )

    class Meta:
        model = Payment
        fields = PAYMENT_CREATE_FIELDS
        widgets = {"received_on": date_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only invoices with something left to pay are offered.
        queryset = self.fields["invoices"].queryset
        self.fields["invoices"].queryset = queryset.exclude(paid_vnd__gte=F("total_vnd"))


class AllocationInline(admin.TabularInline):
    model = Allocation
    fields = ["invoice_link", "amount", "created_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    @admin.display(description=_("invoice"))
    def invoice_link(self, allocation):
        url = reverse("admin:billing_invoice_change", args=[allocation.invoice_id])
        return format_html('<a href="{}">{}</a>', url, allocation.invoice)

    @admin.display(description=_("amount (VND)"))
    def amount(self, allocation):
        return format_vnd(allocation.amount_vnd)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice__series")


SHOWN = ["park", "company", "amount", "received_on", "method", "reference", "unallocated"]


@admin.register(Payment)
class PaymentAdmin(ServiceAdmin):
    list_display = [
        "received_on",
        "company",
        "amount",
        "method",
        "reference",
        "unallocated",
    ]
    list_filter = ["method", "park", "received_on"]
    list_select_related = ["company"]
    search_fields = ["company__search_text", "reference"]
    autocomplete_fields = ["company"]
    date_hierarchy = "received_on"
    actions = [
        csv_export_action(
            fields=[
                "received_on",
                (_("Company"), "company__legal_name"),
                "company__tax_code",
                "amount_vnd",
                "method",
                "reference",
                "unallocated_vnd",
                "note",
            ],
            filename="payments.csv",
            prepare=lambda payments: payments.select_related("company"),
        )
    ]

    @admin.display(description=_("amount (VND)"), ordering="amount_vnd")
    def amount(self, payment):
        return format_vnd(payment.amount_vnd)

    @admin.display(description=_("unallocated (VND)"))
    def unallocated(self, payment):
        return format_vnd(payment.unallocated_vnd)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PaymentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*PAYMENT_CREATE_FIELDS, "invoices"]
        return [*SHOWN, *PAYMENT_WRITABLE]

    def get_readonly_fields(self, request, obj=None):
        return SHOWN if obj else []

    def get_inlines(self, request, obj):
        return [] if obj is None else [AllocationInline]

    def create_record(self, data, *, actor):
        fields = {name: data[name] for name in PAYMENT_CREATE_FIELDS if name in data}
        fields["reference"] = fields.get("reference") or None
        chosen = list(data.get("invoices") or [])
        return services.payment_create(**fields, invoices=chosen or None, actor=actor)

    def update_record(self, record, changes, *, actor):
        return services.payment_update(payment=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        services.payment_delete(payment=record, actor=actor)
