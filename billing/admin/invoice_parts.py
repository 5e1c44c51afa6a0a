"""The invoice admin's parts: its list filters (overdue, month) and its line inlines (the
lines shown with their money, and the form that adds a manual line to a draft)."""

from django import forms
from django.contrib import admin
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import is_manager
from billing.admin._shared import MonthField, month_label, today
from billing.models import INVOICE_LINE_WRITABLE, InvoiceLine, InvoiceStatus
from core.formatting import format_vnd

# --- list filters -----------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        overdue = Q(status=InvoiceStatus.ISSUED, due_date__lt=today(), total_vnd__gt=F("paid_vnd"))
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


class MonthFilter(admin.SimpleListFilter):
    """The month billed, `?month=2027-01`: the months that have invoices, newest first."""

    title = _("month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = (
            model_admin.get_queryset(request)
            .order_by("-month")
            .values_list("month", flat=True)
            .distinct()[:24]
        )
        return [(month_label(month), month_label(month)) for month in months]

    def queryset(self, request, queryset):
        month = _month_or_none(self.value())
        return queryset.filter(month=month) if month else queryset


def _month_or_none(text):
    try:
        return MonthField(required=False).clean(text)
    except forms.ValidationError:
        return None


# --- lines ------------------------------------------------------------------------------


class LineMoneyMixin:
    @admin.display(description=_("unit price (VND)"))
    def unit_price(self, line):
        return format_vnd(line.unit_price_vnd)

    @admin.display(description=_("amount (VND)"))
    def amount(self, line):
        return format_vnd(line.amount_vnd)

    @admin.display(description=_("VAT (VND)"))
    def vat(self, line):
        return format_vnd(line.vat_vnd)


class LineInline(LineMoneyMixin, admin.TabularInline):
    """The invoice's lines as they are (a line is never edited in place: a draft's line is
    removed and added again). Removing one goes through invoice_line_delete."""

    model = InvoiceLine
    fields = [
        "position",
        "kind",
        "description",
        "quantity",
        "unit_of_measure",
        "unit_price",
        "vat_rate",
        "amount",
        "vat",
    ]
    readonly_fields = fields
    extra = 0
    max_num = 0
    ordering = ["position"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return _writable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _writable(request, obj)


class NewLineForm(forms.ModelForm):
    class Meta:
        model = InvoiceLine
        fields = INVOICE_LINE_WRITABLE

    def _post_clean(self):
        pass  # the line's figures and checks are invoice_line_add's


class NewLineInline(admin.TabularInline):
    """A manual line for a draft, added through invoice_line_add."""

    model = InvoiceLine
    form = NewLineForm
    fields = INVOICE_LINE_WRITABLE
    extra = 1
    can_delete = False
    verbose_name = _("new manual line")
    verbose_name_plural = _("new manual lines")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_add_permission(self, request, obj=None):
        return obj is not None and _writable(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and _writable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


def _writable(request, invoice) -> bool:
    """Lines show as editable on a draft. A POST is always handed to the services, so that a
    write to an issued invoice is refused by them (and said), not silently dropped."""
    if not is_manager(request.user):
        return False
    return invoice is None or invoice.status == InvoiceStatus.DRAFT or request.method == "POST"
