"""The park's billing set-up: seller settings (one per park), invoice series and the price
list, each saved through billing.services.config."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from billing.models import (
    BILLING_SETTINGS_WRITABLE,
    CHARGE_WRITABLE,
    INVOICE_SERIES_WRITABLE,
    BillingSettings,
    Charge,
    InvoiceSeries,
)
from billing.services import config
from core.admin import ServiceAdmin
from core.formatting import format_vnd


def _fields(data: dict, names) -> dict:
    return {name: data[name] for name in names if name in data}


@admin.register(BillingSettings)
class BillingSettingsAdmin(ServiceAdmin):
    list_display = ["park", "legal_name", "tax_code", "payment_terms_days", "rent_vat_rate"]
    list_select_related = ["park"]

    def get_fields(self, request, obj=None):
        return ["park", *BILLING_SETTINGS_WRITABLE]

    def get_readonly_fields(self, request, obj=None):
        return ["park"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # a park keeps its seller details; they are edited, not removed

    def create_record(self, data, *, actor):
        fields = _fields(data, BILLING_SETTINGS_WRITABLE)
        return config.billing_settings_save(park=data["park"], data=fields, actor=actor)

    def update_record(self, record, changes, *, actor):
        return config.billing_settings_save(park=record.park, data=changes, actor=actor)


@admin.register(InvoiceSeries)
class InvoiceSeriesAdmin(ServiceAdmin):
    list_display = [
        "__str__",
        "park",
        "year",
        "next_number",
        "last_issue_date",
        "is_active",
    ]
    list_filter = ["park", "year", "is_active"]
    list_select_related = ["park"]
    readonly_fields = ["next_number", "last_issue_date"]

    def get_fields(self, request, obj=None):
        shown = ["next_number", "last_issue_date"] if obj else []
        return ["park", *INVOICE_SERIES_WRITABLE, *shown]

    def get_readonly_fields(self, request, obj=None):
        return ["park", *self.readonly_fields] if obj else self.readonly_fields

    def create_record(self, data, *, actor):
        fields = _fields(data, INVOICE_SERIES_WRITABLE)
        return config.series_create(park=data["park"], data=fields, actor=actor)

    def update_record(self, record, changes, *, actor):
        return config.series_update(series=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        config.series_delete(series=record, actor=actor)


@admin.register(Charge)
class ChargeAdmin(ServiceAdmin):
    list_display = ["code", "name", "unit_of_measure", "unit_price", "vat_rate", "is_active"]
    list_filter = ["park", "is_active", "vat_rate"]
    list_select_related = ["park"]
    search_fields = ["code", "name"]

    @admin.display(description=_("unit price (VND)"), ordering="unit_price_vnd")
    def unit_price(self, charge):
        return format_vnd(charge.unit_price_vnd)

    def get_fields(self, request, obj=None):
        return ["park", *CHARGE_WRITABLE]

    def get_readonly_fields(self, request, obj=None):
        return ["park"] if obj else []

    def create_record(self, data, *, actor):
        return config.charge_create(
            park=data["park"], data=_fields(data, CHARGE_WRITABLE), actor=actor
        )

    def update_record(self, record, changes, *, actor):
        return config.charge_update(charge=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        config.charge_delete(charge=record, actor=actor)
