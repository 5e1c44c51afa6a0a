"""Proration, rounding and VAT of the invoice run (billing.md, "Proration"), figures by hand.

A lease covering d of the D days of a month is billed monthly_rent * d / D, rounded half up to
the dong, as one line of quantity 1 whose unit price is that amount; VAT is amount * rate / 100,
rounded half up per line.
"""

from datetime import date
from decimal import Decimal

import pytest

from billing.models import Invoice, LineKind, Usage
from billing.services.runs import invoice_run
from tests.billing.factories import make_billing_settings, make_charge
from tests.factories import make_company, make_lease, make_park, make_pool, make_unit

pytestmark = pytest.mark.django_db


def _billed(park, company, month):
    invoice = Invoice.objects.get(park=park, company=company, month=month)
    lines = list(invoice.lines.order_by("position"))
    figures = [
        (
            line.kind,
            line.quantity,
            line.unit_price_vnd,
            line.amount_vnd,
            line.vat_rate,
            line.vat_vnd,
        )
        for line in lines
    ]
    return invoice, lines, figures


def _one_lease(*, start, end, rent, month, **settings):
    park = make_park()
    make_billing_settings(park, **settings)
    company = make_company()
    make_lease(
        unit=make_unit(park=park, code="A-101"),
        company=company,
        start_date=start,
        end_date=end,
        monthly_rent_vnd=rent,
    )
    invoice_run(park=park, month=month)
    return _billed(park, company, month)


def test_a_lease_from_the_10th_of_a_31_day_month_pays_22_days():
    invoice, [line], figures = _one_lease(
        start=date(2027, 1, 10), end=None, rent=12_000_000, month=date(2027, 1, 1)
    )
    # 10..31 January: 22 of 31 days. 12,000,000 * 22 / 31 = 8,516,129.03 -> 8,516,129
    # VAT 10 %: 851,612.9 -> 851,613
    assert figures == [(LineKind.RENT, Decimal(1), 8_516_129, 8_516_129, "10", 851_613)]
    assert (invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd) == (
        8_516_129,
        851_613,
        9_367_742,
    )
    assert line.unit_of_measure == "tháng"
    assert "A-101" in line.description
    assert "10/01/2027" in line.description
    assert "31/01/2027" in line.description
    assert "12.000.000" in line.description  # the full monthly rent


def test_a_lease_ending_on_the_20th_of_a_30_day_month_pays_20_days():
    _invoice, _, figures = _one_lease(
        start=date(2027, 1, 1), end=date(2027, 4, 20), rent=9_000_001, month=date(2027, 4, 1)
    )
    # 1..20 April: 20 of 30 days. 9,000,001 * 20 / 30 = 6,000,000.67 -> 6,000,001
    # VAT: 600,000.1 -> 600,000
    assert figures == [(LineKind.RENT, Decimal(1), 6_000_001, 6_000_001, "10", 600_000)]


def test_half_a_dong_rounds_up_in_the_rent_and_in_the_vat():
    _invoice, _, figures = _one_lease(
        start=date(2027, 4, 16), end=None, rent=3_000_015, month=date(2027, 4, 1)
    )
    # 16..30 April: 15 of 30 days. 3,000,015 * 15 / 30 = 1,500,007.5 -> 1,500,008 (half up)
    # VAT: 150,000.8 -> 150,001
    assert figures == [(LineKind.RENT, Decimal(1), 1_500_008, 1_500_008, "10", 150_001)]


def test_a_whole_month_bills_the_monthly_rent_and_its_vat_rounds_half_up():
    invoice, _, figures = _one_lease(
        start=date(2027, 1, 1), end=None, rent=1_000_005, month=date(2027, 3, 1)
    )
    # 31 of 31 days: 1,000,005. VAT: 100,000.5 -> 100,001
    assert figures == [(LineKind.RENT, Decimal(1), 1_000_005, 1_000_005, "10", 100_001)]
    assert invoice.total_vnd == 1_100_006


