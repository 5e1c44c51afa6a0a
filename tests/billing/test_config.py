"""The park's billing set-up: settings, series, the price list and usage
(billing.services.config)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.exceptions import SymbolYearMismatch, Taken
from billing.models import BillingSettings, Charge, Invoice, InvoiceLine, InvoiceSeries, Usage
from billing.services.config import (
    billing_settings_save,
    charge_create,
    charge_delete,
    charge_update,
    series_create,
    series_delete,
    series_update,
    usage_create,
    usage_delete,
    usage_update,
)
from billing.services.invoices import invoice_create, invoice_issue, invoice_void
from billing.services.lines import line_build
from core.errors import DomainError, InUse
from tenants.exceptions import InvalidTaxCode
from tests.billing.factories import make_billing_settings, make_charge, make_invoice, make_series
from tests.factories import make_company, make_park, make_tax_code

pytestmark = pytest.mark.django_db

JANUARY = date(2027, 1, 1)

SELLER = {
    "legal_name": "Công ty TNHH Công viên Phần mềm Mekong",
    "address": "Số 1 Hùng Vương, Mỹ Tho",
}


# --- settings -----------------------------------------------------------------------------


def test_settings_are_created_with_the_tax_code_normalised_then_updated():
    park = make_park()
    digits = make_tax_code()

    created = billing_settings_save(
        park=park, data={**SELLER, "tax_code": f" {digits[:4]} {digits[4:]}-001 "}
    )
    updated = billing_settings_save(park=park, data={"payment_terms_days": 30})

    assert updated.pk == created.pk
    settings = BillingSettings.objects.get(park=park)
    assert (settings.tax_code, settings.payment_terms_days, settings.rent_vat_rate) == (
        f"{digits}-001",
        30,
        "10",
    )
    assert settings.version == 2


def test_a_seller_tax_code_with_a_wrong_check_digit_is_refused():
    park = make_park()
    digits = make_tax_code()
    wrong = digits[:9] + str((int(digits[9]) + 1) % 10)

    with pytest.raises(InvalidTaxCode) as refusal:
        billing_settings_save(park=park, data={**SELLER, "tax_code": wrong})

    assert (refusal.value.field, refusal.value.code) == ("tax_code", "invalid_checksum")
    assert not BillingSettings.objects.exists()


def test_the_seller_needs_a_tax_code():
    with pytest.raises(ValidationError) as refusal:
        billing_settings_save(park=make_park(), data={**SELLER, "tax_code": " "})

    assert list(refusal.value.message_dict) == ["tax_code"]
    assert not BillingSettings.objects.exists()


# --- series -------------------------------------------------------------------------------


def test_a_series_starts_at_number_one():
    series = series_create(park=make_park(), data={"symbol": "C27TSP", "year": 2027})

    assert (series.template_code, series.next_number, series.is_active) == ("1", 1, True)
    assert str(series) == "1C27TSP"


def test_a_symbol_whose_digits_are_not_the_year_is_refused():
    with pytest.raises(SymbolYearMismatch) as refusal:
        series_create(park=make_park(), data={"symbol": "C26TSP", "year": 2027})

    assert (refusal.value.code, refusal.value.field) == ("symbol_year", "symbol")
    assert not InvoiceSeries.objects.exists()


@pytest.mark.parametrize("symbol", ["A27TSP", "C27XSP", "C27Tsp", "C27TS", "C2TSP1"])
def test_a_malformed_symbol_is_refused(symbol):
    with pytest.raises(ValidationError) as refusal:
        series_create(park=make_park(), data={"symbol": symbol, "year": 2027})

    assert list(refusal.value.message_dict) == ["symbol"]
    assert not InvoiceSeries.objects.exists()


def test_a_park_has_one_active_series_a_year_and_each_symbol_once():
    park = make_park()
    first = series_create(park=park, data={"symbol": "C27TSP", "year": 2027})

    with pytest.raises(Taken) as second_active:
        series_create(park=park, data={"symbol": "C27TAB", "year": 2027})
    with pytest.raises(Taken) as same_symbol:
        series_create(park=park, data={"symbol": "C27TSP", "year": 2027, "is_active": False})

    assert (second_active.value.code, second_active.value.field) == ("unique", "is_active")
    assert (same_symbol.value.code, same_symbol.value.field) == ("unique", "symbol")
    assert list(InvoiceSeries.objects.all()) == [first]
    # An inactive second series of the year, or another park's, is fine.
    series_create(park=park, data={"symbol": "C27TAB", "year": 2027, "is_active": False})
    series_create(park=make_park(), data={"symbol": "C27TSP", "year": 2027})
    assert InvoiceSeries.objects.count() == 3


def test_reactivating_a_second_series_of_the_year_is_refused():
    park = make_park()
    series_create(park=park, data={"symbol": "C27TSP", "year": 2027})
    spare = series_create(park=park, data={"symbol": "C27TAB", "year": 2027, "is_active": False})

    with pytest.raises(Taken):
        series_update(series=spare, data={"is_active": True})

    spare.refresh_from_db()
    assert spare.is_active is False


def test_the_next_number_is_never_writable():
    series = make_series()

    with pytest.raises(TypeError):
        series_update(series=series, data={"next_number": 7})
    with pytest.raises(TypeError):
        series_create(park=make_park(), data={"symbol": "C27TSP", "year": 2027, "next_number": 7})

    series.refresh_from_db()
    assert series.next_number == 1


def _issued_in(series: InvoiceSeries) -> Invoice:
    make_billing_settings(series.park)
    draft = make_invoice(park=series.park)
    return invoice_issue(invoice=draft, issue_date=date(2027, 2, 1))


def test_a_series_with_issued_invoices_keeps_its_symbol_and_cannot_be_deleted():
    series = make_series(year=2027)
    _issued_in(series)

    with pytest.raises(InUse) as renamed:
        series_update(series=series, data={"symbol": "C27TAB"})
    with pytest.raises(InUse) as deleted:
        series_delete(series=series)

    assert (renamed.value.code, deleted.value.code) == ("in_use", "in_use")
    series.refresh_from_db()
    assert (series.symbol, series.next_number) == ("C27TSP", 2)
    # Deactivating it is how it retires.
    series_update(series=series, data={"is_active": False})
    series.refresh_from_db()
    assert series.is_active is False


def test_an_unused_series_is_renamed_and_deleted():
    series = make_series(year=2027)

    series_update(series=series, data={"symbol": "K28TAB", "year": 2028})
    series.refresh_from_db()
    assert (series.symbol, series.year) == ("K28TAB", 2028)

    series_delete(series=series)
    assert not InvoiceSeries.objects.exists()


# --- the price list -----------------------------------------------------------------------

ELECTRICITY = {
    "code": "electricity",
    "name": "Điện",
    "unit_of_measure": "kWh",
    "unit_price_vnd": 3_500,
    "vat_rate": "8",
}


def test_a_charge_code_is_unique_in_its_park():
    park = make_park()
    charge = charge_create(park=park, data=ELECTRICITY)

    with pytest.raises(Taken) as refusal:
        charge_create(park=park, data={**ELECTRICITY, "name": "Điện 2"})

    assert (refusal.value.code, refusal.value.field) == ("unique", "code")
    charge_create(park=make_park(), data=ELECTRICITY)
    other = charge_create(park=park, data={**ELECTRICITY, "code": "water"})
    with pytest.raises(Taken):
        charge_update(charge=other, data={"code": "electricity"})
    assert Charge.objects.filter(park=park).count() == 2
    assert Charge.objects.get(pk=charge.pk).name == "Điện"


def test_a_charge_with_usage_cannot_be_deleted_but_can_be_deactivated():
    charge = make_charge()
    usage_create(
        data={"company": make_company(), "charge": charge, "month": JANUARY, "quantity": 10}
    )

    with pytest.raises(InUse) as refusal:
        charge_delete(charge=charge)

    assert refusal.value.code == "in_use"
    charge_update(charge=charge, data={"is_active": False})
    charge.refresh_from_db()
    assert charge.is_active is False
    unused = make_charge()
    charge_delete(charge=unused)
    assert list(Charge.objects.all()) == [charge]


# --- usage --------------------------------------------------------------------------------


def test_usage_month_is_a_first_day_and_written_either_way():
    charge, company = make_charge(), make_company()

    usage = usage_create(
        data={"company": company, "charge": charge, "month": "2027-01", "quantity": "12.345"}
    )
    with pytest.raises(DomainError) as refusal:
        usage_create(
            data={"company": company, "charge": charge, "month": date(2027, 2, 2), "quantity": 1}
        )

    assert refusal.value.field == "month"
    usage.refresh_from_db()
    assert (usage.month, usage.quantity) == (JANUARY, Decimal("12.345"))


def test_usage_is_one_row_per_company_charge_and_month():
    charge, company = make_charge(), make_company()
    usage_create(data={"company": company, "charge": charge, "month": JANUARY, "quantity": 1})

    with pytest.raises(Taken) as refusal:
        usage_create(
            data={"company": company, "charge": charge, "month": "2027-01-01", "quantity": 2}
        )

    assert (refusal.value.code, refusal.value.field) == ("unique", "month")
    assert Usage.objects.count() == 1


def _billed(usage: Usage):
    """A draft of the usage's month with a line billing it (as the invoice run writes it)."""
    park = usage.charge.park
    draft = invoice_create(park=park, company=usage.company, month=usage.month)
    line = line_build(
        invoice=draft,
        position=1,
        kind="usage",
        description="Điện",
        quantity=usage.quantity,
        unit_of_measure="kWh",
        unit_price_vnd=3_500,
        vat_rate="10",
        charge=usage.charge,
        usage=usage,
    )
    line.save()
    extra = line_build(
        invoice=draft,
        position=2,
        kind="manual",
        description="Khác",
        quantity=Decimal(1),
        unit_of_measure="tháng",
        unit_price_vnd=100_000,
        vat_rate="KCT",
    )
    extra.save()
    # 100 kWh * 3,500 = 350,000; 10 %: 35,000; plus 100,000 KCT
    draft.subtotal_vnd, draft.vat_vnd, draft.total_vnd = 450_000, 35_000, 485_000
    draft.save()
    return draft


