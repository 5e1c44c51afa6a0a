"""`/payments/` (design billing.md, API): recorded and allocated oldest first or to the named
invoices, the rest kept as credit; the note patched; deleted with its allocations; who sees
what."""

from datetime import date

import pytest

from billing.models import Allocation, Invoice, InvoiceStatus, Payment
from tests.api.billing.conftest import client_for
from tests.billing.factories import make_invoice
from tests.factories import make_company, make_manager

pytestmark = pytest.mark.django_db

LIST = "/api/v1/payments/"


def issued(park, company, *, month, price, due_date):
    return make_invoice(
        park=park,
        company=company,
        month=month,
        lines=[(price, "10")],
        status=InvoiceStatus.ISSUED,
        issue_date=month,
        due_date=due_date,
    )


@pytest.fixture
def january(park, company):  # 1,000,000 + 10 % = 1,100,000, due 2027-01-16
    return issued(
        park, company, month=date(2027, 1, 1), price=1_000_000, due_date=date(2027, 1, 16)
    )


@pytest.fixture
def february(park, company):  # 2,000,000 + 10 % = 2,200,000, due 2027-02-16
    return issued(
        park, company, month=date(2027, 2, 1), price=2_000_000, due_date=date(2027, 2, 16)
    )


def payment_body(park, company, **overrides) -> dict:
    body = {
        "park": str(park.pk),
        "company": str(company.pk),
        "amount_vnd": 2_000_000,
        "received_on": "2027-02-20",
        "method": "bank_transfer",
        "reference": "UNC-0001",
    }
    body.update(overrides)
    return body


def test_a_payment_goes_to_the_oldest_open_invoice_first(
    manager_client, park, company, january, february
):
    response = manager_client.post(LIST, payment_body(park, company))
    assert response.status_code == 201
    payment = Payment.objects.get()
    body = response.json()
    allocations = {a.invoice_id: a for a in Allocation.objects.all()}
    assert body == {
        "id": str(payment.pk),
        "park": str(park.pk),
        "company": str(company.pk),
        "company_name": "Công ty Cổ phần Phần mềm Đồng Tháp",
        "amount_vnd": 2_000_000,
        "received_on": "2027-02-20",
        "method": "bank_transfer",
        "reference": "UNC-0001",
        "note": "",
        "unallocated_vnd": 0,
        "allocations": [
            {
                "id": str(allocations[january.pk].pk),
                "invoice": str(january.pk),
                "number_display": "1C27TSP-00000001",
                "amount_vnd": 1_100_000,
                "created_at": body["allocations"][0]["created_at"],
            },
            {
                "id": str(allocations[february.pk].pk),
                "invoice": str(february.pk),
                "number_display": "1C27TSP-00000002",
                "amount_vnd": 900_000,
                "created_at": body["allocations"][1]["created_at"],
            },
        ],
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert response["ETag"] == '"1"'
    january.refresh_from_db()
    february.refresh_from_db()
    assert (january.balance_vnd, february.balance_vnd) == (0, 1_300_000)


def test_a_payment_naming_invoices_pays_them_and_keeps_the_rest_as_credit(
    manager_client, park, company, january, february
):
    response = manager_client.post(
        LIST,
        payment_body(park, company, amount_vnd=5_000_000, invoices=[str(february.pk)]),
    )
    assert response.status_code == 201
    body = response.json()
    assert [(a["invoice"], a["amount_vnd"]) for a in body["allocations"]] == [
        (str(february.pk), 2_200_000)
    ]
    assert body["unallocated_vnd"] == 2_800_000
    january.refresh_from_db()
    assert january.paid_vnd == 0


def test_a_payments_refusals_name_their_fields_and_write_nothing(
    manager_client, park, company, january
):
    response = manager_client.post(LIST, payment_body(park, company, amount_vnd=0))
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("amount_vnd", "min_value")
    ]
    response = manager_client.post(LIST, payment_body(park, company, method="cheque"))
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("method", "invalid_choice")
    ]
    unknown = "00000000-0000-0000-0000-000000000000"
    response = manager_client.post(LIST, payment_body(park, company, invoices=[unknown]))
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("invoices", "invalid")]
    response = manager_client.post(
        LIST, payment_body(park, company, invoices=[str(january.pk), str(january.pk)])
    )
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("invoices", "duplicate")
    ]
    assert (Payment.objects.count(), Allocation.objects.count()) == (0, 0)


