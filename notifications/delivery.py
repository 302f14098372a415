"""Sending outbox rows: e-mail, the chat webhook and SMS to visitors, with retries and backoff.

Each row is delivered in its own transaction under ``SELECT … FOR UPDATE SKIP LOCKED``, so two
workers (or a worker and the sweep) never send the same row at once, and a worker killed
mid-send leaves the row pending for the next attempt. A channel that succeeded is not sent
again when another channel of the same row is retried.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)

State = Notification.State
BATCH = 200


class DeliveryError(Exception):
    pass


class Skip(Exception):  # not an error: the channel no longer applies
    pass


def backoff(attempts: int) -> dt.timedelta:
    """60 s, 2 min, 4 min, … doubling after each failed attempt, at most six hours."""
    return dt.timedelta(seconds=min(settings.NOTIFY_RETRY_SECONDS * 2 ** (attempts - 1), 21600))


def absolute(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def send_email(row: Notification) -> None:
    if row.recipient_id is None:
        return _send_visitor_email(row)
    user = row.recipient
    if not (user.is_active and user.email and user.email_notifications):
        raise Skip  # turned off (or left) since the row was written
    language = user.language or settings.LANGUAGE_CODE
    text = row.text(language)
    body = text["body"] + (f"\n\n{absolute(row.url)}" if row.url else "")
    EmailMessage(
        subject=text["subject"],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"X-Firstask-Notification": str(row.pk)},
    ).send(fail_silently=False)


def _send_visitor_email(row: Notification) -> None:
    from .visitor import contact_for, visitor_text

    contact = contact_for(row)
    if contact is None or not contact.email:
        raise Skip  # opted out or erased since the row was written
    text = visitor_text(row)
    body = text["body"] + (f"\n\n{absolute(row.url)}" if row.url else "")
    EmailMessage(
        subject=text["subject"],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email],
        headers={"X-Firstask-Notification": str(row.pk)},
    ).send(fail_silently=False)


def send_sms(row: Notification) -> None:
    from .sms import Sms, sms_send
    from .visitor import contact_for, visitor_text

    contact = contact_for(row)
    if contact is None or not contact.phone:
        raise Skip
    text = visitor_text(row)
    words = text["body"] + (f" {absolute(row.url)}" if row.url else "")
    sms_send(Sms(phone=contact.phone, kind=row.kind, params=dict(row.params), text=words))


def webhook_url() -> str:
    """The robot's address; with a secret, DingTalk's signed form (timestamp + HMAC-SHA256)."""
    url = settings.NOTIFY_WEBHOOK_URL
    secret = settings.NOTIFY_WEBHOOK_SECRET
    if not secret:
        return url
    timestamp = str(round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def post_webhook(row: Notification) -> None:
    """A text message in the WeCom / DingTalk group-robot format, in the site's language."""
    text = row.text(settings.LANGUAGE_CODE)
    content = "\n".join(part for part in (text["subject"], text["body"], absolute(row.url)) if part)
    payload = json.dumps({"msgtype": "text", "text": {"content": content}}).encode()
    url = webhook_url()
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("NOTIFY_WEBHOOK_URL must be an http(s) address")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=payload, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    with urllib.request.urlopen(request, timeout=settings.NOTIFY_WEBHOOK_TIMEOUT) as response:  # noqa: S310
        answer = response.read(4096)
    try:
        errcode = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0
    if errcode:
        raise DeliveryError(f"webhook answered errcode {errcode}")


CHANNELS = (
    ("email_state", send_email),
    ("webhook_state", post_webhook),
    ("sms_state", send_sms),
)


def _attempt(row: Notification) -> list[str]:
    errors = []
    for field, send in CHANNELS:
        if getattr(row, field) != State.PENDING:
            continue
        try:
            send(row)
        except Skip:
            setattr(row, field, State.SKIPPED)
        except Exception as error:  # any failure is retried later
            errors.append(f"{field.split('_')[0]}: {error}"[:150])
        else:
            setattr(row, field, State.SENT)
    return errors


@transaction.atomic
def notification_deliver(*, notification_id: int, now: dt.datetime | None = None) -> bool:
    """Send the pending channels of one row; True when it is now fully sent."""
    now = now or timezone.now()
    row = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient")
        .filter(pk=notification_id, next_attempt_at__lte=now)
        .first()
    )
    if row is None:  # sent, not due yet, or being sent by another worker right now
        return False
    errors = _attempt(row)
    row.attempts += 1
    if not errors:
        row.next_attempt_at, row.sent_at, row.last_error = None, now, ""
    elif row.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        for field, _send in CHANNELS:
            if getattr(row, field) == State.PENDING:
                setattr(row, field, State.FAILED)
        row.next_attempt_at, row.last_error = None, "; ".join(errors)[:300]
        logger.error("notification %s given up: %s", row.pk, row.last_error)
    else:
        row.next_attempt_at, row.last_error = now + backoff(row.attempts), "; ".join(errors)[:300]
    row.save(
        update_fields=[
            "email_state",
            "webhook_state",
            "sms_state",
            "attempts",
            "next_attempt_at",
            "sent_at",
            "last_error",
        ]
    )
    return not errors


def notifications_deliver_due(*, now: dt.datetime | None = None, limit: int = 5000) -> int:
    """Deliver every due row, oldest id first, in batches; the sweep calls it periodically."""
    now = now or timezone.now()
    due = Notification.objects.filter(next_attempt_at__lte=now).order_by("pk")
    delivered, last, seen = 0, 0, 0
    while seen < limit:
        ids = list(due.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        for pk in ids:
            delivered += notification_deliver(notification_id=pk, now=now)
        last, seen = ids[-1], seen + len(ids)
    return delivered
