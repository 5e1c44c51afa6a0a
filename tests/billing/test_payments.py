"""Payments, allocation and credit (design/billing.md, Payments). Figures by hand:
a 1,000,000 line at 10 % is 1,100,000; 2,000,000 at 8 % is 2,160,000; 500,000 KCT is 500,000.
"""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from billing.exceptions import InvalidPayment, Taken
from billing.models import Allocation, Invoice, InvoiceStatus, Payment
from billing.selectors import company_credit_vnd, invoices_visible_to, payments_visible_to
from billing.services.invoices import invoice_void, invoices_issue
from billing.services.payments import (
    allocations_release,
    credit_apply,
    payment_create,
    payment_delete,
    payment_update,
)
from tests.billing.factories import make_billing_settings, make_invoice, make_series
from tests.factories import (
    make_company,
    make_manager,
    make_park,
    make_representative,
    make_user,
)

pytestmark = pytest.mark.django_db

ISSUED = InvoiceStatus.ISSUED


@pytest.fixture
def park():
    park = make_park()
    make_series(park)
    return park


@pytest.fixture
def company():
    return make_company()


def issued(park, company, *, month, due_date, lines=((1_000_000, "10"),), **overrides):
    return make_invoice(
        park=park,
        company=company,
        month=month,
        lines=list(lines),
        status=ISSUED,
        issue_date=month,
        due_date=due_date,
        **overrides,
    )


def figures(invoice):
    invoice.refresh_from_db()
    return invoice.total_vnd, invoice.paid_vnd, invoice.balance_vnd


def allocations_of(payment):
    return sorted((a.invoice_id, a.amount_vnd) for a in Allocation.objects.filter(payment=payment))


def pay(park, company, amount_vnd, **overrides):
    fields = {"received_on": date(2027, 3, 1), "method": "bank_transfer"}
    fields.update(overrides)
    return payment_create(park=park, company=company, amount_vnd=amount_vnd, **fields)


def test_a_payment_goes_to_the_oldest_due_invoice_first_and_the_rest_is_credit(park, company):
    february = issued(park, company, month=date(2027, 2, 1), due_date=date(2027, 2, 16))
    january = issued(
        park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16), lines=[(2_000_000, "8")]
    )

    payment = pay(park, company, 3_500_000)

    assert figures(january) == (2_160_000, 2_160_000, 0)
    assert figures(february) == (1_100_000, 1_100_000, 0)
    assert allocations_of(payment) == sorted([(january.pk, 2_160_000), (february.pk, 1_100_000)])
    payment.refresh_from_db()
    assert payment.unallocated_vnd == 3_500_000 - 2_160_000 - 1_100_000 == 240_000
    assert company_credit_vnd(company=company, park=park) == 240_000


def test_invoices_due_the_same_day_are_paid_in_number_order(park, company):
    first = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 2, 15))
    second = issued(park, company, month=date(2027, 2, 1), due_date=date(2027, 2, 15))
    assert (first.number, second.number) == (1, 2)

    pay(park, company, 1_500_000)

    assert figures(first) == (1_100_000, 1_100_000, 0)
    assert figures(second) == (1_100_000, 400_000, 700_000)


def test_a_partial_payment_leaves_a_balance_and_no_credit(park, company):
    invoice = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))

    payment = pay(park, company, 600_000)

    assert figures(invoice) == (1_100_000, 600_000, 500_000)
    payment.refresh_from_db()
    assert payment.unallocated_vnd == 0
    assert allocations_of(payment) == [(invoice.pk, 600_000)]


def test_a_payment_naming_invoices_pays_them_in_the_order_named(park, company):
    january = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    february = issued(
        park, company, month=date(2027, 2, 1), due_date=date(2027, 2, 16), lines=[(500_000, "KCT")]
    )
    march = issued(park, company, month=date(2027, 3, 1), due_date=date(2027, 3, 16))

    payment = pay(park, company, 1_000_000, invoices=[march, february])

    assert figures(march) == (1_100_000, 1_000_000, 100_000)
    assert figures(february) == (500_000, 0, 500_000)
    assert figures(january) == (1_100_000, 0, 1_100_000)
    assert allocations_of(payment) == [(march.pk, 1_000_000)]


def test_a_named_invoice_takes_no_more_than_its_balance_and_the_rest_is_credit(park, company):
    invoice = issued(
        park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16), lines=[(500_000, "KCT")]
    )
    other = issued(park, company, month=date(2027, 2, 1), due_date=date(2027, 2, 16))

    payment = pay(park, company, 800_000, invoices=[invoice])

    assert figures(invoice) == (500_000, 500_000, 0)
    assert figures(other) == (1_100_000, 0, 1_100_000)  # not named: untouched
    payment.refresh_from_db()
    assert payment.unallocated_vnd == 300_000


