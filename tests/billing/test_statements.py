"""Bank-statement transfer texts matched to companies and invoices, and the payments recorded
from them. Figures by hand: a 1,000,000 line at 10 % is 1,100,000; 2,000,000 at 8 % is
2,160,000; 500,000 KCT is 500,000.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.exceptions import InvalidPayment
from billing.models import Allocation, InvoiceStatus, Payment
from billing.selectors import company_credit_vnd
from billing.services.invoices import invoice_void
from billing.services.payments import payment_record_transfer
from billing.statements import TransferMatch, transfers_match
from tests.billing.factories import make_invoice, make_series
from tests.factories import make_company, make_park, make_tax_code

pytestmark = pytest.mark.django_db

ISSUED = InvoiceStatus.ISSUED


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def series(park):
    return make_series(park)  # 1 / C27TSP


@pytest.fixture
def company():
    return make_company()


def issued(
    park, company, *, number=None, month=date(2027, 1, 1), due_date=None, status=ISSUED, **overrides
):
    return make_invoice(
        park=park,
        company=company,
        month=month,
        status=status,
        number=number,
        issue_date=month,
        due_date=due_date,
        **overrides,
    )


def match_one(park, content):
    [match] = transfers_match(park=park, contents=[content])
    return match


# -- invoice numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "CT TNHH ABC TT HD 1C27TSP-00000042 THANG 11",
        "CT TNHH ABC TT HD C27TSP-00000042 THANG 11",
        "CT TNHH ABC TT HD C27TSP 42 THANG 11",
        "CT TNHH ABC TT HD C27TSP-42",
        "TT HD C27TSP42",
        "THANH TOAN HD SO C27TSP 0042.",
        "tt hoa don c27tsp 42 thang 11",
        "TT HDC27TSP 42",
        "1C27TSP-00000042",
    ],
)
def test_each_form_of_an_invoice_number_names_the_invoice(park, series, company, content):
    issued(park, make_company(), series=series, number=41)
    invoice = issued(park, company, series=series, number=42, month=date(2027, 2, 1))

    assert match_one(park, content) == TransferMatch(
        company=company, invoice=invoice, how="invoice"
    )


@pytest.mark.parametrize(
    "content",
    [
        "TT HD C27TSP 420",  # another number
        "TT HD 2C27TSP-00000042",  # another template code
        "TT HD 31C27TSP 42",  # the symbol runs on from other digits
        "TT HD C27TSP 000000042",  # nine digits: not an invoice number
        "TT HD C27TSP 42.000 VND",  # an amount, not invoice 42
        "TT HD C27TSX 42",  # another symbol
        "TT HD 42 THANG 11",  # no symbol
    ],
)
def test_what_is_not_an_invoice_number(park, series, company, content):
    issued(park, company, series=series, number=42)

    assert match_one(park, content) is None


def test_only_an_issued_invoice_of_this_park_is_named_by_number(park, series, company):
    other_park = make_park()
    make_series(other_park)  # the same symbol, C27TSP, in another park
    elsewhere = issued(other_park, company, number=7)
    void = issued(park, company, number=8, status=InvoiceStatus.VOID)
    make_invoice(park=park, company=company, month=date(2027, 3, 1))  # a draft: no number
    assert (elsewhere.number_display, void.number_display) == (
        "1C27TSP-00000007",
        "1C27TSP-00000008",
    )

    matches = transfers_match(
        park=park,
        contents=[
            "TT HD C27TSP 7",
            "TT HD C27TSP 8",
            "TT HD C27TSP 1",
            f"TT HD C27TSP 7 MST {company.tax_code}",
            f"TT HD C27TSP 8 MST {company.tax_code}",
        ],
    )

    by_tax_code = TransferMatch(company=company, invoice=None, how="tax_code")
    assert matches == [None, None, None, by_tax_code, by_tax_code]


def test_a_voided_invoice_is_no_longer_named(park, series, company):
    invoice = issued(park, company, number=5)
    assert match_one(park, "TT HD C27TSP 5").invoice == invoice

    invoice_void(invoice=invoice, reason="Sai đơn giá")

    assert match_one(park, "TT HD C27TSP 5") is None


def test_an_invoice_number_wins_over_the_same_companys_tax_code(park, series, company):
    invoice = issued(park, company, number=3)

    match = match_one(park, f"CT ABC MST {company.tax_code} TT HD C27TSP 3")

    assert match == TransferMatch(company=company, invoice=invoice, how="invoice")


def test_two_invoices_of_one_company_name_the_company_but_no_invoice(park, series, company):
    issued(park, company, number=3)
    issued(park, company, number=4, month=date(2027, 2, 1))

    match = match_one(park, "TT HD C27TSP 3 VA C27TSP 4")

    assert match == TransferMatch(company=company, invoice=None, how="invoice")


def test_the_same_invoice_written_twice_is_still_one_invoice(park, series, company):
    invoice = issued(park, company, number=3)

    match = match_one(park, "TT HD 1C27TSP-00000003 (C27TSP 3)")

    assert match == TransferMatch(company=company, invoice=invoice, how="invoice")


# -- tax codes -------------------------------------------------------------------------------


def test_a_tax_code_names_its_company(park, company):
    make_company()

    match = match_one(park, f"CONG TY ABC MST {company.tax_code} CHUYEN TIEN THUE T11")

    assert match == TransferMatch(company=company, invoice=None, how="tax_code")


def test_a_branch_tax_code_names_the_branch_and_the_head_code_the_head(park):
    head_code = make_tax_code()
    head = make_company(tax_code=head_code)
    branch = make_company(tax_code=f"{head_code}-001")

    matches = transfers_match(
        park=park,
        contents=[f"CN ABC MST {head_code}-001 TT", f"ABC MST {head_code} TT", f"MST{head_code}"],
    )

    assert [(m.company, m.how) for m in matches] == [
        (branch, "tax_code"),
        (head, "tax_code"),
        (head, "tax_code"),
    ]


def test_digits_inside_a_longer_number_are_not_a_tax_code(park, company):
    code = company.tax_code
    contents = [
        f"STK 19{code} TT",  # an account number ending in the code
        f"STK {code}77 TT",  # an account number starting with it
        f"REF {code}-0012",  # a four-digit "branch"
        f"REF 12-{code}",
        f"TT {code[:9]}{(int(code[9]) + 1) % 10}",  # the check digit wrong
        f"OK {code}",
    ]

    matches = transfers_match(park=park, contents=contents)

    assert matches == [None] * 5 + [TransferMatch(company=company, invoice=None, how="tax_code")]


def test_a_tax_code_of_no_company_matches_nothing(park):
    assert match_one(park, f"MST {make_tax_code()} TT") is None
    assert match_one(park, "") is None


# -- ambiguity -------------------------------------------------------------------------------


def test_a_text_naming_two_companies_matches_none(park, series, company):
    other = make_company()
    issued(park, company, number=1)
    issued(park, other, number=2)

    matches = transfers_match(
        park=park,
        contents=[
            "TT HD C27TSP 1 VA C27TSP 2",  # two invoices, two companies
            f"TT HD C27TSP 1 MST {other.tax_code}",  # an invoice and another's tax code
            f"MST {company.tax_code} VA {other.tax_code}",  # two tax codes
        ],
    )

    assert matches == [None, None, None]


# -- queries ---------------------------------------------------------------------------------


def _contents(park, series, count):
    contents = []
    for index in range(count):
        company = make_company()
        if index % 2:
            issued(park, company, series=series)
            contents.append(f"TT HD C27TSP {series.next_number - 1} THANG 11")
        else:
            contents.append(f"CT {index} MST {company.tax_code} CK")
    return contents


def test_matching_takes_two_queries_for_5_or_50_texts(park, series):
    few, many = _contents(park, series, 5), _contents(park, series, 50)

    with CaptureQueriesContext(connection) as five:
        five_matches = transfers_match(park=park, contents=few)
    with CaptureQueriesContext(connection) as fifty:
        fifty_matches = transfers_match(park=park, contents=many)

    assert (len(five), len(fifty)) == (2, 2)
    assert all(m is not None for m in five_matches + fifty_matches)
    assert [m.how for m in fifty_matches[:4]] == ["tax_code", "invoice", "tax_code", "invoice"]
    # The invoices came with their series and company: reading them costs nothing more.
    with CaptureQueriesContext(connection) as after:
        [(m.company.legal_name, m.invoice and m.invoice.number_display) for m in fifty_matches]
    assert len(after) == 0


def test_matching_writes_nothing_and_reads_nothing_without_candidates(park, series, company):
    issued(park, company, number=1)
    with CaptureQueriesContext(connection) as queries:
        assert transfers_match(park=park, contents=["CHUYEN TIEN", "TT THANG 11"]) == [None, None]
    assert len(queries) == 0


# -- recording a matched transfer ------------------------------------------------------------


@pytest.fixture
def three_invoices(park, series, company):
    january = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    february = issued(
        park,
        company,
        month=date(2027, 2, 1),
        due_date=date(2027, 2, 16),
        lines=[(2_000_000, "8")],
    )
    march = issued(
        park,
        company,
        month=date(2027, 3, 1),
        due_date=date(2027, 3, 16),
        lines=[(500_000, "KCT")],
    )
    return january, february, march


def record(park, match, amount_vnd, content="TT", reference=None):
    return payment_record_transfer(
        park=park,
        match=match,
        amount_vnd=amount_vnd,
        received_on=date(2027, 3, 20),
        reference=reference,
        content=content,
    )


def allocations_of(payment):
    return {a.invoice_id: a.amount_vnd for a in Allocation.objects.filter(payment=payment)}


def paid(*invoices):
    for invoice in invoices:
        invoice.refresh_from_db()
    return [invoice.paid_vnd for invoice in invoices]


def test_the_named_invoice_is_paid_first_then_the_oldest(park, company, three_invoices):
    january, february, march = three_invoices
    content = "CT ABC TT HD C27TSP 2 THANG 2"
    match = match_one(park, content)
    assert match == TransferMatch(company=company, invoice=february, how="invoice")

    payment = record(park, match, 3_000_000, content=content, reference="FT27079001")

    assert allocations_of(payment) == {february.pk: 2_160_000, january.pk: 840_000}
    assert paid(january, february, march) == [840_000, 2_160_000, 0]
    payment.refresh_from_db()
    assert (payment.method, payment.note, payment.reference, payment.unallocated_vnd) == (
        "bank_transfer",
        content,
        "FT27079001",
        0,
    )


def test_what_is_above_every_balance_is_credit(park, company, three_invoices):
    january, february, march = three_invoices
    match = TransferMatch(company=company, invoice=march, how="invoice")

    payment = record(park, match, 4_000_000)

    assert allocations_of(payment) == {
        march.pk: 500_000,
        january.pk: 1_100_000,
        february.pk: 2_160_000,
    }
    assert paid(january, february, march) == [1_100_000, 2_160_000, 500_000]
    payment.refresh_from_db()
    assert payment.unallocated_vnd == 240_000
    assert company_credit_vnd(company=company, park=park) == 240_000


def test_a_named_invoice_already_paid_leaves_the_money_to_the_oldest(park, company, three_invoices):
    january, february, march = three_invoices
    record(park, TransferMatch(company=company, invoice=march, how="invoice"), 500_000)

    payment = record(park, TransferMatch(company=company, invoice=march, how="invoice"), 1_200_000)

    assert allocations_of(payment) == {january.pk: 1_100_000, february.pk: 100_000}
    assert paid(january, february, march) == [1_100_000, 100_000, 500_000]


def test_a_tax_code_match_pays_the_oldest_first(park, company, three_invoices):
    january, february, march = three_invoices
    match = match_one(park, f"MST {company.tax_code} CK")
    assert match.how == "tax_code"

    payment = record(park, match, 1_500_000)

    assert allocations_of(payment) == {january.pk: 1_100_000, february.pk: 400_000}
    assert paid(january, february, march) == [1_100_000, 400_000, 0]


def test_an_invoice_voided_since_the_match_is_passed_over(park, company, three_invoices):
    january, february, march = three_invoices
    match = match_one(park, "TT HD C27TSP 3")
    assert match.invoice == march
    invoice_void(invoice=march, reason="Sai đơn giá")

    payment = record(park, match, 1_200_000)

    assert allocations_of(payment) == {january.pk: 1_100_000, february.pk: 100_000}
    assert paid(january, february, march) == [1_100_000, 100_000, 0]


def test_the_note_is_the_text_cut_to_the_notes_length(park, company):
    content = "  " + "CT ABC TT " + "X" * 400 + "  "

    payment = record(
        park, TransferMatch(company=company, invoice=None, how="tax_code"), 1_000, content=content
    )
    payment.refresh_from_db()
    assert payment.note == ("CT ABC TT " + "X" * 400)[:300]
    assert len(payment.note) == Payment._meta.get_field("note").max_length == 300
    assert payment.unallocated_vnd == 1_000  # no open invoice: all credit


def test_an_invoice_of_another_company_is_refused_and_nothing_is_written(
    park, company, three_invoices
):
    january, _february, _march = three_invoices
    other = make_company()

    with pytest.raises(InvalidPayment) as refused:
        record(park, TransferMatch(company=other, invoice=january, how="invoice"), 1_000_000)

    assert refused.value.field == "invoices"
    assert Payment.objects.count() == 0
    assert paid(january) == [0]
