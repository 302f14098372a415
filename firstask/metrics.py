"""Prometheus metrics at /metrics: request latency per view, Celery task outcomes, and figures
read from the database at scrape time (outbox backlog, open and overdue cases, broker queue).

Counters and histograms live in the process that observes them; with several processes
(gunicorn workers, Celery's pool) set PROMETHEUS_MULTIPROC_DIR to an empty directory shared by
them and prometheus_client keeps them in files there, which a scrape of any process sums.
The database figures are computed per scrape (a few indexed counts), not kept per process.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

REQUEST_LATENCY = Histogram(
    "firstask_request_duration_seconds",
    "Time from the first middleware to the response, per URL name.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASK_OUTCOMES = Counter(
    "firstask_celery_tasks_total",
    "Celery tasks finished, per task and outcome.",
    ["task", "outcome"],
)


class RequestMetricsMiddleware:
    """First in MIDDLEWARE: the latency of the whole stack, labelled with the URL's name (a
    bounded set, unlike paths that carry case numbers) and the status class."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        REQUEST_LATENCY.labels(
            view=(match.view_name if match else "") or "<unresolved>",
            method=request.method if request.method in KNOWN_METHODS else "other",
            status=f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - started)
        return response


KNOWN_METHODS = {"GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"}


class DatabaseCollector(Collector):
    """Gauges read at scrape time; a database that does not answer is reported, not raised."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db import DatabaseError

        try:
            figures = database_figures()
        except DatabaseError:
            logger.warning("metrics: database figures unavailable", exc_info=True)
            yield GaugeMetricFamily("firstask_database_up", "1 if the database answered.", 0)
            return
        yield GaugeMetricFamily("firstask_database_up", "1 if the database answered.", 1)
        backlog = GaugeMetricFamily(
            "firstask_outbox_backlog",
            "Notifications not yet delivered, per channel and state (pending, failed).",
            labels=["channel", "state"],
        )
        for (channel, state), count in figures["outbox"].items():
            backlog.add_metric([channel, state], count)
        yield backlog
        cases = GaugeMetricFamily(
            "firstask_cases_open", "Cases not yet answered, per status.", labels=["status"]
        )
        for status, count in figures["open"].items():
            cases.add_metric([status], count)
        yield cases
        yield GaugeMetricFamily(
            "firstask_cases_overdue", "Open cases flagged overdue.", figures["overdue"]
        )
        queue = broker_queue_length()
        if queue is not None:
            yield GaugeMetricFamily(
                "firstask_celery_queue_length", "Tasks waiting in the default queue.", queue
            )


def database_figures() -> dict[str, Any]:
    from django.db.models import Count, Q

    from cases.models import Case
    from notifications.models import Notification

    state = Notification.State
    outbox: dict[tuple[str, str], int] = {}
    for channel in ("email", "webhook"):
        field = f"{channel}_state"
        counts = Notification.objects.aggregate(
            pending=Count("pk", filter=Q(**{field: state.PENDING})),
            failed=Count("pk", filter=Q(**{field: state.FAILED})),
        )
        outbox |= {(channel, name): value for name, value in counts.items()}
    unanswered = [Case.Status.OPEN, Case.Status.REFERRED, Case.Status.COORDINATING]
    rows = Case.objects.filter(status__in=unanswered).values_list("status").annotate(n=Count("pk"))
    opened = {str(status): 0 for status in unanswered} | dict(rows)
    overdue = Case.objects.filter(status__in=unanswered, overdue_flagged_at__isnull=False).count()
    return {"outbox": outbox, "open": opened, "overdue": overdue}


def broker_queue_length() -> int | None:
    """Length of Celery's default queue on a Redis broker (None for other brokers or no answer)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        return int(client.llen(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")))
    except redis.RedisError:
        return None


_DATABASE_REGISTRY = CollectorRegistry(auto_describe=False)
_DATABASE_REGISTRY.register(DatabaseCollector())


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(_DATABASE_REGISTRY)


def scrape_allowed(request: HttpRequest) -> bool:
    """A bearer token equal to METRICS_TOKEN, or a client address in METRICS_ALLOWED_IPS."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[7:].strip().encode(), token.encode())
    from accounts.security import client_ip

    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS: %r is not an address or network", allowed)
    return False


@login_not_required  # machines scrape it; METRICS_TOKEN or METRICS_ALLOWED_IPS decides
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not scrape_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def _worker_metrics_serve(sender: Any = None, **kwargs: Any) -> None:
    """With METRICS_WORKER_PORT set, a Celery worker serves its task counters itself (its pool's
    processes count into PROMETHEUS_MULTIPROC_DIR); the web's /metrics cannot see them."""
    port = settings.METRICS_WORKER_PORT
    if not port:
        return
    from prometheus_client import start_http_server

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr=settings.METRICS_WORKER_ADDR, registry=registry)


def celery_signals_connect() -> None:
    """Count every task's outcome in the worker (called from firstask/celery.py)."""
    from celery.signals import (
        task_failure,
        task_retry,
        task_revoked,
        task_success,
        worker_init,
    )

    worker_init.connect(_worker_metrics_serve, weak=False, dispatch_uid="firstask.metrics.serve")

    def counter(outcome: str) -> Callable[..., None]:
        def record(sender: Any = None, **kwargs: Any) -> None:
            name = getattr(sender, "name", None) or getattr(kwargs.get("request"), "task", "")
            TASK_OUTCOMES.labels(task=name or "unknown", outcome=outcome).inc()

        return record

    for signal, outcome in (
        (task_success, "success"),
        (task_failure, "failure"),
        (task_retry, "retry"),
        (task_revoked, "revoked"),
    ):
        signal.connect(counter(outcome), weak=False, dispatch_uid=f"firstask.metrics.{outcome}")
