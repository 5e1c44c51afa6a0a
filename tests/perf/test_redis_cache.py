"""The Redis cache of a deployment with REDIS_URL (core/cache.py, issue 17): Django's own
RedisCache, its redis-py client built once and shared by threads, against a real Redis."""

import threading
import uuid

import pytest

from core.cache import ReusedClientRedisCache
from tests.conftest import redis_url

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache():
    cache = ReusedClientRedisCache(redis_url(), {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.clear()


def test_it_behaves_as_djangos_redis_cache(redis_cache):
    redis_cache.set("count", 1, 60)
    assert redis_cache.add("count", 5, 60) is False
    assert redis_cache.incr("count") == 2
    assert redis_cache.get_many(["count", "missing"]) == {"count": 2}
    redis_cache.set("list", [1.5, "Hòa"], 60)
    assert redis_cache.get("list") == [1.5, "Hòa"]
    redis_cache.delete("count")
    assert redis_cache.get("count", "gone") == "gone"


def test_one_client_serves_every_call_and_every_thread(redis_cache):
    first = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client(write=False) is first
    seen, errors = [], []

    def work(number: int) -> None:
        try:
            for turn in range(50):
                redis_cache.set(f"k{number}", turn, 60)
                assert redis_cache.get(f"k{number}") == turn
            seen.append(redis_cache._cache.get_client())
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(client is first for client in seen)