@pytest.mark.parametrize("which", ["draft", "other_company", "other_park", "void"])
def test_a_payment_may_name_only_the_companys_issued_invoices_in_the_park(park, company, which):
    if which == "draft":
        invoice = make_invoice(park=park, company=company)
    elif which == "other_company":
        invoice = issued(park, make_company(), month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    elif which == "other_park":
        other_park = make_park()
        make_series(other_park)
        invoice = issued(other_park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    else:
        invoice = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
        Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.VOID)

    with pytest.raises(InvalidPayment) as refused:
        pay(park, company, 100_000, invoices=[invoice])

    assert (refused.value.code, refused.value.field) == ("invalid", "invoices")
    assert Payment.objects.count() == 0
    assert Allocation.objects.count() == 0


@pytest.mark.parametrize(
    ("amount", "method", "field"),
    [(0, "cash", "amount_vnd"), (-5, "cash", "amount_vnd"), (100, "cheque", "method")],
)
def test_a_payment_needs_a_positive_amount_and_a_known_method(park, company, amount, method, field):
    with pytest.raises(InvalidPayment) as refused:
        pay(park, company, amount, method=method)

    assert refused.value.field == field
    assert Payment.objects.count() == 0


def test_a_reference_is_unique_in_the_park_and_an_empty_one_is_stored_as_null(park, company):
    first = pay(park, company, 100_000, reference="UNC 0001")
    blank = pay(park, company, 100_000, reference="")
    another_blank = pay(park, company, 100_000, reference=None)
    elsewhere = make_park()
    pay(elsewhere, company, 100_000, reference="UNC 0001")  # another park: allowed

    with pytest.raises(Taken) as refused:
        pay(park, company, 200_000, reference="UNC 0001")

    assert (refused.value.code, refused.value.field) == ("unique", "reference")
    assert first.reference == "UNC 0001"
    assert Payment.objects.get(pk=blank.pk).reference is None
    assert Payment.objects.get(pk=another_blank.pk).reference is None
    assert Payment.objects.filter(park=park).count() == 3


def test_credit_is_applied_oldest_payment_first_to_the_invoices_given(park, company):
    older = pay(park, company, 700_000, received_on=date(2027, 1, 5))
    newer = pay(park, company, 900_000, received_on=date(2027, 1, 20))
    invoice = issued(park, company, month=date(2027, 2, 1), due_date=date(2027, 2, 16))

    applied = credit_apply(park=park, company=company, invoices=[invoice])

    assert applied == 1_100_000
    assert invoice.paid_vnd == 1_100_000  # the instance passed in is kept in step
    assert figures(invoice) == (1_100_000, 1_100_000, 0)
    assert allocations_of(older) == [(invoice.pk, 700_000)]
    assert allocations_of(newer) == [(invoice.pk, 400_000)]
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.unallocated_vnd, newer.unallocated_vnd) == (0, 500_000)


def test_credit_apply_without_invoices_fills_every_open_invoice_oldest_due_first(park, company):
    pay(park, company, 1_500_000)  # nothing to pay yet: all credit
    later = issued(park, company, month=date(2027, 2, 1), due_date=date(2027, 2, 16))
    earlier = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))

    assert credit_apply(park=park, company=company) == 1_500_000

    assert figures(earlier) == (1_100_000, 1_100_000, 0)
    assert figures(later) == (1_100_000, 400_000, 700_000)
    assert company_credit_vnd(company=company) == 0


def test_credit_apply_leaves_other_invoices_and_other_parks_alone(park, company):
    other_park = make_park()
    make_series(other_park)
    pay(other_park, company, 5_000_000)  # credit in another park
    given = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    draft = make_invoice(park=park, company=company, month=date(2027, 2, 1))

    assert credit_apply(park=park, company=company, invoices=[given, draft]) == 0
    assert figures(given) == (1_100_000, 0, 1_100_000)
    assert company_credit_vnd(company=company, park=other_park) == 5_000_000


def test_a_credit_note_with_a_negative_total_is_never_open(park, company):
    original = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    credit_note = issued(
        park,
        company,
        month=date(2027, 1, 1),
        due_date=date(2027, 1, 20),
        lines=[(-200_000, "10")],
        kind="adjustment",
        replaces=original,
    )

    payment = pay(park, company, 1_500_000)

    assert figures(credit_note) == (-220_000, 0, -220_000)
    assert figures(original) == (1_100_000, 1_100_000, 0)
    assert allocations_of(payment) == [(original.pk, 1_100_000)]


def test_deleting_a_payment_removes_its_allocations_and_restores_the_balances(park, company):
    january = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    february = issued(park, company, month=date(2027, 2, 1), due_date=date(2027, 2, 16))
    first = pay(park, company, 1_500_000)
    second = pay(park, company, 300_000)
    assert figures(february) == (1_100_000, 700_000, 400_000)

    payment_delete(payment=first, actor=make_manager())

    assert not Payment.objects.filter(pk=first.pk).exists()
    assert Allocation.objects.filter(payment_id=first.pk).count() == 0
    assert figures(january) == (1_100_000, 0, 1_100_000)
    assert figures(february) == (1_100_000, 300_000, 800_000)
    assert allocations_of(second) == [(february.pk, 300_000)]


