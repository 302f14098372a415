"""Reads of the read-heavy pages from a streaming replica (``DATABASE_REPLICA_URL``).

Only what is asked for goes to the replica: ``ReplicaMiddleware`` marks a GET of a URL named
in ``REPLICA_URL_NAMES`` (case list and search, archive, KPIs, exports, the API's lists) in a
context variable, and ``PrimaryReplicaRouter`` sends that request's ORM reads to the replica.
Everything else reads from the primary, as does a marked request

- inside a transaction, or after it wrote anything (its own write must be visible to it);
- from a browser that wrote in the last ``REPLICA_STICKY_SECONDS`` (a signed cookie set by any
  successful POST or ORM write), so nobody misses their own change;
- while the replica is down, or its replay lags more than ``REPLICA_MAX_LAG_SECONDS`` behind.

The replica's health is asked at most every ``REPLICA_CHECK_SECONDS`` per process, one query
(`_LAG`); a replica that refused a connection is left alone for ``REPLICA_RETRY_SECONDS``. A
replica that fails in the middle of a request costs that request nothing: the middleware runs
the view again on the primary (only marked GETs reach the replica, so a second run is safe).

Sign-in, permissions, tokens, sessions and the cache table always read from the primary: a
revoked token or a withdrawn role must not live on for the replica's lag.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.connection import ConnectionDoesNotExist

logger = logging.getLogger(__name__)

REPLICA = "replica"
STICKY_COOKIE = "firstask_primary"
_STICKY_SALT = "firstask.db_router.sticky"
_SAFE_METHODS = frozenset({"GET", "HEAD"})
# Who may do what, and the bookkeeping tables: fresh from the primary, always. Writes to the
# bookkeeping ones (a session renewed, a cache entry, a token's last use) are not the user's
# change, and leave the request on the replica.
_PRIMARY_APPS = frozenset(
    {"accounts", "auth", "api", "axes", "contenttypes", "sessions", "django_cache"}
)
_BOOKKEEPING = frozenset({"axes", "sessions", "django_cache", "api.apitoken"})
# Seconds the replica's replay is behind: none when it has replayed all it received (an idle
# primary sends nothing, and the last replayed commit grows old without any lag); NULL (unknown,
# so skipped) when it has WAL to replay but has replayed no transaction since it started.
_LAG = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() "
    "OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)


@dataclass
class _Request:
    may_use_replica: bool = False
    wrote: bool = False
    used_replica: bool = False


_request: ContextVar[_Request | None] = ContextVar("firstask_replica_request", default=None)


@dataclass
class _Health:
    usable: bool | None = None  # None: not asked yet in this process
    until: float = 0.0  # time.monotonic() when the answer is to be asked again


_health = _Health()


def replica_configured() -> bool:
    """The settings add the ``replica`` alias exactly when the URL is given."""
    return bool(getattr(settings, "DATABASE_REPLICA_URL", ""))


def replica_usable(*, fresh: bool = False) -> bool:
    """Is the replica up and close enough behind? Asked of the replica at most every
    REPLICA_CHECK_SECONDS per process, unless ``fresh`` (/healthz)."""
    now = time.monotonic()
    if now < _health.until and not fresh:
        return bool(_health.usable)
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(_LAG)
            lag = cursor.fetchone()[0]
    except DatabaseError as error:
        replica_down(error)
        return False
    usable = lag is not None and float(lag) <= settings.REPLICA_MAX_LAG_SECONDS
    if usable != _health.usable:
        lag_text = "unknown" if lag is None else f"{float(lag):.1f} s"
        logger.warning("read replica %s (lag %s)", "in use" if usable else "lagging", lag_text)
    _health.usable = usable
    _health.until = now + settings.REPLICA_CHECK_SECONDS
    return usable


def replica_down(error: Exception) -> None:
    """The replica failed: read from the primary for REPLICA_RETRY_SECONDS."""
    logger.warning("read replica down, reading from the primary: %s", str(error).strip()[:200])
    _health.usable = False
    _health.until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    with contextlib.suppress(DatabaseError, ConnectionDoesNotExist):
        connections[REPLICA].close()


def replica_health_forget() -> None:
    """Ask the replica again on the next read (tests; a deploy that replaced it)."""
    _health.usable, _health.until = None, 0.0


class PrimaryReplicaRouter:
    """Always names a database: an object read from the replica would otherwise be saved to
    it, and its related objects read from it, by Django's fallback to the instance's own."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        state = _request.get()
        if (
            state is None
            or not state.may_use_replica
            or state.wrote
            or model._meta.app_label in _PRIMARY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
            or not replica_usable()
        ):
            return DEFAULT_DB_ALIAS
        state.used_replica = True
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        state = _request.get()
        meta = model._meta  # the cache table's stand-in model has no label_lower
        if (
            state is not None
            and not {meta.app_label, getattr(meta, "label_lower", "")} & _BOOKKEEPING
        ):
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None  # the replica copies the primary's schema


class ReplicaMiddleware:
    """Marks the GETs of ``REPLICA_URL_NAMES`` as free to read from the replica, and keeps a
    browser that just wrote on the primary for ``REPLICA_STICKY_SECONDS``. Listed last, so its
    ``process_exception`` sees a failed replica before any other middleware does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = _Request()
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        wrote = state.wrote or (request.method not in _SAFE_METHODS and response.status_code < 400)
        if wrote and settings.REPLICA_STICKY_SECONDS > 0:
            response.set_signed_cookie(
                STICKY_COOKIE,
                "1",
                salt=_STICKY_SALT,
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict[str, Any]
    ) -> None:
        state = _request.get()
        match = request.resolver_match
        if (
            state is None
            or request.method not in _SAFE_METHODS
            or match is None
            or match.view_name not in settings.REPLICA_URL_NAMES
            or self._sticky(request)
        ):
            return
        state.may_use_replica = True
        request._replica_view = (view, args, kwargs)  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        """The replica went away in the middle of a marked GET: the same view again, on the
        primary. Any other error, or one from a request that read nothing from the replica,
        goes on to the 503 handler (firstask/errors.py) as before."""
        state = _request.get()
        if not isinstance(error, OperationalError | InterfaceError):
            return None
        if state is None or not state.used_replica:
            return None
        replica_down(error)
        state.may_use_replica = False
        view, args, kwargs = request._replica_view  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        render = getattr(response, "render", None)
        if callable(render) and not getattr(response, "is_rendered", True):
            response = render()
        return response

    @staticmethod
    def _sticky(request: HttpRequest) -> bool:
        return (
            request.get_signed_cookie(
                STICKY_COOKIE,
                default=None,
                salt=_STICKY_SALT,
                max_age=settings.REPLICA_STICKY_SECONDS,
            )
            is not None
        )
