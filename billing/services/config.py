"""The park's billing set-up: seller settings, invoice series, the price list, usage.

Natural keys (a series' symbol, a charge's code, a month's usage) are checked before the write
so the refusal names its field; the database constraint behind each check catches a parallel
write that slipped in between, and the check then runs again to name it. Which fields may be
written is the model module's (`*_WRITABLE`); updates go through `core.services.model_update`.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.exceptions import SymbolYearMismatch, Taken
from billing.models import (
    BILLING_SETTINGS_WRITABLE,
    CHARGE_WRITABLE,
    INVOICE_SERIES_WRITABLE,
    USAGE_UPDATABLE,
    USAGE_WRITABLE,
    BillingSettings,
    Charge,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    InvoiceStatus,
    Usage,
)
from billing.money import INVALID_MONTH, parse_month
from billing.services.drafts import draft_totals_save
from core.errors import DomainError, InUse
from core.services import model_update, record_create, record_delete, record_update, writable_data
from park.services._shared import proposed
from tenants.services import normalise_tax_code

# --- settings -----------------------------------------------------------------------------


def billing_settings_save(*, park, data: Mapping[str, Any], actor=None) -> BillingSettings:
    """Create the park's settings or update them (BILLING_SETTINGS_WRITABLE). The seller's
    tax code is checked and normalised as a company's is (stdnum.vn.mst)."""
    data = writable_data(BILLING_SETTINGS_WRITABLE, data)
    if "tax_code" in data:
        # The seller must have one: an empty value is left blank for full_clean to refuse.
        data["tax_code"] = normalise_tax_code(data["tax_code"]) or ""
    with transaction.atomic():
        settings = BillingSettings.objects.select_for_update().filter(park=park).first()
        if settings is None:
            settings = BillingSettings(park=park, **data)
            settings.full_clean(validate_unique=False, validate_constraints=False)
            settings._history_user = actor
            try:
                with transaction.atomic():  # a parallel first save for this park lands here
                    settings.save()
                return settings
            except IntegrityError:
                settings = BillingSettings.objects.select_for_update().get(park=park)
        model_update(instance=settings, fields=BILLING_SETTINGS_WRITABLE, data=data, actor=actor)
    return settings


# --- invoice series -----------------------------------------------------------------------

# What identifies the numbers already handed out: fixed once a series has issued an invoice.
_SERIES_IDENTITY = ("template_code", "symbol", "year")


def _series_check(series: InvoiceSeries) -> Callable[[], None]:
    def check() -> None:
        if series.symbol[1:3] != f"{series.year % 100:02d}":
            raise SymbolYearMismatch(
                _("The symbol's two digits must be the year's last two (%(digits)s for %(year)s).")
                % {"digits": f"{series.year % 100:02d}", "year": series.year},
                field="symbol",
            )
        others = InvoiceSeries.objects.filter(park_id=series.park_id).exclude(pk=series.pk)
        if others.filter(template_code=series.template_code, symbol=series.symbol).exists():
            raise Taken(
                _("The park already has a series %(series)s.") % {"series": series},
                field="symbol",
            )
        if series.is_active and others.filter(year=series.year, is_active=True).exists():
            raise Taken(
                _("The park already has an active series for %(year)s; deactivate it first.")
                % {"year": series.year},
                field="is_active",
            )

    return check


def series_create(*, park, data: Mapping[str, Any], actor=None) -> InvoiceSeries:
    """A series of the park (INVOICE_SERIES_WRITABLE; numbers start at 1). Its symbol's digits
    are the year's last two, and a park has one active series a year (Decree 123/2020: a new
    year, a new symbol)."""
    with transaction.atomic():
        series = InvoiceSeries(park=park, **writable_data(INVOICE_SERIES_WRITABLE, data))
        record_create(series, check=_series_check(series), actor=actor)
    return series


def series_update(*, series: InvoiceSeries, data: Mapping[str, Any], actor=None) -> InvoiceSeries:
    """Change a series (INVOICE_SERIES_WRITABLE; `next_number` never). Once it has issued an
    invoice, only `is_active` may change: its numbers are printed on the invoices."""
    with transaction.atomic():
        series = InvoiceSeries.objects.select_for_update().get(pk=series.pk)
        candidate = proposed(series, fields=INVOICE_SERIES_WRITABLE, data=data)
        moved = [
            name for name in _SERIES_IDENTITY if getattr(candidate, name) != getattr(series, name)
        ]
        if moved and Invoice.objects.filter(series=series).exists():
            raise InUse(
                _(
                    "Series %(series)s has issued invoices: its template code, symbol and year "
                    "are fixed. Deactivate it and create a new series instead."
                )
                % {"series": series}
            )
        record_update(
            series,
            fields=INVOICE_SERIES_WRITABLE,
            data=data,
            check=_series_check(candidate),
            actor=actor,
        )
    return series


