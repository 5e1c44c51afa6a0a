"""The database cache, in fewer round trips (issue 17).

Without REDIS_URL the throttles count requests in Django's DatabaseCache, whose `set` runs a
`SELECT COUNT(*)` of the whole cache table (to decide whether to cull) and then a transaction
of a SELECT and an UPDATE or INSERT: five round trips on every request, the count growing with
the table. Here a `set` is one statement, `INSERT ... ON CONFLICT (cache_key) DO UPDATE`
(PostgreSQL and SQLite), and the table is counted only on one `set` in CULL_CHECK_EVERY
(100 by default, an OPTIONS entry), then culled as Django culls it. MAX_ENTRIES thus bounds
the table within a few hundred rows rather than exactly. `add`, `touch`, `get` and the rest are
Django's own.
"""

import base64
import pickle
import random
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connections, router
from django.utils.timezone import now as tz_now

UPSERT_VENDORS = {"postgresql", "sqlite"}


class CheapSetDatabaseCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        options = params.get("OPTIONS", {})
        self._cull_check_every = max(1, int(options.get("CULL_CHECK_EVERY", 100)))

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if mode != "set" or connection.vendor not in UPSERT_VENDORS:
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        never = datetime.max.replace(tzinfo=UTC)
        expires = never if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table = quote(self._table)
        with connection.cursor() as cursor:
            if random.randrange(self._cull_check_every) == 0:  # noqa: S311 (a sampling, not a secret)
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (our table name)
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
            key_column, value_column, expires_column = (
                quote("cache_key"),
                quote("value"),
                quote("expires"),
            )
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "  # noqa: S608
                f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}) DO UPDATE SET "
                f"{value_column} = excluded.{value_column}, "
                f"{expires_column} = excluded.{expires_column}",
                [key, encoded, expires],
            )
        return True


class _ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, its redis-py `Redis` built once per connection pool.

    Django builds a new `redis.Redis` on every cache call (`get_client`), and redis-py's
    constructor fills a table of about 170 response callbacks each time: half the time of a
    throttle check (two cache calls per request; bench S2). A `Redis` takes a connection from
    its pool only while a command runs, so one is safely shared by the threads of a process,
    and its pool notices a fork.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    """Django's RedisCache with `_ReusedClientRedisCacheClient`; settings and behaviour are
    Django's own (README, Deploy: REDIS_URL)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClientRedisCacheClient

    def count_in_window(self, key: str, *, previous: str, timeout: int) -> tuple[int, int]:
        """Add one to the count at `key` (kept `timeout` seconds) and read the count at
        `previous`, in one round trip: (`key`'s count with this one, `previous`'s count).
        The addition is Redis's own INCR: two callers at the same instant are both counted."""
        current_key = self.make_and_validate_key(key)
        previous_key = self.make_and_validate_key(previous)
        client = self._cache.get_client(current_key, write=True)
        with client.pipeline(transaction=False) as pipe:
            pipe.incr(current_key)
            pipe.expire(current_key, timeout)
            pipe.get(previous_key)
            counted, _expires, before = pipe.execute()
        return counted, 0 if before is None else int(before)

    def uncount(self, key: str) -> None:
        """Take back one `count_in_window` of `key` (a request it then refused)."""
        current_key = self.make_and_validate_key(key)
        self._cache.get_client(current_key, write=True).decr(current_key)