def test_releasing_a_voided_invoices_allocations_turns_them_into_credit(park, company):
    january = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    february = issued(park, company, month=date(2027, 2, 1), due_date=date(2027, 2, 16))
    first = pay(park, company, 800_000)  # all on January
    second = pay(park, company, 1_000_000)  # 300,000 on January, 700,000 on February

    released = allocations_release(invoice=january)

    assert released == 1_100_000
    assert january.paid_vnd == 0
    assert figures(january) == (1_100_000, 0, 1_100_000)
    assert figures(february) == (1_100_000, 700_000, 400_000)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.unallocated_vnd, second.unallocated_vnd) == (800_000, 300_000)
    assert allocations_of(first) == []
    assert allocations_of(second) == [(february.pk, 700_000)]
    assert company_credit_vnd(company=company, park=park) == 1_100_000


def test_releasing_an_unpaid_invoice_changes_nothing(park, company):
    invoice = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    version = invoice.version

    assert allocations_release(invoice=invoice) == 0

    invoice.refresh_from_db()
    assert (invoice.paid_vnd, invoice.version) == (0, version)


def test_only_the_note_of_a_payment_may_change(park, company):
    payment = pay(park, company, 100_000, note="")

    payment_update(payment=payment, data={"note": "Chuyển khoản tháng 1"}, actor=None)

    payment.refresh_from_db()
    assert (payment.note, payment.version) == ("Chuyển khoản tháng 1", 2)
    with pytest.raises(TypeError):
        payment_update(payment=payment, data={"amount_vnd": 5}, actor=None)


# -- who sees what (design/billing.md, Who) -------------------------------------------------


def test_a_representative_sees_their_companys_issued_and_void_invoices_never_drafts(park, company):
    representative = make_representative(company)
    mine = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    voided = issued(park, company, month=date(2027, 2, 1), due_date=date(2027, 2, 16))
    Invoice.objects.filter(pk=voided.pk).update(status=InvoiceStatus.VOID)
    draft = make_invoice(park=park, company=company, month=date(2027, 3, 1))
    others = issued(park, make_company(), month=date(2027, 1, 1), due_date=date(2027, 1, 16))

    assert set(invoices_visible_to(representative)) == {mine, voided}
    assert set(invoices_visible_to(make_manager())) == {mine, voided, draft, others}
    assert list(invoices_visible_to(make_user())) == []
    assert list(invoices_visible_to(AnonymousUser())) == []


def test_a_representative_sees_their_companys_payments_only(park, company):
    representative = make_representative(company)
    invoice = issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
    mine = pay(park, company, 400_000)
    others = pay(park, make_company(), 500_000)

    visible = list(payments_visible_to(representative))

    assert visible == [mine]
    assert [(a.invoice, a.amount_vnd) for a in visible[0].allocations.all()] == [(invoice, 400_000)]
    assert set(payments_visible_to(make_manager())) == {mine, others}
    assert list(payments_visible_to(make_user())) == []
    assert list(payments_visible_to(AnonymousUser())) == []


@pytest.mark.parametrize("count", [1, 10])
def test_the_payments_list_runs_the_same_queries_for_one_payment_or_many(
    park, count, django_assert_num_queries
):
    manager = make_manager()
    manager.is_manager()  # the role is read once per user; the list is what is counted
    for _ in range(count):
        company = make_company()
        issued(park, company, month=date(2027, 1, 1), due_date=date(2027, 1, 16))
        pay(park, company, 2_000_000)

    with django_assert_num_queries(2):
        numbers = [
            [a.invoice.number_display for a in payment.allocations.all()]
            for payment in payments_visible_to(manager)
        ]

    assert len(numbers) == count


# -- through the issuing and voiding services ----------------------------------------------


def test_issuing_uses_the_credit_and_voiding_gives_it_back(park, company):
    make_billing_settings(park)
    earlier = pay(park, company, 2_000_000, received_on=date(2027, 1, 2))
    draft = make_invoice(park=park, company=company, month=date(2027, 1, 1))

    [invoice] = invoices_issue(invoices=[draft], issue_date=date(2027, 1, 5))

    assert invoice.paid_vnd == 1_100_000
    assert figures(invoice) == (1_100_000, 1_100_000, 0)
    assert allocations_of(earlier) == [(invoice.pk, 1_100_000)]
    assert company_credit_vnd(company=company, park=park) == 900_000

    invoice_void(invoice=invoice, reason="Sai mã số thuế người mua", actor=None)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_vnd) == (InvoiceStatus.VOID, 0)
    assert allocations_of(earlier) == []
    assert company_credit_vnd(company=company, park=park) == 2_000_000