def test_a_lease_from_the_15th_of_february_2028_pays_15_of_29_days():
    _invoice, [line], figures = _one_lease(
        start=date(2028, 2, 15), end=None, rent=10_000_000, month=date(2028, 2, 1)
    )
    # 15..29 February 2028 (a leap year): 15 of 29 days.
    # 10,000,000 * 15 / 29 = 5,172,413.79 -> 5,172,414; VAT: 517,241.4 -> 517,241
    assert figures == [(LineKind.RENT, Decimal(1), 5_172_414, 5_172_414, "10", 517_241)]
    assert "29/02/2028" in line.description


def test_the_first_two_weeks_of_february_2027_are_half_a_28_day_month():
    _invoice, _, figures = _one_lease(
        start=date(2027, 2, 1), end=date(2027, 2, 14), rent=7_000_003, month=date(2027, 2, 1)
    )
    # 1..14 February 2027: 14 of 28 days. 7,000,003 * 14 / 28 = 3,500,001.5 -> 3,500,002
    # VAT: 350,000.2 -> 350,000
    assert figures == [(LineKind.RENT, Decimal(1), 3_500_002, 3_500_002, "10", 350_000)]


def test_a_lease_from_the_17th_to_the_3rd_is_billed_in_both_months():
    park = make_park()
    make_billing_settings(park)
    company = make_company()
    make_lease(
        unit=make_unit(park=park, code="B-203"),
        company=company,
        start_date=date(2027, 1, 17),
        end_date=date(2027, 2, 3),
        monthly_rent_vnd=15_500_000,
    )
    invoice_run(park=park, month=date(2027, 1, 1))
    invoice_run(park=park, month=date(2027, 2, 1))

    january, [january_line], january_figures = _billed(park, company, date(2027, 1, 1))
    february, [february_line], february_figures = _billed(park, company, date(2027, 2, 1))
    # January: 17..31, 15 of 31 days. 15,500,000 * 15 / 31 = 7,500,000; VAT 750,000
    assert january_figures == [(LineKind.RENT, Decimal(1), 7_500_000, 7_500_000, "10", 750_000)]
    # February 2027: 1..3, 3 of 28 days. 15,500,000 * 3 / 28 = 1,660,714.29 -> 1,660,714
    # VAT: 166,071.4 -> 166,071
    assert february_figures == [(LineKind.RENT, Decimal(1), 1_660_714, 1_660_714, "10", 166_071)]
    assert (january.total_vnd, february.total_vnd) == (8_250_000, 1_826_785)
    assert "17/01/2027" in january_line.description
    assert "31/01/2027" in january_line.description
    assert "01/02/2027" in february_line.description
    assert "03/02/2027" in february_line.description


def test_a_coworking_lease_pays_its_desks_and_their_share_of_the_pool_area():
    park = make_park()
    make_billing_settings(park, management_fee_vnd_per_m2=100_000)
    company = make_company()
    pool = make_pool(desks=10, park=park, code="CW-1", area_m2="60.00")
    make_lease(
        unit=pool,
        company=company,
        desks=3,  # 3 * 1,500,000 a desk: 4,500,000 a month
        start_date=date(2027, 3, 10),
        end_date=None,
    )

    invoice_run(park=park, month=date(2027, 3, 1))

    invoice, [rent, fee], figures = _billed(park, company, date(2027, 3, 1))
    # 10..31 March: 22 of 31 days.
    # Rent: 4,500,000 * 22 / 31 = 3,193,548.39 -> 3,193,548; VAT: 319,354.8 -> 319,355
    # Fee: 100,000 VND/m2 * 60 m2 * 3 desks / 10 desks = 1,800,000 a month;
    #      1,800,000 * 22 / 31 = 1,277,419.35 -> 1,277,419; VAT: 127,741.9 -> 127,742
    assert figures == [
        (LineKind.RENT, Decimal(1), 3_193_548, 3_193_548, "10", 319_355),
        (LineKind.MANAGEMENT_FEE, Decimal(1), 1_277_419, 1_277_419, "10", 127_742),
    ]
    # 3,193,548 + 1,277,419 = 4,470,967; 319,355 + 127,742 = 447,097
    assert (invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd) == (
        4_470_967,
        447_097,
        4_918_064,
    )
    assert "CW-1" in rent.description
    assert "CW-1" in fee.description
    assert "18 m²" in fee.description  # 60 * 3 / 10
    assert "1.800.000" in fee.description


