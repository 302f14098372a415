"""Queueing a Celery task from a web request without ever failing it or making it wait long.

The broker connection gives up within CELERY_BROKER_CONNECTION_TIMEOUT seconds; after a failure
this process does not try again for REDIS_RETRY_SECONDS, so a broker outage costs one short
wait per process and pause, not one per request. Whatever is not queued is done by the
periodic sweeps (notifications.deliver_due, archive.archive_sweep) once the broker is back.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

# Broker URL → monotonic time until which this process does not try it again.
_down_until: dict[str, float] = {}


def task_enqueue(task: Any, *, args: tuple = (), **options: Any) -> bool:
    """Queue ``task``; returns False (and logs) when the broker is, or was just, unreachable."""
    from .celery import app

    broker = app.conf.broker_url
    if time.monotonic() < _down_until.get(broker, 0.0):
        return False
    try:
        task.apply_async(args=args, retry=False, **options)
    except Exception as error:  # a broker outage must not fail the change
        _down_until[broker] = time.monotonic() + settings.REDIS_RETRY_SECONDS
        logger.warning("broker unavailable, %s waits for the sweep: %s", task.name, error)
        return False
    return True