def test_a_reference_is_unique_in_the_park(manager_client, park, company):
    assert manager_client.post(LIST, payment_body(park, company)).status_code == 201
    response = manager_client.post(LIST, payment_body(park, company, amount_vnd=1))
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("reference", "unique")]
    assert Payment.objects.count() == 1


def test_a_payment_post_with_an_idempotency_key_is_recorded_once(manager_client, park, company):
    body = payment_body(park, company)
    first = manager_client.post(LIST, body, HTTP_IDEMPOTENCY_KEY="pay-1")
    again = manager_client.post(LIST, body, HTTP_IDEMPOTENCY_KEY="pay-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert (again.content, again["Idempotent-Replayed"]) == (first.content, "true")
    assert Payment.objects.count() == 1


def test_only_the_note_is_patched_with_if_match(manager_client, park, company):
    payment = Payment.objects.get(
        pk=manager_client.post(LIST, payment_body(park, company)).json()["id"]
    )
    url = f"{LIST}{payment.pk}/"
    response = manager_client.patch(url, {"amount_vnd": 1})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("amount_vnd", "read_only")
    ]
    assert manager_client.patch(url, {"note": "x"}, HTTP_IF_MATCH='"5"').status_code == 412
    response = manager_client.patch(url, {"note": "Chuyển khoản VCB"}, HTTP_IF_MATCH='"1"')
    assert (response.status_code, response.json()["note"], response["ETag"]) == (
        200,
        "Chuyển khoản VCB",
        '"2"',
    )


def test_deleting_a_payment_makes_its_invoices_owe_again(manager_client, park, company, january):
    created = manager_client.post(LIST, payment_body(park, company, amount_vnd=500_000))
    response = manager_client.delete(f"{LIST}{created.json()['id']}/")
    assert response.status_code == 204
    january.refresh_from_db()
    assert (january.paid_vnd, Payment.objects.count(), Allocation.objects.count()) == (0, 0, 0)


def test_a_representative_reads_their_companys_payments_only(
    manager_client, representative_client, park, company
):
    mine = manager_client.post(LIST, payment_body(park, company)).json()["id"]
    other_company = make_company()
    theirs = manager_client.post(
        LIST, payment_body(park, other_company, reference="UNC-0002")
    ).json()["id"]
    response = representative_client.get(LIST)
    assert [row["id"] for row in response.json()["results"]] == [mine]
    assert representative_client.get(f"{LIST}{mine}/").status_code == 200
    assert representative_client.get(f"{LIST}{theirs}/").status_code == 404
    assert representative_client.delete(f"{LIST}{theirs}/").status_code == 404
    for response in (
        representative_client.patch(f"{LIST}{mine}/", {"note": "x"}),
        representative_client.delete(f"{LIST}{mine}/"),
        representative_client.post(LIST, payment_body(park, company, reference="R")),
    ):
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert Payment.objects.count() == 2


def test_an_outsider_sees_no_payments(outsider_client, manager_client, park, company):
    manager_client.post(LIST, payment_body(park, company))
    assert outsider_client.get(LIST).json()["results"] == []


@pytest.mark.parametrize("count", [1, 20])
def test_the_payment_list_runs_the_same_queries_for_one_or_many(
    park, count, django_assert_max_num_queries
):
    manager = make_manager()
    client = client_for(manager)
    for number in range(count):
        company = make_company()
        invoice = issued(
            park, company, month=date(2027, 1, 1), price=100_000, due_date=date(2027, 1, 16)
        )
        response = client.post(
            LIST,
            payment_body(
                park,
                company,
                amount_vnd=50_000,
                reference=f"R-{number}",
                invoices=[str(invoice.pk)],
            ),
        )
        assert response.status_code == 201
    # The caller's groups and throttle count (7, 8 on PostgreSQL), the count, the page, the
    # allocations.
    with django_assert_max_num_queries(11):
        response = client.get(LIST)
    assert [len(row["allocations"]) for row in response.json()["results"]] == [1] * count
    assert Invoice.objects.count() == count
