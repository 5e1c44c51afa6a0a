"""The company list's fast rows (api.base.serializers.FastListSerializer, issue 17) are DRF's
own, byte for byte, and an unfiltered list skips the FilterSet without loosening any filter.

The reference is DRF's ModelSerializer.to_representation run on each company, which is what
the list returned before the fast path: the same JSON bytes for a dataset with every status
and sector, empty and null values, logos, non-ASCII text and two time zones.
"""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient, APIRequestFactory

from api.base.serializers import FastListSerializer, _list_plan
from api.tenants.serializers import CompanySerializer
from tenants.models import Company, CompanyStatus, Sector
from tests.factories import make_company, make_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_companies():
    statuses, sectors = list(CompanyStatus.values), list(Sector.values)
    for n in range(12):
        company = make_company(
            legal_name=f"Công ty {n:02d} “Mekong” \u2028 😀 <b>&amp;</b>",
            short_name="" if n % 3 == 0 else f"MK{n}",
            sector=sectors[n % len(sectors)],
            website="" if n % 2 else f"https://mekong{n}.vn/a?b=c&d=é",
            email="" if n % 4 == 1 else f"info{n}@mekong.vn",
            phone="" if n % 2 else "+84 28 3812 3456",
            address="" if n % 5 == 0 else "12 Nguyễn Huệ, Quận 1\nTP. HCM",
            founded_on=None if n % 3 == 1 else dt.date(1990 + n, 1 + n % 12, 1 + n),
            headcount=None if n % 4 == 2 else n * 7 % 3,
            description="" if n % 2 else "Mô tả\tdài " * 20,
        )
        Company.objects.filter(pk=company.pk).update(
            status=statuses[n % len(statuses)],
            tax_code=None if n % 3 == 2 else company.tax_code,
            logo=f"logos/{company.pk}/logo {n}.png" if n % 2 else "",
            logo_thumbnail=f"logos/{company.pk}/thumb é{n}.webp" if n % 4 == 3 else "",
            incubated=bool(n % 2),
            directory_visible=bool(n % 3),
            version=n,
            updated_at=timezone.now() + dt.timedelta(microseconds=n * 137),
        )
    companies = list(Company.objects.order_by("legal_name", "pk"))
    companies[1].logo  # noqa: B018 (one row whose logo is already a FieldFile)
    return companies


def _drf_rows(companies, context) -> list[dict]:
    reference = CompanySerializer(context=context)
    return [serializers.ModelSerializer.to_representation(reference, c) for c in companies]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Ho_Chi_Minh"])
@pytest.mark.parametrize("with_request", [True, False])
def test_the_fast_rows_render_to_drfs_bytes(rich_companies, zone, with_request):
    request = APIRequestFactory().get("/api/v1/companies/", HTTP_HOST="testserver")
    context = {"request": request} if with_request else {}
    with timezone.override(zone):
        fast = CompanySerializer(rich_companies, many=True, context=context)
        assert isinstance(fast, FastListSerializer)
        assert _list_plan(fast.child) is not None  # every field on the fast path
        fast_bytes = JSONRenderer().render(fast.data)
        drf_bytes = JSONRenderer().render(_drf_rows(rich_companies, context))
    assert fast_bytes == drf_bytes
    rows = fast.data
    assert any(row["logo_url"] for row in rows)
    assert any(row["logo_url"] is None for row in rows)
    assert {row["status"] for row in rows} == set(CompanyStatus.values)


def test_a_row_of_another_class_takes_drfs_path(rich_companies):
    class Lookalike(Company):
        class Meta:
            proxy = True
            app_label = "tenants"

    mixed = [rich_companies[0], Lookalike.objects.get(pk=rich_companies[1].pk)]
    fast = CompanySerializer(mixed, many=True).data
    assert JSONRenderer().render(fast) == JSONRenderer().render(_drf_rows(mixed, {}))


def test_the_list_endpoint_serves_the_same_bytes(rich_companies):
    client = APIClient()
    client.force_authenticate(make_manager())
    response = client.get("/api/v1/companies/?page_size=100", HTTP_HOST="testserver")
    request = response.wsgi_request
    body = {
        "count": len(rich_companies),
        "next": None,
        "previous": None,
        "results": _drf_rows(rich_companies, {"request": request}),
    }
    assert response.content == JSONRenderer().render(body)


@pytest.mark.parametrize(
    "query",
    ["status=gone", "sector=", "directory_visible=maybe", "park=not-a-uuid"],
)
def test_an_invalid_filter_is_still_a_400_and_a_valid_one_still_filters(rich_companies, query):
    client = APIClient()
    client.force_authenticate(make_manager())
    if query == "sector=":  # an empty value: no filter, every company
        assert client.get(f"/api/v1/companies/?{query}").json()["count"] == 12
        return
    response = client.get(f"/api/v1/companies/?{query}")
    assert response.status_code == 400, response.content
    exited = client.get("/api/v1/companies/?status=exited&page_size=100").json()
    assert exited["count"] == 3
    assert {row["status"] for row in exited["results"]} == {"exited"}
