"""Every ordering a list offers is served by an index at 50,000 rows (issue 17).

For each paginated list of the API schema, and each of its orderings (the default and every
`?ordering=field` and `-field` the view documents), the page query the view really runs is
handed to PostgreSQL's planner with its table at 50,000 rows: the plan must not sort the whole
table. How the table gets 50,000 rows cheaply: inside the test's transaction, a temporary table
of the same name (PostgreSQL searches `pg_temp` first) is filled with 50,000 copies of a seed
row and given the real table's indexes (unique ones as plain ones, as copies repeat values).
"""

import json
import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from rest_framework.test import APIClient

from tests.factories import (
    make_application,
    make_lease,
    make_manager,
    make_program,
    make_review,
    make_token,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROWS = 50_000
WHOLE_TABLE = 10_000  # a Sort whose input the planner expects this large sorts the table


def _paginated_lists() -> list[str]:
    import yaml

    schema = yaml.safe_load((settings.BASE_DIR / "docs" / "openapi.yaml").read_text())
    paths = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        names = {p.get("name") for p in (get or {}).get("parameters", [])}
        if get and "page" in names and "{" not in path:  # nested lists are one parent's rows
            paths.append(path)
    return sorted(paths)


LISTS = _paginated_lists()


def _orderings(path: str, manager) -> list[str | None]:
    view_class = resolve(path).func.cls
    fields = view_class.__dict__.get(
        "ordering_fields", getattr(view_class, "ordering_fields", None)
    )
    if isinstance(fields, property):  # chosen per user (applications): the manager's
        view = view_class()
        view.request = SimpleNamespace(user=manager)
        fields = view.ordering_fields
    fields = fields or []
    return [None, *fields, *(f"-{field}" for field in fields)]


def _seed_everything(manager) -> None:
    from chain.models import Chain, Membership
    from tests.chain.factories import make_partner

    lease = make_lease()
    program = make_program()
    application = make_application(program=program, state="submitted")
    make_review(application)
    make_partner()
    Membership.objects.create(
        chain=Chain.objects.create(name="Chuỗi công viên"),
        park=lease.unit.floor.building.park,
        joined_on=date(2027, 1, 1),
    )


def _page_queries(client: APIClient, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return [
        q["sql"]
        for q in queries
        if re.search(r" LIMIT \d+( OFFSET \d+)?$", q["sql"])  # a page, not a lookup inside
        and not q["sql"].startswith("EXPLAIN")
    ]


def _main_table(sql: str) -> str:
    return re.search(r'\bFROM "(\w+)"', sql).group(1)


def _grow_to_50000_rows(table: str) -> None:
    """A temporary `table` of ROWS copies of the real one's first row, with its indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary",
            [f"public.{table}"],
        )
        [(pk, pk_type)] = cursor.fetchall()
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s",
            [table],
        )
        definitions = [row[0] for row in cursor.fetchall()]
        cursor.execute(f'CREATE TEMP TABLE "{table}" (LIKE public."{table}" INCLUDING DEFAULTS)')
        new_pk = "gen_random_uuid()" if pk_type == "uuid" else "n"
        cursor.execute(f'SELECT * FROM public."{table}" LIMIT 0')  # noqa: S608 (our table names)
        columns = [column.name for column in cursor.description]
        select = ", ".join(new_pk if c == pk else f'seed."{c}"' for c in columns)
        cursor.execute(
            f'INSERT INTO pg_temp."{table}" SELECT {select} FROM '  # noqa: S608
            f'(SELECT * FROM public."{table}" LIMIT 1) seed, generate_series(1, {ROWS}) n'
        )
        for number, definition in enumerate(definitions):
            definition = re.sub(r"^CREATE UNIQUE INDEX", "CREATE INDEX", definition)
            definition = re.sub(
                r"INDEX \S+ ON public\.", f"INDEX perf_copy_{number} ON pg_temp.", definition
            )
            cursor.execute(definition)
        cursor.execute(f'ANALYZE pg_temp."{table}"')


def _whole_table_sorts(plan: dict) -> list[dict]:
    found = []
    if plan["Node Type"] == "Sort" and any(p["Plan Rows"] >= WHOLE_TABLE for p in plan["Plans"]):
        found.append({"Sort Key": plan.get("Sort Key"), "rows": plan["Plans"][0]["Plan Rows"]})
    for child in plan.get("Plans", []):
        found.extend(_whole_table_sorts(child))
    return found


@pytest.mark.parametrize("path", LISTS)
def test_every_ordering_of_the_list_is_served_by_an_index_at_50000_rows(path):
    manager = make_manager()
    _seed_everything(manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(manager)}")
    url = path.removeprefix("/api/v1").join(["/api/v1", ""])
    [first_query, *_] = _page_queries(client, url)
    table = _main_table(first_query)
    _grow_to_50000_rows(table)

    sorting = {}
    for ordering in _orderings(path, manager):
        query_string = f"?ordering={ordering}" if ordering else ""
        for sql in _page_queries(client, f"{url}{query_string}"):
            if _main_table(sql) != table:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                [[plan]] = cursor.fetchone()
            if isinstance(plan, str):
                plan = json.loads(plan)[0]
            sorts = _whole_table_sorts(plan["Plan"])
            if sorts:
                sorting[ordering or "(default)"] = sorts
    assert sorting == {}, f"{path} on {table}"