def series_delete(*, series: InvoiceSeries, actor=None) -> None:
    """A series with issued invoices cannot be deleted (InUse): deactivate it."""
    with transaction.atomic():
        series = InvoiceSeries.objects.select_for_update().get(pk=series.pk)
        record_delete(series, actor=actor, instead=_("deactivate it instead."))


# --- the price list -----------------------------------------------------------------------


def _charge_code_check(charge: Charge) -> Callable[[], None]:
    def check() -> None:
        taken = Charge.objects.filter(park_id=charge.park_id, code=charge.code)
        if taken.exclude(pk=charge.pk).exists():
            raise Taken(
                _("The park's price list already has a charge %(code)s.") % {"code": charge.code},
                field="code",
            )

    return check


def charge_create(*, park, data: Mapping[str, Any], actor=None) -> Charge:
    """An entry of the park's price list (CHARGE_WRITABLE; its code unique in the park)."""
    with transaction.atomic():
        charge = Charge(park=park, **writable_data(CHARGE_WRITABLE, data))
        record_create(charge, check=_charge_code_check(charge), actor=actor)
    return charge


def charge_update(*, charge: Charge, data: Mapping[str, Any], actor=None) -> Charge:
    """Change a charge (CHARGE_WRITABLE). Invoice lines keep the price they were drafted with."""
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        check = _charge_code_check(proposed(charge, fields=CHARGE_WRITABLE, data=data))
        record_update(charge, fields=CHARGE_WRITABLE, data=data, check=check, actor=actor)
    return charge


def charge_delete(*, charge: Charge, actor=None) -> None:
    """A charge with usage or invoice lines cannot be deleted (InUse): deactivate it."""
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        record_delete(charge, actor=actor, instead=_("deactivate it instead."))


# --- usage --------------------------------------------------------------------------------


def _usage_check(usage: Usage) -> Callable[[], None]:
    def check() -> None:
        taken = Usage.objects.filter(
            company_id=usage.company_id, charge_id=usage.charge_id, month=usage.month
        )
        if taken.exclude(pk=usage.pk).exists():
            raise Taken(
                _("This company already has usage of %(charge)s in %(month)s; change that one.")
                % {"charge": usage.charge, "month": f"{usage.month:%m/%Y}"},
                field="month",
            )

    return check


def _billing_invoices_for_update(usage: Usage) -> list[Invoice]:
    """The invoices with a line billing `usage`, their rows locked (pk order), so an issue of
    one of them waits for this write, or this write sees it issued."""
    ids = InvoiceLine.objects.filter(usage=usage).values("invoice_id")
    return list(Invoice.objects.filter(pk__in=ids).order_by("pk").select_for_update())


def _refuse_if_billed(usage: Usage, invoices: list[Invoice], *, statuses) -> None:
    billed = [invoice for invoice in invoices if invoice.status in statuses]
    if billed:
        raise InUse(
            _("This usage is billed on invoice %(invoice)s; it cannot change any more.")
            % {"invoice": billed[0]}
        )


def usage_create(*, data: Mapping[str, Any], actor=None) -> Usage:
    """USAGE_WRITABLE; `month` the first day of a month (or `2027-01`); one row per company,
    charge and month."""
    data = writable_data(USAGE_WRITABLE, data)
    if "month" in data:
        month = parse_month(data["month"])
        if month is None:
            raise DomainError(str(INVALID_MONTH), field="month")
        data["month"] = month
    with transaction.atomic():
        usage = Usage(**data)
        record_create(usage, check=_usage_check(usage), actor=actor)
    return usage


def usage_update(*, usage: Usage, data: Mapping[str, Any], actor=None) -> Usage:
    """USAGE_UPDATABLE; billed on an issued invoice: InUse (the invoice shows the old figure).
    A draft billing it is brought up to date by the next invoice run."""
    data = writable_data(USAGE_UPDATABLE, data)
    with transaction.atomic():
        usage = Usage.objects.select_for_update().get(pk=usage.pk)
        invoices = _billing_invoices_for_update(usage)
        _refuse_if_billed(usage, invoices, statuses={InvoiceStatus.ISSUED})
        model_update(instance=usage, fields=USAGE_UPDATABLE, data=data, actor=actor)
    return usage


def usage_delete(*, usage: Usage, actor=None) -> None:
    """Delete a usage row. Billed on an issued (or voided) invoice: InUse. Billed on drafts:
    their lines for it go too, and their totals are recomputed."""
    with transaction.atomic():
        usage = Usage.objects.select_for_update().get(pk=usage.pk)
        invoices = _billing_invoices_for_update(usage)
        _refuse_if_billed(usage, invoices, statuses={InvoiceStatus.ISSUED, InvoiceStatus.VOID})
        InvoiceLine.objects.filter(usage=usage).delete()
        for invoice in invoices:
            draft_totals_save(invoice, actor=actor)
        record_delete(usage, actor=actor, instead=_("it is still billed."))
