"""Several statements in one round trip to the database, where the driver allows it.

Used on hot paths that hold a row lock while they talk to the database (bench S4): each
round trip there is time the lock is held. On PostgreSQL, psycopg's client-side binding
(Django's default) sends statements joined by `;` as one string and hands back each one's
result in turn; each statement still takes its own snapshot (READ COMMITTED), so a read
after a `FOR UPDATE` sees whatever the lock waited for. With server-side binding, and on
other databases, the statements go one by one.
"""

from collections.abc import Sequence

Statement = tuple[str, Sequence]


def can_send_together(connection) -> bool:
    return connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    )


def execute_together(
    connection, statements: Sequence[Statement], *, fetch: bool
) -> list[list[tuple]]:
    """Run `statements` (sql, params) in order, in one round trip where possible; with
    `fetch`, answer each one's rows (SELECTs), else nothing (INSERTs without RETURNING)."""
    results: list[list[tuple]] = []
    with connection.cursor() as cursor:
        if can_send_together(connection) and len(statements) > 1:
            cursor.execute(
                "; ".join(sql for sql, _ in statements),
                [value for _, params in statements for value in params],
            )
            if fetch:
                results.append(cursor.fetchall())
                while cursor.nextset():
                    results.append(cursor.fetchall())
        else:
            for sql, params in statements:
                cursor.execute(sql, params)
                if fetch:
                    results.append(cursor.fetchall())
    return results
