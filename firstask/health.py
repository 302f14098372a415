"""/healthz: ok or failing for each part, nothing more (no versions, counts or errors).

HTTP 503 only when the database fails: without it no page works, so a load balancer should
send requests elsewhere. Every other part failing leaves the desk working (docs/redis.md), so
the answer stays 200 and says "degraded": Redis down (the cache falls back to PostgreSQL, tasks
wait in the outbox), no beat or worker heartbeat, notifications waiting longer than
HEALTH_STALE_SECONDS, a media bucket that does not answer (only downloads and uploads wait).
Those are for the operator's monitoring, not for taking a web node out.
A read replica (DATABASE_REPLICA_URL) down or lagging is one of them too: its pages read from
the primary meanwhile (firstask/db_router.py); it is asked afresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

OK, FAILING = "ok", "failing"


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache() -> bool:
    """Redis answers (the cache is in PostgreSQL alone without REDIS_URL)."""
    from django.core.cache import caches

    from .cache import FallbackCache

    cache = caches["default"]
    return cache.redis_answers() if isinstance(cache, FallbackCache) else _database()


def _broker() -> bool:
    from .celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
    return True


def _recent(name: str) -> Callable[[], bool]:
    def check() -> bool:
        from notifications.heartbeat import heartbeats_read

        at = heartbeats_read().get(name)
        return at is not None and _age(at) <= settings.HEALTH_STALE_SECONDS

    return check


def _outbox() -> bool:
    """The oldest notification due for delivery has not waited longer than allowed."""
    from notifications.models import Notification

    due = Notification.objects.filter(next_attempt_at__lte=timezone.now())
    oldest = due.aggregate(oldest=Min("next_attempt_at"))["oldest"]
    return oldest is None or _age(oldest) <= settings.HEALTH_STALE_SECONDS


def _media() -> bool:
    """The media store answers: one HEAD of a name nobody stores, for a bucket (the local disk
    always answers). Found or not, an answer is what counts."""
    from django.core.files.storage import default_storage

    default_storage.exists("healthz-probe")
    return True


def _age(at: dt.datetime) -> float:
    return (timezone.now() - at).total_seconds()


CHECKS: dict[str, Callable[[], bool]] = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "beat": _recent("beat"),
    "worker": _recent("worker"),
    "outbox": _outbox,
    "media": _media,
}
ESSENTIAL = {"database"}


def health_parts() -> dict[str, str]:
    from .db_router import replica_configured, replica_usable

    replica = {"replica": lambda: replica_usable(fresh=True)} if replica_configured() else {}
    checks = {**CHECKS, **replica}
    parts = {}
    for name, check in checks.items():
        try:
            parts[name] = OK if check() else FAILING
        except Exception:  # whatever went wrong, the part is failing
            parts[name] = FAILING
    return parts


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    parts = health_parts()
    failing = {name for name, state in parts.items() if state != OK}
    status = "failing" if failing & ESSENTIAL else "degraded" if failing else "ok"
    return JsonResponse({"status": status, **parts}, status=503 if failing & ESSENTIAL else 200)
