"""Emails of billing: each issued invoice's PDF to the billing contacts after the commit, in
the company's language; overdue reminders at most once per 7 days (locmem email backend)."""

import logging
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from billing.exceptions import EmptyInvoice
from billing.mail import invoices_email, invoices_issued_notify, reminders_send
from billing.models import Invoice, InvoiceStatus, Reminder
from billing.services.invoices import invoices_issue
from tests.billing.factories import make_billing_settings, make_invoice, make_series
from tests.factories import make_company, make_contact, make_park, make_representative


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    # The issue email is a django-task: run it inline, right when the commit enqueues it.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture
def park(db):
    park = make_park()
    make_billing_settings(park, legal_name="Công ty TNHH Công viên Phần mềm Mekong")
    return park


@pytest.fixture
def company(db):
    company = make_company(legal_name="Công ty Cổ phần Giải pháp Số Đồng Tháp")
    make_contact(company, name="Kế toán", email="ketoan@dongthap.vn", is_billing=True)
    make_contact(company, name="Giám đốc", email="giamdoc@dongthap.vn", is_primary=True)
    make_contact(company, name="Thủ quỹ", email="thuquy@dongthap.vn", is_billing=True)
    make_contact(company, name="Không email", is_billing=True)
    return company


def issue(park, company, **overrides) -> Invoice:
    return make_invoice(park=park, company=company, status=InvoiceStatus.ISSUED, **overrides)


# --- invoices issued ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_issued_invoice_is_emailed_with_its_pdf_to_the_billing_contacts_after_commit(
    park, company, mailoutbox
):
    invoice = issue(park, company, lines=[(1_000_000, "10")])
    with transaction.atomic():
        invoices_issued_notify([invoice.pk])
        assert mailoutbox == []  # nothing before the commit
    [message] = mailoutbox
    assert message.to == ["ketoan@dongthap.vn", "thuquy@dongthap.vn"]
    assert message.subject == (
        f"Hóa đơn {invoice.number_display} tháng 01/2027 - Công ty TNHH Công viên Phần mềm Mekong"
    )
    assert "Tổng tiền thanh toán: 1.100.000 VND" in message.body
    assert "(Một triệu một trăm nghìn đồng)" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{invoice.number_display}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    invoice.refresh_from_db()
    assert invoice.emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_issue_rolled_back_sends_no_email(park, company, mailoutbox):
    invoice = issue(park, company)

    def issue_that_fails():
        with transaction.atomic():
            invoices_issued_notify([invoice.pk])
            raise RuntimeError("the issuing transaction fails after queueing its emails")

    with pytest.raises(RuntimeError):
        issue_that_fails()
    assert mailoutbox == []
    invoice.refresh_from_db()
    assert invoice.emailed_at is None


@pytest.mark.django_db(transaction=True)
def test_issuing_emails_the_pdf_after_commit_and_a_refused_issue_sends_nothing(
    park, company, mailoutbox
):
    make_series(park)
    draft = make_invoice(park=park, company=company)
    empty = make_invoice(park=park, company=make_company(), lines=[])
    with pytest.raises(EmptyInvoice):  # all or nothing: the draft is not issued either
        invoices_issue(invoices=[draft, empty], issue_date=date(2027, 1, 31))
    assert mailoutbox == []
    invoices_issue(invoices=[draft], issue_date=date(2027, 1, 31))
    [message] = mailoutbox
    assert message.to == ["ketoan@dongthap.vn", "thuquy@dongthap.vn"]
    assert [name for name, _, _ in message.attachments] == ["1C27TSP-00000001.pdf"]


def test_without_billing_contacts_the_primary_contact_gets_the_invoice(
    park, mailoutbox, django_capture_on_commit_callbacks
):
    company = make_company()
    make_contact(company, name="Nhân viên", email="nhanvien@example.vn")
    make_contact(company, name="Giám đốc", email="giamdoc@example.vn", is_primary=True)
    invoice = issue(park, company)
    with django_capture_on_commit_callbacks(execute=True):
        invoices_issued_notify([invoice.pk])
    assert [message.to for message in mailoutbox] == [["giamdoc@example.vn"]]


