"""The Celery app: its configuration, the beat schedule included, is the CELERY_* settings
(firstask/settings/celery.py); here are beat's catch-up at start and the heartbeats."""

import logging
import os
import time
import warnings

from celery import Celery
from celery.exceptions import SecurityWarning
from celery.signals import after_task_publish, beat_embedded_init, beat_init, task_prerun
from django.conf import settings

from firstask import metrics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")

logger = logging.getLogger(__name__)

if os.environ.get("DEBUG") == "1":
    # `make run` as root (a fresh container or CI machine): the demo is not production, where
    # the Dockerfile's USER runs the worker unprivileged.
    warnings.filterwarnings("ignore", category=SecurityWarning)

app = Celery("firstask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
metrics.celery_signals_connect()  # task outcomes for /metrics


@beat_init.connect
def _catch_up(sender=None, **kwargs) -> None:
    """When beat starts, queue at once the tasks the schedule marks so (settings/celery.py)
    instead of one interval later."""
    _in_beat()  # before the first publish, so that it counts as beat's heartbeat
    for name in settings.BEAT_QUEUED_AT_START:
        task = settings.CELERY_BEAT_SCHEDULE[name]["task"]
        try:
            app.send_task(task, expires=300)
        except Exception:  # the regular schedule retries
            logger.warning("could not queue %s at beat start", task, exc_info=True)


# Heartbeats for /healthz: beat's when it queues a task, a worker's when it starts one; at most
# one upsert per HEARTBEAT_SECONDS and process. A worker's periodic task also moves what the cache
# wrote to PostgreSQL during a Redis outage back to Redis (firstask/cache.py).
HEARTBEAT_SECONDS = 10.0
_beat_process = False
_last_beat: dict[str, float] = {}


@beat_init.connect
@beat_embedded_init.connect
def _in_beat(sender=None, **kwargs) -> None:
    global _beat_process
    _beat_process = True


@after_task_publish.connect
def _beat_heartbeat(sender=None, **kwargs) -> None:
    if _beat_process:
        _heartbeat("beat")


@task_prerun.connect
def _worker_heartbeat(sender=None, **kwargs) -> None:
    if _heartbeat("worker"):
        from .cache import cache_replay

        cache_replay()


def _heartbeat(name: str) -> bool:
    now = time.monotonic()
    if now - _last_beat.get(name, -HEARTBEAT_SECONDS) < HEARTBEAT_SECONDS:
        return False
    _last_beat[name] = now
    try:
        from django.db import close_old_connections

        from notifications.heartbeat import heartbeat_record

        if _beat_process:  # no request or task cycle checks beat's connection
            close_old_connections()
        heartbeat_record(name=name)
    except Exception:  # a heartbeat must never stop beat or a task
        logger.warning("could not record the %s heartbeat", name, exc_info=True)
    return True
