"""firstask/cache.py against real servers: a Redis of our own, paused or stopped, and the
PostgreSQL table that stands in for it."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from firstask.cache import FallbackCache, PostgresCache
from notifications.models import CacheEntry
from tests.live import manage
from tests.notifications.conftest import _free_port, private_redis  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def _cache(url: str) -> FallbackCache:
    return FallbackCache(url, {"KEY_PREFIX": "t", "OPTIONS": {"socket_timeout": 0.3}})


def _pause(redis, seconds: float) -> None:
    """Redis keeps its data but answers nobody: the outage a restart cannot show."""
    assert redis.command("CLIENT", "PAUSE", str(int(seconds * 1000)), "ALL") == b"+OK\r\n"


def test_a_stopped_redis_is_served_from_postgresql(settings):
    cache = _cache(f"redis://127.0.0.1:{_free_port()}/0")  # nothing listens there

    cache.set("a", 1, 60)
    assert cache.add("b", 0, 60) is True
    assert cache.add("b", 5, 60) is False
    assert cache.incr("b") == 1
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 1}
    assert set(CacheEntry.objects.values_list("cache_key", flat=True)) == {"t:1:a", "t:1:b"}
    assert cache.redis_is_up() is False


def test_after_a_failure_redis_is_left_alone_for_the_retry_pause(private_redis, settings):  # noqa: F811
    settings.REDIS_RETRY_SECONDS = 1
    private_redis.start()
    cache = _cache(private_redis.url)
    _pause(private_redis, 0.5)

    started = time.monotonic()
    assert cache.get("k") is None  # timed out once, answered from the table
    assert [cache.get("k") for _ in range(20)] == [None] * 20
    assert time.monotonic() - started < 1  # one timeout, not twenty-one
    cache._primary.set("k", "in redis")  # Redis answers again, but the pause is not over
    assert cache.get("k") is None

    time.sleep(1.1)
    assert cache.get("k") == "in redis"


def test_what_changed_during_an_outage_reaches_redis_when_it_is_back(private_redis, settings):  # noqa: F811
    settings.REDIS_RETRY_SECONDS = 0.5
    private_redis.start()
    cache = _cache(private_redis.url)
    cache.set("session", "signed in", 300)
    cache.set("version", 4, None)
    cache.set("count", 2, 900)
    _pause(private_redis, 0.5)

    cache.delete("session")  # signed out during the outage
    cache.set("version", 5, None)
    assert cache.get("session") is None
    time.sleep(0.6)

    assert cache.get("other") is None  # Redis answers: the table moves over first
    assert not CacheEntry.objects.exists()
    assert cache._primary.get("session") is None  # not resurrected with Redis's old copy
    assert cache._primary.get("version") == 5
    assert cache._primary.get("count") == 2


def test_counting_in_postgresql_keeps_the_window():
    cache = PostgresCache("", {"KEY_PREFIX": "t"})
    cache.add("window", 0, 900)
    expires = CacheEntry.objects.get().expires

    assert [cache.incr("window") for _ in range(3)] == [1, 2, 3]
    assert CacheEntry.objects.get().expires == expires
    with pytest.raises(ValueError):
        cache.incr("missing")


def test_an_expired_count_is_missing():
    cache = PostgresCache("", {"KEY_PREFIX": "t"})
    cache.set("old", 3, 60)
    CacheEntry.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))

    with pytest.raises(ValueError):
        cache.incr("old")
    assert cache.add("old", 0, 60) is True


def test_without_redis_the_cache_is_postgresql_alone():
    shown = manage(
        "shell",
        "-c",
        "from django.core.cache import caches; print(type(caches['default']).__name__)",
        env={"REDIS_URL": ""},
    )
    assert shown.strip().splitlines()[-1] == "PostgresCache"


def test_a_role_taken_away_during_an_outage_stays_away_once_redis_is_back(
    private_redis,  # noqa: F811
    settings,
    front_desk,
):
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.permissions import roles_of

    settings.REDIS_RETRY_SECONDS = 0.5
    private_redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "firstask.cache.FallbackCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "roles",
            "OPTIONS": {"socket_timeout": 0.3},
        }
    }
    fresh = lambda: User.objects.get(pk=front_desk.pk)  # noqa: E731 - a new request's user
    assert roles_of(fresh()) == {"staff"}  # kept in Redis
    _pause(private_redis, 0.5)

    front_desk.groups.remove(Group.objects.get(name="staff"))
    assert roles_of(fresh()) == frozenset()
    time.sleep(0.6)

    assert roles_of(fresh()) == frozenset()  # Redis still holds the old list, under the old version


def test_a_redis_out_of_memory_is_served_from_postgresql(private_redis, settings):  # noqa: F811
    private_redis.start()
    cache = _cache(private_redis.url)
    cache.set("big", "x" * 10_000, 60)
    assert private_redis.command("CONFIG", "SET", "maxmemory", "1") == b"+OK\r\n"

    assert cache.set("more", "y" * 10_000, 60) is None  # refused by Redis, kept in PostgreSQL
    assert cache.get("more") == "y" * 10_000
    assert CacheEntry.objects.filter(cache_key="t:1:more").exists()


def test_clearing_the_cache_leaves_other_keys_of_its_redis_database_alone(settings):
    """cache.clear() must not FLUSHDB: Celery's queue (one REDIS_URL for both) and other
    processes' caches live in the same database."""
    import os

    import redis
    from django.core.cache import cache

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.rpush("celery-clear-test", "task")
    cache.set("ours", 1)
    try:
        cache.clear()
        assert cache.get("ours") is None
        assert client.llen("celery-clear-test") == 1
    finally:
        client.delete("celery-clear-test")
