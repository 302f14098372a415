"""The cache: Redis while it answers, a PostgreSQL table while it does not (docs/redis.md).

Everything the application keeps in the cache — session copies (``cached_db``), role lists and
their version, the throttles' counts, KPI figures — can be rebuilt, but the throttles and the
role version must keep counting and invalidating while Redis is away, and a request must not
wait on a dead server again and again. So:

- ``FallbackCache`` sends every call to Redis (short socket timeouts, no retries). A connection
  error marks Redis down in this process for ``REDIS_RETRY_SECONDS``; meanwhile, and for the
  call that failed, the same call goes to ``PostgresCache``. After that pause the next call
  tries Redis again.
- While Redis is down, a delete writes a tombstone row instead of removing one, so that when
  Redis is back the first process that sees it again (or ``cache_replay``, run by every
  worker heartbeat) moves what was written meanwhile over to Redis: values with what is left of
  their lifetime, tombstones as deletions. A session ended or a role taken away during the
  outage therefore stays ended when Redis returns with its old data.
- Without Redis at all (``make run``) ``PostgresCache`` is the cache.

The table is ``notifications.CacheEntry`` (its migration creates it, so ``migrate`` is enough).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import pickle
import time
from typing import Any

import redis
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction
from django.utils import timezone
from psycopg import sql
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

TABLE = "firstask_cache"
TOMBSTONE = "\x00firstask-cache-deleted"
REPLAY_BATCH = 1000
TOMBSTONE_SECONDS = 24 * 3600  # longer than anything is kept; a replay removes them earlier
# A Redis that cannot serve: gone, hanging, loading its data, out of memory, a read-only replica
# after a failover. Other errors (a wrong type, a bad command) are bugs and are raised.
REDIS_ERRORS = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.OutOfMemoryError,
    redis.exceptions.ReadOnlyError,
    OSError,
)
_MISSING = object()

# Per process (gunicorn worker, Celery child): Redis server URL → monotonic time until which it
# is not tried again; and the servers whose outage this process wrote to the table.
_down_until: dict[str, float] = {}
_replay_due: set[str] = set()


def _buried(value: Any) -> bool:
    return isinstance(value, str) and value == TOMBSTONE


class PostgresCache(DatabaseCache):
    """Django's DatabaseCache on ``firstask_cache``, reading tombstones as missing, with an
    ``incr`` that locks the row and keeps its expiry (BaseCache.incr would restart a throttle
    window at the default timeout on every count, and two counts at once would make one)."""

    _table: str  # set by BaseDatabaseCache.__init__, missing from django-stubs

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        options = {"MAX_ENTRIES": 100_000, **params.get("OPTIONS", {})}
        super().__init__(location or TABLE, {**params, "OPTIONS": options})

    def get_many(self, keys, version=None):
        found = super().get_many(keys, version)
        return {key: value for key, value in found.items() if not _buried(value)}

    def has_key(self, key, version=None):
        return self.get(key, _MISSING, version) is not _MISSING

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version):
            return False
        self.set(key, value, timeout, version)
        return True

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = sql.Identifier(self._table)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            select = "SELECT value FROM {} WHERE cache_key = %s AND expires > %s FOR UPDATE"
            cursor.execute(
                sql.SQL(select).format(table).as_string(connection.connection),
                [key, timezone.now()],
            )
            row = cursor.fetchone()
            value = None if row is None else _loads(connection.ops.process_clob(row[0]))
            if value is None or _buried(value):
                raise ValueError(f"Key '{key}' not found.")
            value += delta
            cursor.execute(
                sql.SQL("UPDATE {} SET value = %s WHERE cache_key = %s")
                .format(table)
                .as_string(connection.connection),
                [_dumps(value, self.pickle_protocol), key],
            )
        return value

    def bury(self, keys, version=None) -> None:
        """Delete ``keys`` as seen by readers, and remember the deletion for the replay."""
        self.set_many(dict.fromkeys(keys, TOMBSTONE), TOMBSTONE_SECONDS, version)


def _loads(text: str) -> Any:
    # The table is written only by this code (DatabaseCache's own format).
    return pickle.loads(base64.b64decode(text.encode()))  # noqa: S301


def _dumps(value: Any, protocol: int) -> str:
    return base64.b64encode(pickle.dumps(value, protocol)).decode("latin1")


class FallbackCache(BaseCache):
    """Redis (LOCATION) first, ``PostgresCache`` while Redis does not answer (module doc)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._server = server
        shared = {k: v for k, v in params.items() if k not in ("BACKEND", "LOCATION", "OPTIONS")}
        redis_options = {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 2,
            "retry": Retry(NoBackoff(), 0),  # redis-py retries 3 times with back-off by default
            **params.get("OPTIONS", {}),
        }
        self._primary = RedisCache(server, {**shared, "OPTIONS": redis_options})
        self._fallback = PostgresCache(TABLE, shared)

    # --- the switch ---
    def redis_is_up(self) -> bool:
        """True unless this process saw Redis fail within the last REDIS_RETRY_SECONDS."""
        return time.monotonic() >= _down_until.get(self._server, 0.0)

    def redis_answers(self) -> bool:
        """Ask Redis now, whatever this process last saw (/healthz)."""
        try:
            return bool(self._primary._cache.get_client(write=True).ping())
        except REDIS_ERRORS:
            return False

    def _either(self, on_redis, on_table=None):
        if self.redis_is_up():
            try:
                if self._server in _replay_due:
                    self.replay()
                return on_redis(self._primary)
            except REDIS_ERRORS as error:
                self._mark_down(error)
        return (on_table or on_redis)(self._fallback)

    def _mark_down(self, error: Exception) -> None:
        if self.redis_is_up():
            logger.warning("Redis cache unreachable, using PostgreSQL: %s", error)
        _down_until[self._server] = time.monotonic() + settings.REDIS_RETRY_SECONDS
        _replay_due.add(self._server)

    def replay(self) -> int:
        """Move what was written to the table while Redis was down over to Redis; returns how
        many keys. Rows are claimed (locked, skipped by a concurrent replay) and deleted in the
        transaction that copies them: a Redis error rolls the claim back."""
        from notifications.models import CacheEntry

        now = timezone.now()
        entries = CacheEntry.objects.using(router.db_for_write(CacheEntry))
        with transaction.atomic(using=entries.db):
            rows = list(
                entries.select_for_update(skip_locked=True)
                .filter(expires__gt=now)
                .values_list("cache_key", "value", "expires")[:REPLAY_BATCH]
            )
            client = self._primary._cache  # takes the keys as stored (same prefix and version)
            for key, text, expires in rows:
                value = _loads(text)
                if _buried(value):
                    client.delete(key)
                else:
                    client.set(key, value, _seconds_left(expires, now))
            entries.filter(pk__in=[row[0] for row in rows]).delete()
            entries.filter(expires__lte=now).delete()
        if len(rows) < REPLAY_BATCH:
            _replay_due.discard(self._server)
        if rows:
            logger.info("moved %d cache entries written during a Redis outage to Redis", len(rows))
        return len(rows)

    # --- the cache API ---
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either(lambda c: c.add(key, value, timeout, version))

    def get(self, key, default=None, version=None):
        return self._either(lambda c: c.get(key, default, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either(lambda c: c.set(key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either(lambda c: c.touch(key, timeout, version))

    def delete(self, key, version=None):
        return self._either(lambda c: c.delete(key, version), lambda c: c.bury([key], version))

    def get_many(self, keys, version=None):
        return self._either(lambda c: c.get_many(keys, version))

    def has_key(self, key, version=None):
        return self._either(lambda c: c.has_key(key, version))

    def incr(self, key, delta=1, version=None):
        return self._either(lambda c: c.incr(key, delta, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either(lambda c: c.set_many(data, timeout, version))

    def delete_many(self, keys, version=None):
        return self._either(lambda c: c.delete_many(keys, version), lambda c: c.bury(keys, version))

    def clear(self):
        """Only this cache's keys (its KEY_PREFIX): the Redis database is shared with Celery's
        queue and with other processes' caches (parallel test workers), which FLUSHDB would
        wipe."""
        self._fallback.clear()
        return self._either(_clear_prefixed, lambda c: None)

    def close(self, **kwargs):
        self._primary.close(**kwargs)
        self._fallback.close(**kwargs)


def _seconds_left(expires: dt.datetime, now: dt.datetime) -> int | None:
    if expires.year >= 9999:  # DatabaseCache's "never"
        return None
    return max(1, int((expires - now).total_seconds()))


def cache_replay() -> int:
    """Run the replay for the default cache if it is a FallbackCache (worker heartbeat)."""
    from django.core.cache import caches

    cache = caches["default"]
    if isinstance(cache, FallbackCache) and cache.redis_is_up():
        try:
            return cache.replay()
        except REDIS_ERRORS as error:
            cache._mark_down(error)
    return 0


def _clear_prefixed(cache: RedisCache) -> None:
    client = cache._cache.get_client(write=True)
    pattern = f"{cache.key_prefix}:*" if cache.key_prefix else "*"
    batch: list[bytes] = []
    for key in client.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) >= 500:
            client.delete(*batch)
            batch = []
    if batch:
        client.delete(*batch)