def test_a_management_fee_on_a_fractional_area_rounds_the_month_half_up_at_8_percent():
    park = make_park()
    make_billing_settings(
        park, management_fee_vnd_per_m2=33_333, management_fee_vat_rate="8", rent_vat_rate="8"
    )
    company = make_company()
    make_lease(
        unit=make_unit(park=park, area_m2="45.50"),
        company=company,
        start_date=date(2027, 1, 1),
        end_date=None,
        monthly_rent_vnd=15_000_000,
    )

    invoice_run(park=park, month=date(2027, 1, 1))

    invoice, _, figures = _billed(park, company, date(2027, 1, 1))
    # Rent: the whole month, 15,000,000; VAT 8 %: 1,200,000
    # Fee: 33,333 * 45.5 m2 = 1,516,651.5 -> 1,516,652 a month, the whole of January;
    #      VAT 8 %: 121,332.16 -> 121,332
    assert figures == [
        (LineKind.RENT, Decimal(1), 15_000_000, 15_000_000, "8", 1_200_000),
        (LineKind.MANAGEMENT_FEE, Decimal(1), 1_516_652, 1_516_652, "8", 121_332),
    ]
    assert invoice.total_vnd == 15_000_000 + 1_200_000 + 1_516_652 + 121_332


def test_usage_lines_carry_their_charge_price_and_rate_8_percent_and_kct():
    park = make_park()
    make_billing_settings(park)
    company = make_company()
    electricity = make_charge(park, code="dien", unit_price_vnd=3_500, vat_rate="10")
    parking = make_charge(
        park,
        code="gui-xe",
        name="Gửi xe",
        unit_of_measure="xe",
        unit_price_vnd=150_000,
        vat_rate="8",
    )
    other = make_charge(
        park,
        code="khac",
        name="Dịch vụ khác",
        unit_of_measure="lần",
        unit_price_vnd=10_001,
        vat_rate="KCT",
    )
    month = date(2027, 5, 1)
    Usage.objects.create(company=company, charge=electricity, month=month, quantity="1234.567")
    Usage.objects.create(company=company, charge=parking, month=month, quantity="3")
    Usage.objects.create(company=company, charge=other, month=month, quantity="2.5")

    invoice_run(park=park, month=month)

    invoice, lines, figures = _billed(park, company, month)
    # In charge code order: dien, gui-xe, khac.
    # Electricity: 1,234.567 kWh * 3,500 = 4,320,984.5 -> 4,320,985; VAT 432,098.5 -> 432,099
    # Parking: 3 * 150,000 = 450,000; VAT 8 %: 36,000
    # Other: 2.5 * 10,001 = 25,002.5 -> 25,003; KCT: no VAT
    assert figures == [
        (LineKind.USAGE, Decimal("1234.567"), 3_500, 4_320_985, "10", 432_099),
        (LineKind.USAGE, Decimal(3), 150_000, 450_000, "8", 36_000),
        (LineKind.USAGE, Decimal("2.5"), 10_001, 25_003, "KCT", 0),
    ]
    assert [line.unit_of_measure for line in lines] == ["kWh", "xe", "lần"]
    # 4,320,985 + 450,000 + 25,003 = 4,795,988; 432,099 + 36,000 = 468,099
    assert (invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd) == (
        4_795_988,
        468_099,
        5_264_087,
    )


def test_a_park_without_billing_settings_bills_rent_at_10_percent_without_a_fee():
    park = make_park()  # no BillingSettings: the model's defaults
    company = make_company()
    make_lease(
        unit=make_unit(park=park),
        company=company,
        start_date=date(2027, 1, 1),
        end_date=None,
        monthly_rent_vnd=20_000_000,
    )

    invoice_run(park=park, month=date(2027, 1, 1))

    _invoice, _, figures = _billed(park, company, date(2027, 1, 1))
    assert figures == [(LineKind.RENT, Decimal(1), 20_000_000, 20_000_000, "10", 2_000_000)]
