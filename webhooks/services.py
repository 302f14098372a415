"""Writing webhook deliveries: one row per (event, case, endpoint), in the caller's transaction,
so a rolled-back change tells nobody and a committed one is never lost. Sending happens after
commit in a Celery task (``webhooks.delivery``); nothing here talks to the network."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case

from .models import Delivery, Endpoint, Event

logger = logging.getLogger(__name__)

CASE_FIELDS = (
    "pk", "number", "status", "subject", "channel", "visitor_type", "category__code",
    "owner_department__code", "deadline", "deadline_version", "created_at", "closed_at",
)  # fmt: skip


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def case_payload(row: dict[str, Any], *, event: str, at: dt.datetime) -> dict[str, Any]:
    """What a receiver learns of a case: no visitor's name or phone (PRV-1)."""
    return {
        "event": event,
        "occurred_at": at.isoformat(),
        "case": {
            "number": row["number"],
            "status": row["status"],
            "subject": row["subject"],
            "channel": row["channel"],
            "visitor_type": row["visitor_type"],
            "category": row["category__code"],
            "owner_department": row["owner_department__code"],
            "deadline": _iso(row["deadline"]),
            "deadline_version": row["deadline_version"],
            "registered_at": _iso(row["created_at"]),
            "closed_at": _iso(row["closed_at"]),
            "url": f"{settings.SITE_URL}/cases/{row['number']}/",
        },
    }


def webhook_emit(*, event: str, case_ids: list[int], at: dt.datetime | None = None) -> int:
    """Queue ``event`` for every active endpoint that asked for it; returns rows written.
    An event already queued for an endpoint (same case, same deadline version for overdue)
    is not queued twice."""
    if not connection.in_atomic_block:
        raise RuntimeError("webhook_emit must run inside the transaction of the change")
    endpoints = list(
        Endpoint.objects.filter(is_active=True, events__contains=[event]).values_list(
            "pk", flat=True
        )
    )
    if not endpoints or not case_ids:
        return 0
    at = at or timezone.now()
    rows = Case.objects.filter(pk__in=case_ids).order_by("pk").values(*CASE_FIELDS)
    deliveries = []
    for row in rows:
        once = row["number"]
        if event == Event.CASE_OVERDUE:
            once = f"{row['number']}#{row['deadline_version']}"
        for endpoint_id in endpoints:
            key = uuid.uuid4()
            payload = {"id": str(key), **case_payload(row, event=event, at=at)}
            deliveries.append(
                Delivery(
                    uuid=key,
                    endpoint_id=endpoint_id,
                    event=event,
                    case_number=row["number"],
                    once_key=once,
                    payload=payload,
                    created_at=at,
                    next_attempt_at=at,
                )
            )
    Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
    transaction.on_commit(_queue_delivery)
    return len(deliveries)


def _queue_delivery() -> None:
    """Ask a worker to send what is due; with the broker down the sweep sends it later."""
    from .tasks import deliver_due

    try:
        deliver_due.apply_async(retry=False)
    except Exception:
        logger.warning("could not queue webhook delivery; the sweep will send it")
