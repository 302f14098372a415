"""Every write to the outbox and to a reader's inbox.

Callers (cases, handoffs, …) describe what happened as ``Notice`` values and call ``notify``
inside their own transaction; the rows commit with the change, and only after the commit is the
delivery task queued. Queueing never raises: with the broker down the rows wait for the sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone, translation

from accounts.models import User
from audit.services import audit_record

from . import outbox
from .models import Notification

logger = logging.getLogger(__name__)

State = Notification.State

# A render function returns (subject, body); it is called once per language of the site.
Render = Callable[[], tuple[str, str]]


@dataclass(frozen=True)
class Notice:
    """One event to tell several people about. ``webhook`` posts it once to the group chat.

    Its texts come from ``render`` (called once per site language), or, for the scans that
    tell about thousands of events at once, from ``template`` and ``values``: the template
    returns the translated (subject, body) format strings and is called once per language for
    all the notices that share it; each notice only fills in its ``values``."""

    recipient_ids: tuple[int, ...]
    kind: str
    object_type: str
    object_id: str
    render: Render | None = None
    deadline_version: int = 0
    url: str = ""
    webhook: bool = True
    template: Render | None = None
    values: Mapping[str, Any] | None = None


def render_texts(notices: list[Notice]) -> list[dict[str, dict[str, str]]]:
    """Texts of each notice in every site language (one language switch each)."""
    texts: list[dict[str, dict[str, str]]] = [{} for _ in notices]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            templates: dict[Render, tuple[str, str]] = {}
            for result, notice in zip(texts, notices, strict=True):
                if notice.template is not None:
                    if notice.template not in templates:
                        templates[notice.template] = notice.template()
                    subject, body = templates[notice.template]
                    subject, body = subject % notice.values, body % notice.values
                elif notice.render is not None:
                    subject, body = notice.render()
                else:
                    raise ValueError(f"notice {notice.kind} has neither render nor template")
                result[code] = {"subject": str(subject), "body": str(body)}
    return texts


def _recipients(notices: list[Notice]) -> dict[int, dict[str, Any]]:
    ids = {pk for notice in notices for pk in notice.recipient_ids}
    users = User.objects.filter(pk__in=ids, is_active=True)
    return {u["pk"]: dict(u) for u in users.values("pk", "email", "email_notifications")}


def _channels(notice: Notice, users: dict[int, dict[str, Any]]) -> list[tuple[int, str, str]]:
    """(recipient, e-mail state, webhook state) for each active recipient, once each; the
    first one carries the group-chat post, so a chat hears of an event once."""
    webhook = notice.webhook and bool(settings.NOTIFY_WEBHOOK_URL)
    channels: list[tuple[int, str, str]] = []
    for pk in dict.fromkeys(notice.recipient_ids):
        user = users.get(pk)
        if user is None:
            continue
        email = State.PENDING if user["email"] and user["email_notifications"] else State.SKIPPED
        chat = State.PENDING if webhook and not channels else State.SKIPPED
        channels.append((pk, email, chat))
    return channels


def notify(notices: Iterable[Notice]) -> int:
    """Write the outbox rows of ``notices`` in the caller's transaction; returns rows offered.

    A row whose key already exists is skipped by the database (ON CONFLICT DO NOTHING), so a
    repeated event notifies nobody twice.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("notify must run inside the transaction of the change it reports")
    notices = list(notices)
    users = _recipients(notices)
    texts = render_texts(notices)
    events = [
        outbox.Planned(
            kind=notice.kind,
            object_type=notice.object_type,
            object_id=notice.object_id,
            deadline_version=notice.deadline_version,
            url=notice.url,
            texts=text,
            recipients=_channels(notice, users),
        )
        for notice, text in zip(notices, texts, strict=True)
    ]
    outbox.write(events, now=timezone.now())
    channels = [channel for event in events for channel in event.recipients]
    if any(State.PENDING in (email, chat) for _pk, email, chat in channels):
        transaction.on_commit(queue_delivery, robust=True)
    return len(channels)


def queue_delivery() -> None:
    """Ask a worker to deliver now. Never raises and never waits long (firstask/broker.py);
    whatever is not queued is picked up by the sweep."""
    from firstask.broker import task_enqueue

    from .tasks import deliver_due

    task_enqueue(deliver_due, expires=settings.NOTIFY_SWEEP_SECONDS * 5)


@transaction.atomic
def notification_mark_read(actor: User, *, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(actor: User) -> int:
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def user_set_email_notifications(actor: User, *, enabled: bool) -> User:
    """Each staff member chooses whether notifications also come by e-mail."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    before = user.email_notifications
    if before != enabled:
        user.email_notifications = enabled
        user.save(update_fields=["email_notifications"])
        audit_record(
            actor=actor,
            action="user.email_notifications",
            object_type="user",
            object_id=user.username,
            before={"email_notifications": before},
            after={"email_notifications": enabled},
        )
    return user
