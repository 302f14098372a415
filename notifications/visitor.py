"""Messages to a visitor (not a staff member), through the same outbox.

The row has no recipient; its address comes from the app that owns the object (``cases``
registers a resolver for ``object_type="case"``), asked when the row is written and again when
it is sent, so a visitor who opted out or whose data was erased in between gets nothing.
The texts are in the site's language (a visitor has no language setting).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import Notification
from .services import Notice, Render, queue_delivery, render_texts
from .sms import sms_enabled

State = Notification.State


@dataclass(frozen=True)
class Contact:
    phone: str | None  # None or "": no SMS
    email: str  # "": no e-mail


# object_type -> resolver(object_id) -> the visitor's contact, or None when not to be told.
ContactResolver = Callable[[str], "Contact | None"]
resolvers: dict[str, ContactResolver] = {}


def contact_for(row: Notification) -> Contact | None:
    resolve = resolvers.get(row.object_type)
    return resolve(row.object_id) if resolve else None


@dataclass(frozen=True)
class VisitorMessage:
    """One message; (kind, object, version) is sent at most once."""

    kind: str
    object_type: str
    object_id: str
    version: int
    params: dict[str, str]
    render: Render
    url: str = ""


def visitor_notify(message: VisitorMessage) -> bool:
    """Write the message's outbox row in the caller's transaction; False when nothing is to go
    out (the visitor is not to be told, or has no address the site can send to)."""
    if not connection.in_atomic_block:
        raise RuntimeError("visitor_notify must run inside the transaction of the change")
    contact = resolvers[message.object_type](message.object_id)
    if contact is None:
        return False
    sms = State.PENDING if contact.phone and sms_enabled() else State.SKIPPED
    email = State.PENDING if contact.email else State.SKIPPED
    if State.PENDING not in (sms, email):
        return False
    (texts,) = render_texts(
        [
            Notice(
                recipient_ids=(),
                kind=message.kind,
                object_type=message.object_type,
                object_id=message.object_id,
                render=message.render,
            )
        ]
    )
    now = timezone.now()
    row = Notification(
        recipient=None,
        kind=message.kind,
        object_type=message.object_type,
        object_id=message.object_id,
        deadline_version=message.version,
        texts=texts,
        url=message.url,
        params=message.params,
        created_at=now,
        sms_state=sms,
        email_state=email,
        webhook_state=State.SKIPPED,
        next_attempt_at=now,
        # Read by nobody: no staff inbox shows it.
        read_at=now,
    )
    Notification.objects.bulk_create([row], ignore_conflicts=True)
    transaction.on_commit(queue_delivery, robust=True)
    return True


def visitor_text(row: Notification) -> dict[str, str]:
    return row.text(settings.LANGUAGE_CODE)