def test_a_company_without_contacts_is_skipped_and_logged(
    park, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    company = make_company()
    make_contact(company, name="Không email", is_primary=True)
    invoice = issue(park, company)
    with (
        caplog.at_level(logging.WARNING, logger="softpark.billing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invoices_issued_notify([invoice.pk])
    assert mailoutbox == []
    assert [record.getMessage() for record in caplog.records] == [
        f"Invoice {invoice.number_display} not emailed: company {company.pk} has no billing or "
        "primary contact with an email"
    ]
    invoice.refresh_from_db()
    assert invoice.emailed_at is None


def test_the_email_is_in_english_when_the_representatives_read_english(park, company, mailoutbox):
    make_representative(company, language="en")
    invoice = issue(park, company, lines=[(1_000_000, "10")])
    assert invoices_email([invoice.pk]) == 1
    [message] = mailoutbox
    assert message.subject == (
        f"Invoice {invoice.number_display} for 01/2027 - Công ty TNHH Công viên Phần mềm Mekong"
    )
    assert "Total payable: 1,100,000 VND" in message.body
    assert "Due date: 2027-01-16" in message.body


@pytest.mark.parametrize(
    ("languages", "subject_starts"),
    [
        ([], "Hóa đơn"),
        (["vi"], "Hóa đơn"),
        (["en", "vi"], "Hóa đơn"),
        (["en", "en", "vi"], "Invoice"),
    ],
)
def test_the_language_is_the_one_most_representatives_use_else_vietnamese(
    park, company, mailoutbox, languages, subject_starts
):
    for language in languages:
        make_representative(company, language=language)
    invoices_email([issue(park, company).pk])
    assert [message.subject.split()[0] for message in mailoutbox] == [subject_starts.split()[0]]


def test_an_invoice_is_emailed_once_and_drafts_never(park, company, mailoutbox):
    invoice = issue(park, company)
    draft = make_invoice(park=park, company=company, month=date(2027, 2, 1))
    assert invoices_email([invoice.pk, draft.pk]) == 1
    assert invoices_email([invoice.pk, draft.pk]) == 0
    assert len(mailoutbox) == 1


# --- overdue reminders -------------------------------------------------------------------------

# make_invoice issues on the month's first day, due 15 days later: January's is due 2027-01-16.


def test_each_overdue_company_gets_one_reminder_listing_its_overdue_invoices(
    park, company, mailoutbox
):
    january = issue(park, company, lines=[(1_000_000, "10")], paid_vnd=100_000)
    february = issue(park, company, month=date(2027, 2, 1), lines=[(2_000_000, "10")])
    issue(park, company, month=date(2027, 3, 1))  # due 2027-03-16: not yet
    paid = make_company()
    make_contact(paid, name="Kế toán", email="ketoan@paid.vn", is_billing=True)
    issue(park, paid, paid_vnd=1_100_000)
    void = make_company()
    make_contact(void, name="Kế toán", email="ketoan@void.vn", is_billing=True)
    make_invoice(park=park, company=void, status=InvoiceStatus.VOID)

    assert reminders_send(on=date(2027, 3, 10)) == 1
    [message] = mailoutbox
    assert message.to == ["ketoan@dongthap.vn", "thuquy@dongthap.vn"]
    # 1,100,000 - 100,000 + 2,200,000 = 3,200,000
    assert message.subject == (
        "Nhắc thanh toán: 3.200.000 VND quá hạn - Công ty TNHH Công viên Phần mềm Mekong"
    )
    assert (
        f"- {january.number_display} ngày 01/01/2027, hạn 16/01/2027 (quá 53 ngày): "
        "còn phải trả 1.000.000 VND / tổng 1.100.000 VND"
    ) in message.body
    assert (
        f"- {february.number_display} ngày 01/02/2027, hạn 16/02/2027 (quá 22 ngày): "
        "còn phải trả 2.200.000 VND / tổng 2.200.000 VND"
    ) in message.body
    assert message.attachments == []
    assert list(Reminder.objects.values_list("company", "overdue_vnd", "recipients")) == [
        (company.pk, 3_200_000, "ketoan@dongthap.vn, thuquy@dongthap.vn")
    ]


def test_a_company_is_reminded_at_most_once_per_7_days(park, company, mailoutbox):
    issue(park, company)
    first = date(2027, 2, 1)
    assert reminders_send(on=first) == 1
    assert reminders_send(on=first) == 0  # idempotent: the cron ran twice
    assert reminders_send(on=first + timedelta(days=6)) == 0
    assert reminders_send(on=first + timedelta(days=7)) == 1
    assert len(mailoutbox) == 2
    assert [
        timezone.localdate(reminder.sent_at) for reminder in Reminder.objects.order_by("sent_at")
    ] == [
        first,
        first + timedelta(days=7),
    ]


def test_no_reminder_before_the_day_after_the_due_date(park, company, mailoutbox):
    issue(park, company)
    assert reminders_send(on=date(2027, 1, 16)) == 0
    assert reminders_send(on=date(2027, 1, 17)) == 1


def test_the_reminder_is_in_english_for_english_representatives(park, company, mailoutbox):
    make_representative(company, language="en")
    invoice = issue(park, company)
    reminders_send(on=date(2027, 1, 20))
    [message] = mailoutbox
    assert message.subject == (
        "Payment reminder: 1,100,000 VND overdue - Công ty TNHH Công viên Phần mềm Mekong"
    )
    assert (
        f"- {invoice.number_display} of 2027-01-01, due 2027-01-16 (4 days late): "
        "1,100,000 VND left to pay of 1,100,000 VND"
    ) in message.body


def test_a_company_without_contacts_gets_no_reminder_and_no_row(park, mailoutbox):
    issue(park, make_company())
    assert reminders_send(on=date(2027, 2, 1)) == 0
    assert mailoutbox == []
    assert Reminder.objects.count() == 0


def test_the_command_sends_the_reminders_of_the_day(park, company, mailoutbox):
    issue(park, company)
    out = StringIO()
    call_command("remind_overdue", "--on", "2027-02-01", stdout=out)
    assert out.getvalue() == "1 overdue reminders sent.\n"
    call_command("remind_overdue", "--on", "2027-02-01", stdout=out)
    assert out.getvalue() == "1 overdue reminders sent.\n0 overdue reminders sent.\n"
    assert len(mailoutbox) == 1
