"""The park's billing set-up over HTTP: `/billing-settings/{park_id}/`, `/invoice-series/`,
`/charges/` and `/usage/` (design billing.md, API)."""

from datetime import date
from decimal import Decimal

import pytest

from billing.models import BillingSettings, Charge, InvoiceSeries, Usage
from tests.api.billing.conftest import client_for
from tests.billing.factories import make_charge, make_invoice, make_series
from tests.factories import make_company, make_lease, make_manager, make_park, make_unit
from tests.tenants.helpers import problem, validation_problem

pytestmark = pytest.mark.django_db

SERIES = "/api/v1/invoice-series/"
CHARGES = "/api/v1/charges/"
USAGE = "/api/v1/usage/"


def settings_url(park) -> str:
    return f"/api/v1/billing-settings/{park.pk}/"


SELLER = {
    "legal_name": "Công ty TNHH Công viên Phần mềm Mekong",
    "tax_code": "0312345673",
    "address": "Số 1 Hùng Vương, Mỹ Tho, Tiền Giang",
    "bank_name": "Vietcombank",
    "bank_account": "0071000123456",
    "payment_terms_days": 30,
    "rent_vat_rate": "8",
    "management_fee_vnd_per_m2": 25_000,
    "management_fee_vat_rate": "10",
}


# --- billing settings ---------------------------------------------------------------------


def test_the_first_put_creates_a_parks_settings_and_get_reads_them(manager_client):
    park = make_park()
    assert manager_client.get(settings_url(park)).status_code == 404
    response = manager_client.put(settings_url(park), SELLER)
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "park": str(park.pk),
        **SELLER,
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert response["ETag"] == '"1"'
    again = manager_client.get(settings_url(park))
    assert (again.status_code, again.json(), again["ETag"]) == (200, body, '"1"')


