"""S1: GET /api/v1/companies/?page_size=100 against raw SQL that builds the same JSON."""

import json
import uuid

from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

NAME = "S1 companies list, 100 of 5,000 rows"
TARGET = 4.0  # design/README.md
REPEAT = 15
COMPANIES = 5_000

_client = APIClient()
_COLUMNS = [
    "id", "legal_name", "short_name", "tax_code", "sector", "status", "website", "email",
    "phone", "address", "founded_on", "headcount", "description", "logo", "logo_thumbnail",
    "incubated", "directory_visible", "version", "created_at", "updated_at",
]  # fmt: skip


def setup() -> None:
    from accounts.services import ensure_role_groups, user_create
    from tenants.models import Company

    ensure_role_groups()
    manager = user_create(
        email="bench-companies@softpark.local", full_name="Bench", roles=["manager"], actor=None
    )
    companies = []
    for n in range(COMPANIES):
        company = Company(
            legal_name=f"Công ty Cổ phần Phần mềm Mekong {n:05d}",
            short_name=f"Mekong {n:05d}",
            sector="software",
            website=f"https://mekong{n}.vn",
            email=f"info@mekong{n}.vn",
            headcount=n % 300,
            description="Phát triển phần mềm cho nông nghiệp Đồng bằng sông Cửu Long.",
        )
        company.search_text = company.compute_search_text()
        companies.append(company)
    Company.objects.bulk_create(companies, batch_size=1_000)
    _client.force_authenticate(manager)


def ours() -> list[dict]:
    response = _client.get("/api/v1/companies/?page_size=100", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.content
    return json.loads(response.content)["results"]


def _media_url(name: str) -> str | None:
    return f"http://127.0.0.1{settings.MEDIA_URL}{name}" if name else None


def baseline() -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tenants_company")
        count = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM tenants_company ORDER BY legal_name, id LIMIT 100"
        )
        rows = cursor.fetchall()
    results = []
    for row in rows:
        record = dict(zip(_COLUMNS, row, strict=True))
        record["id"] = str(uuid.UUID(str(record["id"])))
        record["logo_url"] = _media_url(record.pop("logo"))
        record["logo_thumbnail_url"] = _media_url(record.pop("logo_thumbnail"))
        record["incubated"] = bool(record["incubated"])
        record["directory_visible"] = bool(record["directory_visible"])
        results.append(record)
    body = json.dumps({"count": count, "results": results}, default=str)
    return json.loads(body)["results"]


def check() -> None:
    ours_rows, base_rows = ours(), baseline()
    assert [r["id"] for r in ours_rows] == [r["id"] for r in base_rows]
    assert [r["legal_name"] for r in ours_rows] == [r["legal_name"] for r in base_rows]