def _usage(quantity=100) -> Usage:
    charge = make_charge()
    return usage_create(
        data={"company": make_company(), "charge": charge, "month": JANUARY, "quantity": quantity}
    )


def test_usage_billed_on_an_issued_invoice_is_locked():
    usage = _usage()
    draft = _billed(usage)
    make_billing_settings(draft.park)
    make_series(draft.park)
    invoice_issue(invoice=draft, issue_date=date(2027, 2, 1))

    with pytest.raises(InUse) as changed:
        usage_update(usage=usage, data={"quantity": Decimal(120)})
    with pytest.raises(InUse) as deleted:
        usage_delete(usage=usage)

    assert (changed.value.code, deleted.value.code) == ("in_use", "in_use")
    usage.refresh_from_db()
    assert usage.quantity == Decimal(100)


def test_usage_billed_on_a_voided_invoice_may_change_but_not_go():
    usage = _usage()
    draft = _billed(usage)
    make_billing_settings(draft.park)
    make_series(draft.park)
    invoice_void(invoice=invoice_issue(invoice=draft, issue_date=date(2027, 2, 1)), reason="Sai")

    usage_update(usage=usage, data={"quantity": Decimal(120)})
    with pytest.raises(InUse):
        usage_delete(usage=usage)

    usage.refresh_from_db()
    assert usage.quantity == Decimal(120)


def test_usage_billed_on_a_draft_changes_and_deleting_it_takes_its_line_off_the_draft():
    usage = _usage()
    draft = _billed(usage)

    usage_update(usage=usage, data={"quantity": Decimal("99.5"), "note": "đọc lại"})
    usage.refresh_from_db()
    assert (usage.quantity, usage.note) == (Decimal("99.5"), "đọc lại")

    usage_delete(usage=usage)

    assert not Usage.objects.exists()
    draft.refresh_from_db()
    assert list(InvoiceLine.objects.filter(invoice=draft).values_list("kind", flat=True)) == [
        "manual"
    ]
    assert (draft.subtotal_vnd, draft.vat_vnd, draft.total_vnd) == (100_000, 0, 100_000)