def test_settings_are_patched_with_if_match(manager_client):
    park = make_park()
    manager_client.put(settings_url(park), SELLER)
    stale = manager_client.patch(
        settings_url(park), {"payment_terms_days": 10}, HTTP_IF_MATCH='"9"'
    )
    assert stale.status_code == 412
    response = manager_client.patch(
        settings_url(park), {"payment_terms_days": 10}, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200
    assert (response.json()["payment_terms_days"], response["ETag"]) == (10, '"2"')
    assert BillingSettings.objects.get(park=park).payment_terms_days == 10


def test_a_bad_seller_tax_code_or_vat_rate_is_400_naming_the_field(manager_client):
    park = make_park()
    response = manager_client.put(settings_url(park), {**SELLER, "rent_vat_rate": "7"})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("rent_vat_rate", "invalid_choice")
    ]
    response = manager_client.put(settings_url(park), {**SELLER, "tax_code": "0312345674"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["tax_code"]
    assert BillingSettings.objects.count() == 0


def test_settings_of_an_unknown_park_are_404_and_a_non_manager_gets_403(
    manager_client, representative_client
):
    unknown = "/api/v1/billing-settings/00000000-0000-0000-0000-000000000000/"
    assert manager_client.put(unknown, SELLER).status_code == 404
    park = make_park()
    response = representative_client.get(settings_url(park))
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


# --- invoice series -----------------------------------------------------------------------


def test_a_manager_creates_a_series_numbered_from_one(manager_client, park):
    response = manager_client.post(
        SERIES, {"park": str(park.pk), "template_code": "1", "symbol": "C27TSP", "year": 2027}
    )
    assert response.status_code == 201
    series = InvoiceSeries.objects.get()
    body = response.json()
    assert body == {
        "id": str(series.pk),
        "park": str(park.pk),
        "template_code": "1",
        "symbol": "C27TSP",
        "year": 2027,
        "is_active": True,
        "next_number": 1,
        "last_issue_date": None,
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert response["ETag"] == '"1"'


def test_a_symbol_whose_digits_are_not_the_years_is_400_symbol_year(manager_client, park):
    response = manager_client.post(
        SERIES, {"park": str(park.pk), "template_code": "1", "symbol": "C26TSP", "year": 2027}
    )
    assert response.json() == validation_problem(
        "symbol",
        "symbol_year",
        "The symbol's two digits must be the year's last two (27 for 2027).",
        SERIES,
    )
    assert InvoiceSeries.objects.count() == 0


def test_next_number_is_read_only(manager_client, series):
    url = f"{SERIES}{series.pk}/"
    response = manager_client.patch(url, {"next_number": 42})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("next_number", "read_only")
    ]
    assert manager_client.patch(url, {"is_active": False}).json()["is_active"] is False


def test_a_series_with_issued_invoices_cannot_be_deleted(manager_client, park, series):
    make_invoice(park=park, status="issued", series=series)
    url = f"{SERIES}{series.pk}/"
    response = manager_client.delete(url)
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"
    unused = make_series(park, year=2028)
    assert manager_client.delete(f"{SERIES}{unused.pk}/").status_code == 204
    assert list(InvoiceSeries.objects.all()) == [series]


def test_series_are_the_managers(representative_client, series):
    response = representative_client.get(SERIES)
    assert response.json() == problem(
        403,
        "permission_denied",
        "Permission denied",
        "You do not have permission to perform this action.",
        SERIES,
    )


# --- the price list -----------------------------------------------------------------------


def test_a_manager_adds_a_charge_to_the_price_list(manager_client, park):
    body = {
        "park": str(park.pk),
        "code": "parking-car",
        "name": "Gửi ô tô",
        "unit_of_measure": "xe",
        "unit_price_vnd": 1_200_000,
        "vat_rate": "10",
    }
    response = manager_client.post(CHARGES, body)
    assert response.status_code == 201
    charge = Charge.objects.get()
    answer = response.json()
    assert answer == {
        "id": str(charge.pk),
        **body,
        "is_active": True,
        "version": 1,
        "created_at": answer["created_at"],
        "updated_at": answer["updated_at"],
    }
    again = manager_client.post(CHARGES, body)
    assert [(e["field"], e["code"]) for e in again.json()["errors"]] == [("code", "unique")]


def test_a_charges_park_never_changes(manager_client, park):
    charge = make_charge(park)
    response = manager_client.patch(f"{CHARGES}{charge.pk}/", {"park": str(make_park().pk)})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("park", "read_only")]


def test_representatives_of_the_parks_tenants_read_its_price_list_only(
    representative_client, park, company
):
    make_lease(unit=make_unit(park=park), company=company, start_date=date(2027, 1, 1))
    ours = make_charge(park)
    theirs = make_charge(make_park())
    response = representative_client.get(CHARGES)
    assert [row["id"] for row in response.json()["results"]] == [str(ours.pk)]
    assert representative_client.get(f"{CHARGES}{theirs.pk}/").status_code == 404
    url = f"{CHARGES}{ours.pk}/"
    assert representative_client.get(url).status_code == 200
    patched = representative_client.patch(url, {"unit_price_vnd": 1})
    assert (patched.status_code, patched.json()["code"]) == (403, "permission_denied")
    created = representative_client.post(CHARGES, {"park": str(park.pk), "code": "x"})
    assert created.status_code == 403
    ours.refresh_from_db()
    assert (ours.unit_price_vnd, Charge.objects.count()) == (3500, 2)


def test_a_charge_with_usage_cannot_be_deleted(manager_client, park, company):
    charge = make_charge(park)
    Usage.objects.create(company=company, charge=charge, month=date(2027, 1, 1), quantity=1)
    response = manager_client.delete(f"{CHARGES}{charge.pk}/")
    assert (response.status_code, response.json()["code"]) == (409, "in_use")


# --- usage --------------------------------------------------------------------------------


def test_usage_is_recorded_for_a_month_written_either_way(manager_client, park, company):
    charge = make_charge(park, code="electricity")
    response = manager_client.post(
        USAGE,
        {
            "company": str(company.pk),
            "charge": str(charge.pk),
            "month": "2027-01",
            "quantity": "1234.567",
            "note": "Công tơ 1",
        },
    )
    assert response.status_code == 201
    usage = Usage.objects.get()
    body = response.json()
    assert body == {
        "id": str(usage.pk),
        "park": str(park.pk),
        "company": str(company.pk),
        "charge": str(charge.pk),
        "month": "2027-01-01",
        "quantity": 1234.567,
        "note": "Công tơ 1",
        "company_name": "Công ty Cổ phần Phần mềm Đồng Tháp",
        "charge_code": "electricity",
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert usage.quantity == Decimal("1234.567")
    again = manager_client.post(
        USAGE,
        {
            "company": str(company.pk),
            "charge": str(charge.pk),
            "month": "2027-01-01",
            "quantity": "1",
        },
    )
    assert [(e["field"], e["code"]) for e in again.json()["errors"]] == [("month", "unique")]


def test_usage_filters_by_company_month_and_charge(manager_client, park, company):
    electricity, water = make_charge(park), make_charge(park, unit_of_measure="m³")
    other = make_company()
    january = Usage.objects.create(
        company=company, charge=electricity, month=date(2027, 1, 1), quantity=10
    )
    Usage.objects.create(company=company, charge=water, month=date(2027, 2, 1), quantity=3)
    Usage.objects.create(company=other, charge=electricity, month=date(2027, 2, 1), quantity=5)

    def found(**query):
        response = manager_client.get(USAGE, query)
        assert response.status_code == 200, response.json()
        return sorted(row["id"] for row in response.json()["results"])

    assert found(company=str(company.pk), month="2027-01") == [str(january.pk)]
    assert found(charge=str(electricity.pk), month="2027-01-01") == [str(january.pk)]
    assert len(found(month="2027-02")) == 2
    response = manager_client.get(USAGE, {"month": "2027-1"})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("month", "invalid")]


def test_only_a_usages_quantity_and_note_change(manager_client, park, company):
    usage = Usage.objects.create(
        company=company, charge=make_charge(park), month=date(2027, 1, 1), quantity=10
    )
    url = f"{USAGE}{usage.pk}/"
    response = manager_client.patch(url, {"month": "2027-02", "quantity": "12.5"})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("month", "read_only")]
    response = manager_client.patch(url, {"quantity": "12.5"}, HTTP_IF_MATCH='"1"')
    assert (response.status_code, response.json()["quantity"], response["ETag"]) == (
        200,
        12.5,
        '"2"',
    )


