"""S0: GET /api/v1/users/?page_size=100 against raw SQL that builds the same JSON."""

import json
import uuid

from django.db import connection
from rest_framework.test import APIClient

NAME = "S0 users list, 100 rows"
TARGET = 15.0  # includes token auth and the throttle counter in the shared (database) cache
REPEAT = 15

_client = APIClient()


def setup() -> None:
    from accounts.models import User
    from accounts.services import ensure_role_groups, user_create

    ensure_role_groups()
    manager = user_create(
        email="bench-manager@softpark.local", full_name="Bench", roles=["manager"], actor=None
    )
    User.objects.bulk_create(
        User(email=f"person{n:04d}@bench.vn", full_name=f"Người {n}") for n in range(300)
    )
    _client.force_authenticate(manager)


def ours() -> list[dict]:
    response = _client.get("/api/v1/users/?page_size=100", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.content
    return json.loads(response.content)["results"]


def baseline() -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_user")
        count = cursor.fetchone()[0]
        cursor.execute(
            "SELECT u.id, u.email, u.full_name, u.language, u.is_active, u.version, "
            "u.date_joined, u.is_superuser FROM accounts_user u ORDER BY u.email LIMIT 100"
        )
        users = cursor.fetchall()
        cursor.execute(
            "SELECT ug.user_id, g.name FROM accounts_user_groups ug "
            "JOIN auth_group g ON g.id = ug.group_id"
        )
        groups: dict = {}
        for user_id, name in cursor.fetchall():
            groups.setdefault(uuid.UUID(str(user_id)), set()).add(name)
    rows = []
    for id_, email, full_name, language, is_active, version, joined, superuser in users:
        id_ = uuid.UUID(str(id_))  # SQLite stores UUIDs as 32 hex digits
        names = groups.get(id_, set())
        roles = [r for r, g in (("manager", "managers"), ("reviewer", "reviewers")) if g in names]
        if superuser and "manager" not in roles:
            roles.insert(0, "manager")
        rows.append(
            {
                "id": str(id_),
                "email": email,
                "full_name": full_name,
                "language": language,
                "is_active": bool(is_active),
                "roles": roles,
                "version": version,
                "date_joined": str(joined),
            }
        )
    return json.loads(json.dumps({"count": count, "results": rows}))["results"]


def check() -> None:
    ours_rows, base_rows = ours(), baseline()
    assert [r["id"] for r in ours_rows] == [r["id"] for r in base_rows]
    assert [r["roles"] for r in ours_rows] == [r["roles"] for r in base_rows]
