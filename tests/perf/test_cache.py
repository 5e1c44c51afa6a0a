"""The database cache's `set` in one statement, culled now and then (core/cache.py, issue 17).

The throttles' counts live in this cache when REDIS_URL is unset; it must still behave as
Django's DatabaseCache does: values kept and replaced, expiry honoured, `add` refusing a live
key, and the table culled once it passes MAX_ENTRIES.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.cache import CheapSetDatabaseCache

pytestmark = pytest.mark.django_db(transaction=False)


def _cache(**options) -> CheapSetDatabaseCache:
    return CheapSetDatabaseCache("softpark_cache", {"OPTIONS": options, "KEY_PREFIX": "t"})


def _rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM softpark_cache")
        return cursor.fetchone()[0]


def test_a_set_is_one_statement_and_replaces_the_value():
    cache = _cache(CULL_CHECK_EVERY=10**9)  # the count check never drawn
    cache.set("throttle", [1.5, 2.5], 60)
    with CaptureQueriesContext(connection) as queries:
        cache.set("throttle", [3.5], 60)
    assert len(queries) == 1
    assert "ON CONFLICT" in queries[0]["sql"]
    assert "COUNT(" not in queries[0]["sql"]
    assert cache.get("throttle") == [3.5]
    assert _rows() == 1


def test_expiry_and_add_behave_as_djangos():
    cache = _cache()
    cache.set("gone", "x", -1)  # already expired
    cache.set("forever", "y", None)
    assert cache.get("gone") is None
    assert cache.get("forever") == "y"
    assert cache.add("forever", "z") is False  # a live key: add refuses
    assert cache.add("gone", "w", 60) is True  # an expired one: add takes it
    assert cache.get("gone") == "w"
    cache.delete("forever")
    assert cache.get("forever") is None


def test_past_max_entries_a_checked_set_culls_the_expired_then_a_share_of_the_rest():
    cache = _cache(MAX_ENTRIES=10, CULL_FREQUENCY=2, CULL_CHECK_EVERY=10**9)
    for n in range(6):
        cache.set(f"old-{n}", n, -1)
    for n in range(14):
        cache.set(f"live-{n}", n, 60)
    assert _rows() == 20  # never checked: past the bound

    cache._cull_check_every = 1  # now every set counts the table first
    cache.set("trigger", "t", 60)

    # 20 rows > 10: the 6 expired are deleted, then half of the 14 left; then the new row.
    assert _rows() == 14 - 14 // 2 + 1
    assert cache.get("trigger") == "t"
    assert all(cache.get(f"old-{n}") is None for n in range(6))


def _row(key: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT value, expires FROM softpark_cache WHERE cache_key = %s", [key])
        return cursor.fetchone()


@pytest.mark.parametrize(
    "timeout",
    [60, None, -1, 0],
    ids=["a minute", "forever", "expired", "zero"],
)
def test_the_upsert_stores_what_djangos_database_cache_stores(timeout):
    # The hand-written INSERT ... ON CONFLICT beside Django's own DatabaseCache.set (its
    # SELECT then UPDATE or INSERT), on the same table: for a new key and for a replaced one,
    # the same pickled value, the same expiry (to the second both round to), the same reads.
    from django.core.cache.backends.db import DatabaseCache

    ours = CheapSetDatabaseCache("softpark_cache", {"KEY_PREFIX": "ours"})
    django = DatabaseCache("softpark_cache", {"KEY_PREFIX": "django"})
    for value in ({"history": [1.5, 2.5], "é": "😀"}, [3.5], "replaced"):
        ours.set("throttle", value, timeout)
        django.set("throttle", value, timeout)
        assert _rows() == 2  # one row each, replaced in place
        our_value, our_expires = _row(ours.make_key("throttle"))
        django_value, django_expires = _row(django.make_key("throttle"))
        assert our_value == django_value
        if isinstance(our_expires, str):  # SQLite hands back the stored text
            our_expires, django_expires = (
                connection.ops.convert_datetimefield_value(v, None, connection)
                for v in (our_expires, django_expires)
            )
        if timeout is None:
            assert our_expires == django_expires  # datetime.max, to the second
        else:
            assert abs((our_expires - django_expires).total_seconds()) <= 1  # a tick apart
        assert ours.get("throttle") == django.get("throttle")
        assert (ours.get("throttle") == value) is (timeout is None or timeout > 0)