def test_usage_billed_on_an_issued_invoice_is_locked(manager_client, park, company):
    from billing.models import InvoiceLine, LineKind

    charge = make_charge(park)
    usage = Usage.objects.create(company=company, charge=charge, month=date(2027, 1, 1), quantity=2)
    invoice = make_invoice(park=park, company=company, status="issued")
    InvoiceLine.objects.filter(invoice=invoice).update(
        kind=LineKind.USAGE, usage=usage, charge=charge
    )
    response = manager_client.patch(f"{USAGE}{usage.pk}/", {"quantity": "3"})
    assert (response.status_code, response.json()["code"]) == (409, "in_use")
    response = manager_client.delete(f"{USAGE}{usage.pk}/")
    assert (response.status_code, response.json()["code"]) == (409, "in_use")
    usage.refresh_from_db()
    assert usage.quantity == 2


def test_usage_is_the_managers(representative_client):
    response = representative_client.get(USAGE)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


@pytest.mark.parametrize("count", [1, 20])
def test_the_setup_lists_run_the_same_queries_for_one_row_or_many(
    park, count, django_assert_max_num_queries
):
    for number in range(count):
        company = make_company()
        charge = make_charge(park)
        Usage.objects.create(company=company, charge=charge, month=date(2027, 1, 1), quantity=1)
        make_series(park, year=2030 + number)
    client = client_for(make_manager())
    for url in (SERIES, CHARGES, USAGE):
        # The caller's groups and throttle count (7, 8 on PostgreSQL), the count, the page.
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert len(response.json()["results"]) == count


def test_a_companys_contacts_filter_by_is_billing(manager_client, company):
    from tests.factories import make_contact

    billing = make_contact(company, email="ketoan@example.vn", is_billing=True)
    make_contact(company, email="giamdoc@example.vn")
    url = f"/api/v1/companies/{company.pk}/contacts/"
    response = manager_client.get(url, {"is_billing": "true"})
    assert [row["id"] for row in response.json()["results"]] == [str(billing.pk)]
    response = manager_client.get(url, {"is_billing": "maybe"})
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("is_billing", "invalid")
    ]
