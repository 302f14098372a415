"""Sending webhook deliveries: signed POSTs with retries and exponential backoff.

Each row is sent in its own transaction under ``SELECT … FOR UPDATE SKIP LOCKED`` (as the
notification outbox), so two workers never send one row at once and a killed worker leaves it
pending. The signature covers the timestamp and the body (``HMAC-SHA256(secret,
"<timestamp>.<body>")``): a receiver that checks it and refuses old timestamps cannot be
replayed an old call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Delivery

logger = logging.getLogger(__name__)

BATCH = 200
State = Delivery.State


def body_of(delivery: Delivery) -> bytes:
    """The bytes sent and signed: the payload in a fixed key order, the same on every retry."""
    return json.dumps(
        delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff(attempts: int) -> dt.timedelta:
    """WEBHOOK_RETRY_SECONDS, then doubling after each failed attempt, at most six hours."""
    return dt.timedelta(seconds=min(settings.WEBHOOK_RETRY_SECONDS * 2 ** (attempts - 1), 21600))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer we do not follow: the endpoint's URL is what the admin chose."""

    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(delivery: Delivery) -> int:
    """POST the signed body; the HTTP status, or an exception for no answer in time."""
    url = delivery.endpoint.url
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("the endpoint URL must be http(s)")
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "firstask-webhooks/1",
            "X-Firstask-Event": delivery.event,
            "X-Firstask-Delivery": str(delivery.uuid),
            "X-Firstask-Timestamp": timestamp,
            "X-Firstask-Signature": signature(delivery.endpoint.secret, timestamp, body),
        },
    )
    try:
        with _OPENER.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            response.read(4096)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@transaction.atomic
def delivery_send(*, delivery_id: int, now: dt.datetime | None = None) -> bool:
    """Send one due row; True when the endpoint accepted it (any 2xx)."""
    now = now or timezone.now()
    row = (
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("endpoint")
        .filter(pk=delivery_id, state=State.PENDING, next_attempt_at__lte=now)
        .first()
    )
    if row is None:  # sent, not due yet, or being sent by another worker right now
        return False
    if not row.endpoint.is_active:  # turned off since the row was written: not sent at all
        row.state, row.next_attempt_at, row.last_error = State.FAILED, None, "endpoint turned off"
        row.save(update_fields=["state", "next_attempt_at", "last_error"])
        return False
    row.attempts += 1
    try:
        status = post(row)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except Exception as failure:  # timeouts, refused connections: retried later
        status, error = None, f"{type(failure).__name__}: {failure}"[:300]
    row.last_status, row.last_error = status, error
    if not error:
        row.state, row.sent_at, row.next_attempt_at = State.SENT, timezone.now(), None
    elif row.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        row.state, row.next_attempt_at = State.FAILED, None
        logger.error("webhook delivery %s given up: %s", row.uuid, error)
    else:
        row.next_attempt_at = now + backoff(row.attempts)
    row.save(
        update_fields=["attempts", "last_status", "last_error", "state", "sent_at",
                       "next_attempt_at"]
    )  # fmt: skip
    return not error


def deliveries_send_due(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Send every due row, oldest first, in batches: the task after a commit and the sweep."""
    now = now or timezone.now()
    due = Delivery.objects.filter(state=State.PENDING, next_attempt_at__lte=now).order_by("pk")
    sent, last, seen = 0, 0, 0
    while seen < limit:
        ids = list(due.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        for pk in ids:
            sent += delivery_send(delivery_id=pk, now=now)
        last, seen = ids[-1], seen + len(ids)
    return sent
