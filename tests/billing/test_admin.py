"""The billing admin through Django's test client: every save, action and page goes through
billing.services, and a write to an issued invoice is refused on the page, never a 500."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from billing.models import (
    Allocation,
    BillingSettings,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    Payment,
    Usage,
)
from billing.services.invoices import invoice_issue
from tests.billing.factories import (
    make_billing_settings,
    make_charge,
    make_invoice,
    make_series,
)
from tests.factories import make_company, make_lease, make_park, make_tax_code, make_unit

JANUARY = date(2027, 1, 1)


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def page_of(response):
    return response.content.decode()


def today():
    return timezone.localdate()


@pytest.fixture
def park():
    park = make_park(name="Mekong Software Park")
    make_billing_settings(park)
    make_series(park, year=today().year)
    return park


@pytest.fixture
def tenant(park):
    """A company leasing a 15,000,000 đ office for all of 2027."""
    company = make_company(legal_name="Công ty TNHH Phần mềm Mỹ Tho")
    unit = make_unit(park=park, monthly_rate_vnd=15_000_000)
    make_lease(unit=unit, company=company, start_date=JANUARY, end_date=date(2027, 12, 31))
    return company


def issued(park, company, *, price=1_000_000, month=JANUARY):
    return invoice_issue(
        invoice=make_invoice(park=park, company=company, month=month, lines=[(price, "10")])
    )


# --- set-up: settings, series, the price list -------------------------------------------


def test_billing_settings_are_added_through_the_service_with_the_tax_code_checked(
    admin_client,
):
    park = make_park()
    form = {
        "park": str(park.pk),
        "legal_name": "Công ty TNHH Công viên Phần mềm",
        "tax_code": "0123",
        "address": "Mỹ Tho",
        "bank_name": "",
        "bank_account": "",
        "payment_terms_days": "15",
        "rent_vat_rate": "10",
        "management_fee_vnd_per_m2": "0",
        "management_fee_vat_rate": "10",
    }

    refused = admin_client.post("/admin/billing/billingsettings/add/", form)
    form["tax_code"] = make_tax_code()
    added = admin_client.post("/admin/billing/billingsettings/add/", form)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["tax_code"]
    assert added.status_code == 302
    settings = BillingSettings.objects.get(park=park)
    assert (settings.legal_name, settings.tax_code) == (form["legal_name"], form["tax_code"])


def test_a_series_whose_symbol_is_not_its_year_is_a_form_error(admin_client):
    park = make_park()
    form = {
        "park": str(park.pk),
        "template_code": "1",
        "symbol": "C26TSP",
        "year": "2027",
        "is_active": "on",
    }

    response = admin_client.post("/admin/billing/invoiceseries/add/", form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["symbol"]
    assert not InvoiceSeries.objects.exists()


def test_a_series_with_issued_invoices_is_not_deleted(admin_client, park):
    series = InvoiceSeries.objects.get(park=park)
    issued(park, make_company(), month=today().replace(day=1))

    response = admin_client.post(
        f"/admin/billing/invoiceseries/{series.pk}/delete/", {"post": "yes"}
    )

    # Its invoices protect it: Django's page says so and deletes nothing.
    assert response.status_code == 200
    assert response.context["protected"]
    assert InvoiceSeries.objects.filter(pk=series.pk).exists()


def test_the_price_list_shows_prices_in_dong(admin_client, park):
    make_charge(park, name="Điện năng", unit_price_vnd=3500)

    page = page_of(admin_client.get("/admin/billing/charge/"))

    assert "3,500 đ" in page
    assert "Điện năng" in page


# --- usage ---------------------------------------------------------------------------------


def test_the_usage_grid_saves_each_changed_cell_through_the_usage_services(
    admin_client, park, tenant
):
    electricity = make_charge(park, code="electricity", name="Điện", unit_price_vnd=3500)
    water = make_charge(park, code="water", name="Nước", unit_of_measure="m³")
    Usage.objects.create(company=tenant, charge=water, month=JANUARY, quantity=9)
    url = f"/admin/billing/usage/grid/?park={park.pk}&month=2027-01"

    shown = admin_client.get(url)
    saved = admin_client.post(
        url,
        {f"q-{tenant.pk}-{electricity.pk}": "1234,5", f"q-{tenant.pk}-{water.pk}": ""},
    )

    assert f'name="q-{tenant.pk}-{water.pk}" value="9"' in page_of(shown)
    assert saved.status_code == 302
    assert messages_of(saved) == ["2 usage cell(s) saved."]
    [usage] = Usage.objects.all()
    assert (usage.charge, usage.month, usage.quantity) == (electricity, JANUARY, 1234.5)


def test_one_refused_cell_of_the_usage_grid_saves_none(admin_client, park, tenant):
    electricity = make_charge(park, code="electricity")
    water = make_charge(park, code="water")
    url = f"/admin/billing/usage/grid/?park={park.pk}&month=2027-01"

    response = admin_client.post(
        url, {f"q-{tenant.pk}-{electricity.pk}": "10", f"q-{tenant.pk}-{water.pk}": "ten"}
    )

    assert response.status_code == 200
    assert "Not a number." in page_of(response)
    assert messages_of(response) == ["Nothing was saved: correct the cells marked below."]
    assert not Usage.objects.exists()


# --- the invoice run -----------------------------------------------------------------------


def test_the_invoice_run_preview_shows_the_drafts_to_be_and_writes_nothing(
    admin_client, park, tenant
):
    response = admin_client.get(f"/admin/billing/invoice/run/?park={park.pk}&month=2027-01")

    page = page_of(response)
    assert response.status_code == 200
    assert [
        (row["row"].company_name, row["outcome"], row["total"]) for row in response.context["rows"]
    ] == [("Công ty TNHH Phần mềm Mỹ Tho", "to be created", "16,500,000 đ")]
    assert "16,500,000 đ" in page
    assert 'name="create"' in page
    assert not Invoice.objects.exists()


def test_create_drafts_runs_the_invoice_run_and_opens_the_months_drafts(admin_client, park, tenant):
    response = admin_client.post(
        "/admin/billing/invoice/run/", {"park": str(park.pk), "month": "2027-01"}
    )

    [draft] = Invoice.objects.all()
    assert (draft.company, draft.month, draft.status, draft.total_vnd) == (
        tenant,
        JANUARY,
        "draft",
        16_500_000,
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"/admin/billing/invoice/?month=2027-01&park__id__exact={park.pk}&status__exact=draft"
    )
    assert messages_of(response) == [
        "Invoice run of 2027-01: 1 created, 0 refreshed, 0 unchanged, 0 already issued; "
        "16,500,000 đ in drafts."
    ]
    listed = admin_client.get(response["Location"])
    assert list(listed.context["cl"].result_list) == [draft]


def test_the_invoice_run_with_a_month_that_is_not_one_says_so(admin_client, park, tenant):
    response = admin_client.get(f"/admin/billing/invoice/run/?park={park.pk}&month=2027-13")

    assert response.status_code == 200
    assert response.context["form"].errors["month"] == [
        "A month is written YYYY-MM or YYYY-MM-01 (e.g. 2027-01)."
    ]
    assert response.context["summary"] is None
    assert not Invoice.objects.exists()


# --- drafts ----------------------------------------------------------------------------------


def draft_page_form(invoice, *, note="", new_line=None, delete_lines=()):
    """The POST of a draft's page: the note, the existing lines (with DELETE ticks) and one
    new manual line."""
    lines = list(invoice.lines.order_by("position"))
    form = {
        "note": note,
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": str(len(lines)),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "0",
        "lines-2-TOTAL_FORMS": "1",
        "lines-2-INITIAL_FORMS": "0",
        "lines-2-MIN_NUM_FORMS": "0",
        "lines-2-MAX_NUM_FORMS": "1000",
    }
    for index, line in enumerate(lines):
        form[f"lines-{index}-id"] = str(line.pk)
        form[f"lines-{index}-invoice"] = str(invoice.pk)
        if line in delete_lines:
            form[f"lines-{index}-DELETE"] = "on"
    for name, value in (new_line or {}).items():
        form[f"lines-2-0-{name}"] = value
    form["lines-2-0-invoice"] = str(invoice.pk)
    return form


NEW_LINE = {
    "description": "Phí vệ sinh văn phòng",
    "quantity": "2",
    "unit_of_measure": "lần",
    "unit_price_vnd": "350000",
    "vat_rate": "8",
}


def test_a_drafts_page_adds_a_manual_line_and_its_totals_follow(admin_client, park):
    draft = make_invoice(park=park, lines=[(1_000_000, "10")])

    response = admin_client.post(
        f"/admin/billing/invoice/{draft.pk}/change/",
        draft_page_form(draft, note="Kỳ tháng 1", new_line=NEW_LINE),
    )

    assert response.status_code == 302, page_of(response)
    draft.refresh_from_db()
    added = draft.lines.get(kind="manual", description=NEW_LINE["description"])
    # 2 * 350,000 = 700,000; VAT 8 % = 56,000; plus the 1,000,000 line at 10 %.
    assert (added.amount_vnd, added.vat_vnd) == (700_000, 56_000)
    assert (draft.note, draft.subtotal_vnd, draft.vat_vnd, draft.total_vnd) == (
        "Kỳ tháng 1",
        1_700_000,
        156_000,
        1_856_000,
    )


def test_a_drafts_page_removes_a_line_through_the_service(admin_client, park):
    draft = make_invoice(park=park, lines=[(1_000_000, "10"), (500_000, "KCT")])
    first = draft.lines.get(position=1)

    response = admin_client.post(
        f"/admin/billing/invoice/{draft.pk}/change/",
        draft_page_form(draft, delete_lines=[first]),
    )

    assert response.status_code == 302, page_of(response)
    draft.refresh_from_db()
    assert list(draft.lines.values_list("unit_price_vnd", flat=True)) == [500_000]
    assert (draft.subtotal_vnd, draft.vat_vnd, draft.total_vnd) == (500_000, 0, 500_000)


# --- an issued invoice refuses every write -------------------------------------------------


@pytest.fixture
def issued_invoice(park):
    return issued(park, make_company(), month=today().replace(day=1))


def unchanged(invoice):
    fresh = Invoice.objects.get(pk=invoice.pk)
    return (
        fresh.status,
        fresh.note,
        fresh.total_vnd,
        fresh.version,
        list(fresh.lines.values_list("description", "amount_vnd")),
    )


def test_an_issued_invoices_page_is_read_only(admin_client, issued_invoice):
    response = admin_client.get(f"/admin/billing/invoice/{issued_invoice.pk}/change/")

    page = page_of(response)
    assert response.status_code == 200
    assert 'name="note"' not in page
    assert 'name="_save"' not in page
    assert "lines-2-0-description" not in page
    assert issued_invoice.number_display in page
    assert f"/admin/billing/invoice/{issued_invoice.pk}/void/" in page
    assert f"/admin/billing/invoice/{issued_invoice.pk}/xml/" in page


def test_a_note_posted_to_an_issued_invoice_is_refused_on_the_form(admin_client, issued_invoice):
    before = unchanged(issued_invoice)

    response = admin_client.post(
        f"/admin/billing/invoice/{issued_invoice.pk}/change/",
        draft_page_form(issued_invoice, note="sửa sau khi phát hành"),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert list(errors) != []
    assert unchanged(issued_invoice) == before


def test_a_line_posted_to_an_issued_invoice_is_refused_with_a_message(admin_client, issued_invoice):
    before = unchanged(issued_invoice)

    response = admin_client.post(
        f"/admin/billing/invoice/{issued_invoice.pk}/change/",
        draft_page_form(issued_invoice, new_line=NEW_LINE),
    )

    assert response.status_code == 302
    assert len(messages_of(response)) == 1
    assert unchanged(issued_invoice) == before


def test_removing_a_line_of_an_issued_invoice_is_refused(admin_client, issued_invoice):
    before = unchanged(issued_invoice)
    line = issued_invoice.lines.get()

    response = admin_client.post(
        f"/admin/billing/invoice/{issued_invoice.pk}/change/",
        draft_page_form(issued_invoice, delete_lines=[line]),
    )

    assert response.status_code == 302
    assert len(messages_of(response)) == 1
    assert unchanged(issued_invoice) == before


def test_deleting_an_issued_invoice_is_refused(admin_client, issued_invoice):
    before = unchanged(issued_invoice)

    response = admin_client.post(
        f"/admin/billing/invoice/{issued_invoice.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert len(messages_of(response)) == 1
    assert unchanged(issued_invoice) == before


def test_deleting_a_draft_goes_through_the_service(admin_client, park):
    draft = make_invoice(park=park)

    response = admin_client.post(f"/admin/billing/invoice/{draft.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Invoice.objects.exists()
    assert not InvoiceLine.objects.exists()


# --- the list's actions and the issue and void pages -----------------------------------------


def test_issue_selected_numbers_the_drafts_in_the_order_they_were_made(admin_client, park):
    drafts = [make_invoice(park=park, company=make_company()) for _ in range(3)]
    already = issued(park, make_company(), month=date(2026, 11, 1))

    response = admin_client.post(
        "/admin/billing/invoice/",
        {
            "action": "issue_selected",
            "_selected_action": [str(invoice.pk) for invoice in [already, *reversed(drafts)]],
        },
    )

    assert response.status_code == 302
    numbers = [Invoice.objects.get(pk=draft.pk).number for draft in drafts]
    assert numbers == [2, 3, 4]  # 1 is the invoice issued before
    symbol = InvoiceSeries.objects.get(park=park)
    assert messages_of(response) == [
        "1 selected invoice(s) are not drafts: left as they are.",
        f"3 invoice(s) issued, 1{symbol.symbol}-00000002 to 1{symbol.symbol}-00000004.",
    ]


def test_issue_selected_issues_nothing_when_one_draft_is_refused(admin_client, park):
    good = make_invoice(park=park)
    empty = make_invoice(park=park, lines=[])

    response = admin_client.post(
        "/admin/billing/invoice/",
        {"action": "issue_selected", "_selected_action": [str(good.pk), str(empty.pk)]},
    )

    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith("Nothing was issued: ")
    assert set(Invoice.objects.values_list("status", flat=True)) == {"draft"}


def test_void_asks_for_a_reason_then_voids_and_opens_a_replacement(admin_client, issued_invoice):
    action = {"action": "void_selected", "_selected_action": [str(issued_invoice.pk)]}

    asked = admin_client.post("/admin/billing/invoice/", action)
    done = admin_client.post(
        "/admin/billing/invoice/", {**action, "apply": "1", "reason": "Sai mã số thuế"}
    )

    assert asked.status_code == 200
    assert 'name="reason"' in page_of(asked)
    assert done.status_code == 302
    issued_invoice.refresh_from_db()
    assert (issued_invoice.status, issued_invoice.void_reason) == ("void", "Sai mã số thuế")
    replacement = Invoice.objects.get(replaces=issued_invoice)
    assert (replacement.kind, replacement.status, replacement.total_vnd) == (
        "replacement",
        "draft",
        issued_invoice.total_vnd,
    )


def test_the_issue_page_refuses_a_date_before_the_series_latest(admin_client, park):
    issued(park, make_company(), month=today().replace(day=1))  # issued today
    draft = make_invoice(park=park)

    response = admin_client.post(
        f"/admin/billing/invoice/{draft.pk}/issue/",
        {"issue_date": (today() - timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["issue_date"]
    assert Invoice.objects.get(pk=draft.pk).status == "draft"


def test_the_issue_page_issues_the_draft_on_the_date_given(admin_client, park):
    draft = make_invoice(park=park)

    response = admin_client.post(
        f"/admin/billing/invoice/{draft.pk}/issue/", {"issue_date": today().isoformat()}
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert (draft.status, draft.number, draft.issue_date) == ("issued", 1, today())
    assert draft.due_date == today() + timedelta(days=15)


def test_the_void_page_opens_the_replacement_draft(admin_client, issued_invoice):
    response = admin_client.post(
        f"/admin/billing/invoice/{issued_invoice.pk}/void/", {"reason": "Sai địa chỉ"}
    )

    replacement = Invoice.objects.get(replaces=issued_invoice)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/billing/invoice/{replacement.pk}/change/"


# --- the list, documents --------------------------------------------------------------------


def test_the_list_filters_overdue_invoices_and_months(admin_client, park):
    company = make_company()
    late = make_invoice(
        park=park,
        company=company,
        month=date(2026, 9, 1),
        status="issued",
        issue_date=date(2026, 10, 1),
        due_date=date(2026, 10, 16),
    )
    make_invoice(park=park, company=company, month=date(2027, 1, 1))

    overdue = admin_client.get("/admin/billing/invoice/?overdue=yes")
    september = admin_client.get("/admin/billing/invoice/?month=2026-09")
    nonsense = admin_client.get("/admin/billing/invoice/?month=2026-13")

    assert list(overdue.context["cl"].result_list) == [late]
    assert list(september.context["cl"].result_list) == [late]
    assert nonsense.status_code == 200
    assert len(nonsense.context["cl"].result_list) == 2
    assert "1,100,000 đ" in page_of(overdue)


def test_an_issued_invoice_has_its_pdf_and_xml(admin_client, issued_invoice):
    pdf = admin_client.get(f"/admin/billing/invoice/{issued_invoice.pk}/pdf/")
    xml = admin_client.get(f"/admin/billing/invoice/{issued_invoice.pk}/xml/")

    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    assert (xml.status_code, xml["Content-Type"]) == (200, "application/xml")
    assert b"<HDon>" in xml.content


def test_a_draft_has_no_xml_and_says_why(admin_client, park):
    draft = make_invoice(park=park)

    response = admin_client.get(f"/admin/billing/invoice/{draft.pk}/xml/")

    assert response.status_code == 302
    assert response["Location"] == f"/admin/billing/invoice/{draft.pk}/change/"
    assert len(messages_of(response)) == 1


# --- payments ----------------------------------------------------------------------------------


def test_a_payment_is_recorded_through_payment_create_and_allocated_oldest_first(
    admin_client, park
):
    company = make_company()
    older = issued(park, company, price=1_000_000, month=today().replace(day=1))
    newer = issued(park, company, price=1_000_000, month=date(2027, 1, 1))
    form = {
        "park": str(park.pk),
        "company": str(company.pk),
        "amount_vnd": "1500000",
        "received_on": today().isoformat(),
        "method": "bank_transfer",
        "reference": "UNC-0001",
        "note": "",
    }

    response = admin_client.post("/admin/billing/payment/add/", form)

    assert response.status_code == 302, page_of(response)
    payment = Payment.objects.get()
    allocations = list(
        Allocation.objects.order_by("created_at", "invoice__number").values_list(
            "invoice", "amount_vnd"
        )
    )
    # 1,100,000 clears the older invoice; 400,000 goes to the newer one (1,100,000 due).
    assert allocations == [(older.pk, 1_100_000), (newer.pk, 400_000)]
    assert payment.unallocated_vnd == 0
    page = page_of(admin_client.get(f"/admin/billing/payment/{payment.pk}/change/"))
    assert older.number_display in page
    assert "1,100,000 đ" in page


def test_a_payment_with_a_taken_reference_is_a_form_error(admin_client, park):
    company = make_company()
    form = {
        "park": str(park.pk),
        "company": str(company.pk),
        "amount_vnd": "100000",
        "received_on": today().isoformat(),
        "method": "cash",
        "reference": "UNC-7",
        "note": "",
    }
    admin_client.post("/admin/billing/payment/add/", form)

    response = admin_client.post("/admin/billing/payment/add/", form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Payment.objects.count() == 1


# --- arrears and the dashboard ------------------------------------------------------------------


def test_the_arrears_page_shows_each_companys_buckets_with_a_link(admin_client, park):
    company = make_company(legal_name="Công ty Cổ phần Vi mạch Tân Thuận")
    make_invoice(
        park=park,
        company=company,
        month=date(2026, 9, 1),
        status="issued",
        issue_date=date(2026, 10, 1),
        due_date=date(2026, 10, 16),
        lines=[(2_000_000, "10")],
    )

    response = admin_client.get(f"/admin/billing/invoice/arrears/?park={park.pk}&on=2026-12-04")

    [row] = response.context["rows"]
    # Due 2026-10-16, 49 days late on 2026-12-04: 31-60 days.
    assert (row["name"], row["cells"]) == (
        "Công ty Cổ phần Vi mạch Tân Thuận",
        ["0 đ", "0 đ", "2,200,000 đ", "0 đ", "0 đ", "2,200,000 đ"],
    )
    assert row["url"] == f"/admin/tenants/company/{company.pk}/change/"
    assert f'href="/admin/tenants/company/{company.pk}/change/"' in page_of(response)


def test_the_admin_index_links_the_arrears_page_and_the_invoice_run(admin_client):
    page = page_of(admin_client.get("/admin/"))

    assert 'href="/admin/billing/invoice/arrears/"' in page
    assert 'href="/admin/billing/invoice/run/"' in page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/billing/",
        "/admin/billing/billingsettings/",
        "/admin/billing/billingsettings/add/",
        "/admin/billing/invoiceseries/",
        "/admin/billing/invoiceseries/add/",
        "/admin/billing/charge/",
        "/admin/billing/charge/add/",
        "/admin/billing/usage/",
        "/admin/billing/usage/add/",
        "/admin/billing/usage/grid/",
        "/admin/billing/invoice/",
        "/admin/billing/invoice/add/",
        "/admin/billing/invoice/run/",
        "/admin/billing/invoice/arrears/",
        "/admin/billing/payment/",
        "/admin/billing/payment/add/",
    ],
)
def test_every_billing_page_answers_in_both_languages(admin_client, park, url):
    for language in ["en", "vi"]:
        response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, (url, language)


def test_a_non_manager_cannot_open_the_billing_pages(client, user, park):
    client.force_login(user)

    for url in ["/admin/billing/invoice/run/", "/admin/billing/invoice/arrears/"]:
        assert client.get(url).status_code in {302, 403}
