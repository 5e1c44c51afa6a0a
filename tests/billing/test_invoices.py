"""Drafts edited, issued with gapless numbers, voided and adjusted (billing.services.invoices).

Every figure is computed by hand in the comments: amount = quantity * price and VAT = amount *
rate / 100, each rounded half up (away from zero) per line; the invoice stores the sums.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.exceptions import (
    BeforeLastIssue,
    DuplicateInvoice,
    EmptyInvoice,
    NegativePrice,
    NoBillingSettings,
    NoInvoiceSeries,
)
from billing.models import Allocation, Invoice, InvoiceLine, InvoiceSeries, LineKind
from billing.services.config import usage_create
from billing.services.invoices import (
    invoice_adjust,
    invoice_create,
    invoice_delete,
    invoice_issue,
    invoice_line_add,
    invoice_line_delete,
    invoice_update,
    invoice_void,
    invoices_issue,
)
from billing.services.lines import line_build
from billing.services.payments import payment_create
from core.errors import DomainError, InvalidTransition
from tests.billing.factories import make_billing_settings, make_charge, make_invoice, make_series
from tests.factories import make_company, make_lease, make_park, make_unit

pytestmark = pytest.mark.django_db

JANUARY = date(2027, 1, 1)


def _line(description: str, quantity: str, price: int, rate: str) -> dict:
    return {
        "description": description,
        "quantity": Decimal(quantity),
        "unit_of_measure": "tháng",
        "unit_price_vnd": price,
        "vat_rate": rate,
    }


def _billing_park(**settings):
    park = make_park()
    make_billing_settings(park, **settings)
    make_series(park, year=2027)
    return park


def _figures(invoice: Invoice) -> tuple[int, int, int]:
    invoice.refresh_from_db()
    return invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd


def _lines_of(invoice: Invoice) -> list[tuple]:
    return list(
        InvoiceLine.objects.filter(invoice=invoice)
        .order_by("position")
        .values_list("position", "kind", "amount_vnd", "vat_rate", "vat_vnd")
    )


# --- drafts -------------------------------------------------------------------------------


def test_manual_lines_at_10_8_percent_and_kct_give_the_hand_computed_totals():
    invoice = invoice_create(park=make_park(), company=make_company(), month="2027-01")

    # 1.5 * 1,646,090 = 2,469,135; 10 % VAT = 246,913.5 -> 246,914 (half up)
    invoice_line_add(invoice=invoice, data=_line("Thuê văn phòng", "1.5", 1_646_090, "10"))
    # 2.5 * 333,333 = 833,332.5 -> 833,333; 8 % VAT = 66,666.64 -> 66,667
    invoice_line_add(invoice=invoice, data=_line("Dịch vụ", "2.5", 333_333, "8"))
    # 3 * 150,000 = 450,000; not subject to VAT (KCT): 0
    invoice_line_add(invoice=invoice, data=_line("Đào tạo", "3", 150_000, "KCT"))

    assert _lines_of(invoice) == [
        (1, LineKind.MANUAL, 2_469_135, "10", 246_914),
        (2, LineKind.MANUAL, 833_333, "8", 66_667),
        (3, LineKind.MANUAL, 450_000, "KCT", 0),
    ]
    # 2,469,135 + 833,333 + 450,000 = 3,752,468; 246,914 + 66,667 = 313,581
    assert _figures(invoice) == (3_752_468, 313_581, 4_066_049)


def test_removing_a_line_recomputes_the_totals_and_the_next_line_goes_last():
    invoice = invoice_create(park=make_park(), company=make_company(), month=JANUARY)
    invoice_line_add(invoice=invoice, data=_line("Thuê", "1.5", 1_646_090, "10"))
    eight = invoice_line_add(invoice=invoice, data=_line("Dịch vụ", "2.5", 333_333, "8"))
    invoice_line_add(invoice=invoice, data=_line("Đào tạo", "3", 150_000, "KCT"))

    invoice_line_delete(line=eight)

    # 2,469,135 + 450,000 = 2,919,135; VAT 246,914 only
    assert _figures(invoice) == (2_919_135, 246_914, 3_166_049)
    invoice_line_add(invoice=invoice, data=_line("Gửi xe", "2", 120_000, "8"))
    # 2 * 120,000 = 240,000; 8 % = 19,200
    assert [row[0] for row in _lines_of(invoice)] == [1, 3, 4]
    assert _figures(invoice) == (3_159_135, 266_114, 3_425_249)


def test_a_negative_price_on_a_normal_draft_is_refused_and_nothing_is_written():
    invoice = make_invoice(lines=[(1_000_000, "10")])

    with pytest.raises(NegativePrice) as refusal:
        invoice_line_add(invoice=invoice, data=_line("Giảm giá", "1", -100_000, "10"))

    assert (refusal.value.code, refusal.value.field) == ("negative_price", "unit_price_vnd")
    assert InvoiceLine.objects.filter(invoice=invoice).count() == 1
    assert _figures(invoice) == (1_000_000, 100_000, 1_100_000)


def test_a_vat_rate_outside_the_list_is_refused():
    invoice = make_invoice()

    with pytest.raises(ValidationError) as refusal:
        invoice_line_add(invoice=invoice, data=_line("Dịch vụ", "1", 100_000, "7"))

    assert list(refusal.value.message_dict) == ["vat_rate"]
    assert InvoiceLine.objects.filter(invoice=invoice).count() == 1


def test_a_line_with_no_quantity_is_refused():
    invoice = make_invoice()

    with pytest.raises(DomainError) as refusal:
        invoice_line_add(invoice=invoice, data=_line("Dịch vụ", "0", 100_000, "10"))

    assert refusal.value.field == "quantity"


def test_a_second_invoice_for_the_company_and_month_is_a_duplicate():
    park, company = make_park(), make_company()
    first = invoice_create(park=park, company=company, month=JANUARY)

    with pytest.raises(DuplicateInvoice) as refusal:
        invoice_create(park=park, company=company, month="2027-01-01")

    assert refusal.value.code == "duplicate"
    assert refusal.value.extra == {"invoice": str(first.pk)}
    assert list(Invoice.objects.filter(company=company)) == [first]
    # Another month, or another park, is another invoice.
    invoice_create(park=park, company=company, month="2027-02")
    invoice_create(park=make_park(), company=company, month=JANUARY)
    assert Invoice.objects.filter(company=company).count() == 3


def test_a_month_that_is_not_a_first_day_is_refused():
    with pytest.raises(DomainError) as refusal:
        invoice_create(park=make_park(), company=make_company(), month=date(2027, 1, 2))

    assert refusal.value.field == "month"
    assert not Invoice.objects.exists()


def test_a_draft_note_is_edited_and_a_draft_deleted_with_its_lines():
    invoice = make_invoice(lines=[(1_000_000, "10"), (500_000, "8")])

    invoice_update(invoice=invoice, data={"note": "Kỳ tháng 1"})
    invoice.refresh_from_db()
    assert invoice.note == "Kỳ tháng 1"

    invoice_delete(invoice=invoice)
    assert not Invoice.objects.filter(pk=invoice.pk).exists()
    assert not InvoiceLine.objects.exists()


# --- issuing ------------------------------------------------------------------------------


def test_issuing_numbers_the_invoices_in_the_order_given_and_snapshots_the_buyer():
    park = _billing_park(payment_terms_days=30)
    buyer = make_company(address="Số 5 Lê Lợi, Mỹ Tho", tax_code=None)
    first, second, third = (
        make_invoice(park=park, company=company, month=JANUARY)
        for company in (make_company(), buyer, make_company())
    )

    issued = invoices_issue(invoices=[third, first, second], issue_date=date(2027, 2, 5))

    assert [invoice.pk for invoice in issued] == [third.pk, first.pk, second.pk]
    numbers = dict(Invoice.objects.values_list("pk", "number"))
    assert [numbers[third.pk], numbers[first.pk], numbers[second.pk]] == [1, 2, 3]
    second.refresh_from_db()
    assert second.status == "issued"
    assert second.number_display == "1C27TSP-00000003"
    assert (second.issue_date, second.due_date) == (date(2027, 2, 5), date(2027, 3, 7))
    # A buyer without MST is legal: its tax code is empty in the snapshot.
    assert (second.buyer_legal_name, second.buyer_tax_code, second.buyer_address) == (
        buyer.legal_name,
        "",
        "Số 5 Lê Lợi, Mỹ Tho",
    )
    series = InvoiceSeries.objects.get(park=park)
    assert (series.next_number, series.last_issue_date) == (4, date(2027, 2, 5))


def test_numbers_continue_across_calls_and_the_same_issue_date_is_allowed():
    park = _billing_park()
    drafts = [make_invoice(park=park, month=JANUARY) for _ in range(3)]

    invoice_issue(invoice=drafts[0], issue_date=date(2027, 2, 5))
    invoices_issue(invoices=drafts[1:], issue_date=date(2027, 2, 5))

    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3]


def test_the_issue_date_defaults_to_the_park_calendar_day():
    today = timezone.localdate()
    park = make_park()
    make_billing_settings(park)
    make_series(park, year=today.year)
    draft = make_invoice(park=park)

    invoice_issue(invoice=draft)

    draft.refresh_from_db()
    assert (draft.issue_date, draft.due_date) == (today, today + timedelta(days=15))


def test_issuing_sends_the_emails_after_the_commit(django_capture_on_commit_callbacks):
    park = _billing_park()
    draft = make_invoice(park=park)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoice_issue(invoice=draft, issue_date=date(2027, 2, 5))

    assert len(callbacks) == 1


def test_an_issue_date_before_the_series_latest_is_refused():
    park = _billing_park()
    earlier, later = make_invoice(park=park), make_invoice(park=park)
    invoice_issue(invoice=earlier, issue_date=date(2027, 2, 10))

    with pytest.raises(BeforeLastIssue) as refusal:
        invoice_issue(invoice=later, issue_date=date(2027, 2, 9))

    assert (refusal.value.code, refusal.value.field) == ("before_last_issue", "issue_date")
    later.refresh_from_db()
    assert (later.status, later.number) == ("draft", None)
    assert InvoiceSeries.objects.get(park=park).next_number == 2


def test_issuing_without_an_active_series_for_the_year_is_refused():
    park = _billing_park()  # a 2027 series only
    InvoiceSeries.objects.create(park=park, symbol="C28TSP", year=2028, is_active=False)
    draft = make_invoice(park=park)

    with pytest.raises(NoInvoiceSeries) as refusal:
        invoice_issue(invoice=draft, issue_date=date(2028, 1, 2))

    assert refusal.value.code == "no_invoice_series"
    assert refusal.value.extra == {"park": str(park.pk), "year": 2028}
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_issuing_without_the_park_billing_settings_is_refused():
    park = make_park()
    make_series(park, year=2027)
    draft = make_invoice(park=park)

    with pytest.raises(NoBillingSettings) as refusal:
        invoice_issue(invoice=draft, issue_date=date(2027, 2, 1))

    assert refusal.value.code == "no_billing_settings"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_empty_invoice_stops_the_whole_batch():
    park = _billing_park()
    full, empty = make_invoice(park=park), make_invoice(park=park, lines=[])

    with pytest.raises(EmptyInvoice) as refusal:
        invoices_issue(invoices=[full, empty], issue_date=date(2027, 2, 1))

    assert (refusal.value.code, refusal.value.field) == ("empty_invoice", "lines")
    assert sorted(Invoice.objects.values_list("status", flat=True)) == ["draft", "draft"]
    assert InvoiceSeries.objects.get(park=park).next_number == 1


def test_an_issued_invoice_in_the_batch_stops_it_all():
    park = _billing_park()
    done, draft = make_invoice(park=park), make_invoice(park=park)
    invoice_issue(invoice=done, issue_date=date(2027, 2, 1))

    with pytest.raises(InvalidTransition) as refusal:
        invoices_issue(invoices=[draft, done], issue_date=date(2027, 2, 1))

    assert refusal.value.extra == {"allowed": ["void"]}
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert InvoiceSeries.objects.get(park=park).next_number == 2


def test_issuing_applies_the_company_credit():
    park, company = _billing_park(), make_company()
    payment = payment_create(
        park=park, company=company, amount_vnd=700_000, received_on=date(2027, 1, 20)
    )
    draft = make_invoice(park=park, company=company, lines=[(1_000_000, "10")])

    invoice_issue(invoice=draft, issue_date=date(2027, 2, 1))

    draft.refresh_from_db()
    payment.refresh_from_db()
    assert (draft.total_vnd, draft.paid_vnd, draft.balance_vnd) == (1_100_000, 700_000, 400_000)
    assert payment.unallocated_vnd == 0


# --- issued invoices are immutable ---------------------------------------------------------


def _issued(**overrides) -> Invoice:
    park = _billing_park()
    draft = make_invoice(park=park, lines=[(1_000_000, "10"), (200_000, "KCT")], **overrides)
    return invoice_issue(invoice=draft, issue_date=date(2027, 2, 1))


WRITES_TO_A_DRAFT = {
    "update": lambda invoice: invoice_update(invoice=invoice, data={"note": "sửa"}),
    "delete": lambda invoice: invoice_delete(invoice=invoice),
    "line_add": lambda invoice: invoice_line_add(
        invoice=invoice, data=_line("Thêm", "1", 1_000, "10")
    ),
    "line_delete": lambda invoice: invoice_line_delete(line=invoice.lines.first()),
    "issue": lambda invoice: invoice_issue(invoice=invoice, issue_date=date(2027, 3, 1)),
}


@pytest.mark.parametrize("write", WRITES_TO_A_DRAFT)
def test_an_issued_invoice_refuses_every_draft_write(write):
    invoice = _issued()
    before = Invoice.objects.values().get(pk=invoice.pk)
    lines_before = _lines_of(invoice)

    with pytest.raises(InvalidTransition) as refusal:
        WRITES_TO_A_DRAFT[write](invoice)

    assert (refusal.value.code, refusal.value.extra) == (
        "invalid_transition",
        {"allowed": ["void"]},
    )
    assert Invoice.objects.values().get(pk=invoice.pk) == before
    assert _lines_of(invoice) == lines_before


@pytest.mark.parametrize(
    "write", [*WRITES_TO_A_DRAFT, "void", "adjust"], ids=lambda name: f"void-{name}"
)
def test_a_void_invoice_refuses_every_write(write):
    invoice = _issued()
    invoice_void(invoice=invoice, reason="Sai tên người mua")
    before = Invoice.objects.values().get(pk=invoice.pk)
    writes = {
        **WRITES_TO_A_DRAFT,
        "void": lambda invoice: invoice_void(invoice=invoice, reason="lần nữa"),
        "adjust": lambda invoice: invoice_adjust(invoice=invoice),
    }

    with pytest.raises(InvalidTransition) as refusal:
        writes[write](invoice)

    assert refusal.value.extra == {"allowed": []}
    assert Invoice.objects.values().get(pk=invoice.pk) == before


@pytest.mark.parametrize("verb", ["void", "adjust"])
def test_a_draft_cannot_be_voided_or_adjusted(verb):
    draft = make_invoice()

    verbs = {
        "void": lambda: invoice_void(invoice=draft, reason="nhầm"),
        "adjust": lambda: invoice_adjust(invoice=draft),
    }

    with pytest.raises(InvalidTransition) as refusal:
        verbs[verb]()

    assert refusal.value.extra == {"allowed": ["issued"]}
    assert list(Invoice.objects.all()) == [draft]


# --- void and adjust ----------------------------------------------------------------------


def test_voiding_makes_a_replacement_draft_with_the_same_lines_and_sources():
    park = _billing_park()
    company = make_company()
    lease = make_lease(unit=make_unit(park=park), company=company)
    charge = make_charge(park, unit_price_vnd=3_500, vat_rate="8")
    usage = usage_create(
        data={"company": company, "charge": charge, "month": JANUARY, "quantity": Decimal("412.5")}
    )
    draft = invoice_create(park=park, company=company, month=JANUARY)
    generated = [
        # 15,000,000 a month, 31 of 31 days; 10 %: 1,500,000
        line_build(invoice=draft, position=1, kind=LineKind.RENT, description="Thuê A-1",
                   quantity=Decimal(1), unit_of_measure="tháng", unit_price_vnd=15_000_000,
                   vat_rate="10", lease=lease),
        # 412.5 kWh * 3,500 = 1,443,750; 8 %: 115,500
        line_build(invoice=draft, position=2, kind=LineKind.USAGE, description="Điện",
                   quantity=Decimal("412.5"), unit_of_measure="kWh", unit_price_vnd=3_500,
                   vat_rate="8", charge=charge, usage=usage),
    ]  # fmt: skip
    InvoiceLine.objects.bulk_create(generated)
    invoice_line_add(invoice=draft, data=_line("Phí khác", "1", 250_000, "KCT"))
    payment = payment_create(
        park=park, company=company, amount_vnd=5_000_000, received_on=date(2027, 1, 25)
    )
    issued = invoice_issue(invoice=draft, issue_date=date(2027, 2, 1))
    # 15,000,000 + 1,443,750 + 250,000 = 16,693,750; 1,500,000 + 115,500 = 1,615,500
    assert _figures(issued) == (16_693_750, 1_615_500, 18_309_250)
    assert issued.paid_vnd == 5_000_000

    replacement = invoice_void(invoice=issued, reason="  Sai địa chỉ người mua ")

    issued.refresh_from_db()
    payment.refresh_from_db()
    assert (issued.status, issued.void_reason, issued.paid_vnd) == (
        "void",
        "Sai địa chỉ người mua",
        0,
    )
    assert issued.voided_at is not None
    assert not Allocation.objects.exists()
    assert payment.unallocated_vnd == 5_000_000  # back to the company's credit
    assert (replacement.kind, replacement.status, replacement.replaces_id) == (
        "replacement",
        "draft",
        issued.pk,
    )
    assert (replacement.park_id, replacement.company_id, replacement.month) == (
        park.pk,
        company.pk,
        JANUARY,
    )
    assert (replacement.number, replacement.issue_date, replacement.due_date) == (None,) * 3
    fields = (
        "position", "kind", "description", "lease", "charge", "usage", "quantity",
        "unit_of_measure", "unit_price_vnd", "amount_vnd", "vat_rate", "vat_vnd",
    )  # fmt: skip
    assert list(replacement.lines.order_by("position").values_list(*fields)) == list(
        issued.lines.order_by("position").values_list(*fields)
    )
    assert _figures(replacement) == (16_693_750, 1_615_500, 18_309_250)
    # The replacement is issued with the next number, and takes the credit again.
    invoice_issue(invoice=replacement, issue_date=date(2027, 2, 2))
    replacement.refresh_from_db()
    assert (replacement.number, replacement.paid_vnd) == (2, 5_000_000)


def test_voiding_needs_a_reason():
    invoice = _issued()

    with pytest.raises(DomainError) as refusal:
        invoice_void(invoice=invoice, reason="  ")

    assert refusal.value.field == "reason"
    invoice.refresh_from_db()
    assert invoice.status == "issued"
    assert Invoice.objects.count() == 1


def test_an_adjustment_with_a_negative_line_is_issued_with_a_negative_total():
    original = _issued()

    adjustment = invoice_adjust(invoice=original)
    assert (adjustment.kind, adjustment.status, adjustment.replaces_id) == (
        "adjustment",
        "draft",
        original.pk,
    )
    assert (adjustment.month, adjustment.company_id) == (original.month, original.company_id)
    assert _figures(adjustment) == (0, 0, 0)
    # 1.5 * -333,333 = -499,999.5 -> -500,000 (half away from zero); 10 %: -50,000
    invoice_line_add(invoice=adjustment, data=_line("Giảm trừ", "1.5", -333_333, "10"))
    assert _figures(adjustment) == (-500_000, -50_000, -550_000)

    issued = invoice_issue(invoice=adjustment, issue_date=date(2027, 2, 3))

    issued.refresh_from_db()
    assert (issued.status, issued.number, issued.total_vnd, issued.paid_vnd) == (
        "issued",
        2,
        -550_000,
        0,
    )
    original.refresh_from_db()
    assert original.status == "issued"


def test_voiding_an_adjustment_makes_an_adjustment_draft():
    original = _issued()
    adjustment = invoice_adjust(invoice=original)
    invoice_line_add(invoice=adjustment, data=_line("Giảm trừ", "1", -100_000, "10"))
    invoice_issue(invoice=adjustment, issue_date=date(2027, 2, 3))

    again = invoice_void(invoice=adjustment, reason="Sai số tiền")

    assert (again.kind, again.replaces_id) == ("adjustment", adjustment.pk)
    assert _figures(again) == (-100_000, -10_000, -110_000)
