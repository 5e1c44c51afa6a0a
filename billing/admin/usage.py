"""Metered usage: the list (one row per company, charge and month) and the grid of a month
for a park (companies x charges), both saving through billing.services.config's usage
services. Usage billed on an issued invoice is refused by the services (in use)."""

from decimal import Decimal, InvalidOperation

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import is_manager
from billing.admin._shared import MonthField, ParkMonthForm, month_label, today
from billing.models import USAGE_UPDATABLE, USAGE_WRITABLE, Charge, Usage
from billing.money import month_last_day
from billing.services import config
from core.admin import ServiceAdmin, ServiceForm, refusal_message
from core.errors import DomainError
from park.models import Lease
from park.selectors import lease_periods_overlapping
from tenants.models import Company


class UsageForm(ServiceForm):
    month = MonthField(label=_("month"), help_text=_("The month billed, as YYYY-MM."))

    class Meta:
        model = Usage
        fields = USAGE_WRITABLE


@admin.register(Usage)
class UsageAdmin(ServiceAdmin):
    form = UsageForm
    list_display = ["company", "charge", "month_shown", "quantity", "note"]
    list_filter = ["charge__park", "charge", "month"]
    list_select_related = ["company", "charge"]
    search_fields = ["company__search_text", "charge__name", "charge__code"]
    autocomplete_fields = ["company"]
    ordering = ["-month", "company__legal_name", "charge__code"]

    @admin.display(description=_("month"), ordering="month")
    def month_shown(self, usage):
        return month_label(usage.month)

    def get_fields(self, request, obj=None):
        return USAGE_WRITABLE

    def get_readonly_fields(self, request, obj=None):
        return [name for name in USAGE_WRITABLE if name not in USAGE_UPDATABLE] if obj else []

    def create_record(self, data, *, actor):
        fields = {name: data[name] for name in USAGE_WRITABLE if name in data}
        return config.usage_create(data=fields, actor=actor)

    def update_record(self, record, changes, *, actor):
        return config.usage_update(usage=record, data=changes, actor=actor)

    def delete_record(self, record, *, actor):
        config.usage_delete(usage=record, actor=actor)

    def get_urls(self):
        grid = path("grid/", self.admin_site.admin_view(self.grid_view), name="billing_usage_grid")
        return [grid, *super().get_urls()]

    def grid_view(self, request):
        return usage_grid_view(self, request)


def _grid_rows(park, month):
    """(companies, charges, usage by (company id, charge id)) of the park's month: the
    companies leasing in the park on any day of the month or with usage in it, the park's
    active charges and any charge already used that month."""
    used = {
        (usage.company_id, usage.charge_id): usage
        for usage in Usage.objects.filter(charge__park=park, month=month)
    }
    leasing = Lease.objects.filter(
        lease_periods_overlapping(start_date=month, end_date=month_last_day(month)),
        unit__park=park,
    ).values("company_id")
    used_companies = [company for company, _charge in used]
    companies = list(
        Company.objects.filter(Q(pk__in=leasing) | Q(pk__in=used_companies)).order_by(
            "legal_name", "pk"
        )
    )
    used_charges = [charge for _company, charge in used]
    charges = list(
        Charge.objects.filter(Q(park=park, is_active=True) | Q(pk__in=used_charges)).order_by(
            "code"
        )
    )
    return companies, charges, used


def _quantity(text: str) -> Decimal:
    """`12.5` or `12,5` (the Vietnamese decimal comma) as a decimal of at most 3 places."""
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(gettext("Not a number.")) from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.001")):
        raise ValidationError(gettext("A quantity of 0 or more, with at most 3 decimals."))
    return value


def _save_cell(*, company, charge, month, text, usage, actor) -> bool:
    """One cell through the usage services; True when it wrote something."""
    if not text:
        if usage is None:
            return False
        config.usage_delete(usage=usage, actor=actor)
        return True
    quantity = _quantity(text)
    if usage is None:
        data = {"company": company, "charge": charge, "month": month, "quantity": quantity}
        config.usage_create(data={**data, "note": ""}, actor=actor)
        return True
    if usage.quantity == quantity:
        return False
    config.usage_update(usage=usage, data={"quantity": quantity}, actor=actor)
    return True


def usage_grid_view(model_admin, request):
    """A park's month as a grid of companies x charges; saving writes each changed cell through
    the usage services in one transaction: one refused cell and none is saved."""
    if not is_manager(request.user):
        raise PermissionDenied
    asked = request.GET if "month" in request.GET else None
    form = ParkMonthForm(asked, initial={"month": today().replace(day=1)})
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Usage of a month"),
        "opts": model_admin.model._meta,
        "form": form,
    }
    if not form.is_valid():
        return TemplateResponse(request, "admin/billing/usage/grid.html", context)
    park, month = form.cleaned_data["park"], form.cleaned_data["month"]
    companies, charges, used = _grid_rows(park, month)
    errors, values = {}, {}
    for company in companies:
        for charge in charges:
            usage = used.get((company.pk, charge.pk))
            values[(company.pk, charge.pk)] = (
                "" if usage is None else f"{usage.quantity.normalize():f}"
            )
    if request.method == "POST":
        written = 0
        using = router.db_for_write(Usage)
        with transaction.atomic(using=using):
            for company in companies:
                for charge in charges:
                    key = (company.pk, charge.pk)
                    text = request.POST.get(f"q-{company.pk}-{charge.pk}", "").strip()
                    values[key] = text
                    try:
                        written += _save_cell(
                            company=company,
                            charge=charge,
                            month=month,
                            text=text,
                            usage=used.get(key),
                            actor=request.user,
                        )
                    except (DomainError, ValidationError) as error:
                        errors[key] = refusal_message(error)
            if errors:
                transaction.set_rollback(True, using=using)
        if not errors:
            model_admin.message_user(
                request,
                gettext("%(count)d usage cell(s) saved.") % {"count": written},
                messages.SUCCESS,
            )
            query = f"?park={park.pk}&month={month_label(month)}"
            return HttpResponseRedirect(reverse("admin:billing_usage_grid") + query)
        model_admin.message_user(
            request, gettext("Nothing was saved: correct the cells marked below."), messages.ERROR
        )
    context.update(
        park=park,
        month=month,
        charges=charges,
        rows=[
            {
                "company": company,
                "cells": [
                    {
                        "name": f"q-{company.pk}-{charge.pk}",
                        "value": values[(company.pk, charge.pk)],
                        "error": errors.get((company.pk, charge.pk)),
                    }
                    for charge in charges
                ],
            }
            for company in companies
        ],
    )
    return TemplateResponse(request, "admin/billing/usage/grid.html", context)
