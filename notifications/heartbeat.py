"""When beat last queued a task and a worker last started one (read by /healthz)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Heartbeat

BEAT = "beat"
WORKER = "worker"


def heartbeat_record(*, name: str) -> None:
    """One upsert; called at most every few seconds per process (firstask/celery.py)."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, at=timezone.now())],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["at"],
    )


def heartbeats_read() -> dict[str, dt.datetime]:
    return dict(Heartbeat.objects.values_list("name", "at"))
