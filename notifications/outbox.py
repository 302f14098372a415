"""Writing outbox rows in bulk. The rows of one event share their texts; on PostgreSQL the texts
travel once per event and the database fans them out to the recipients (one INSERT … SELECT
FROM unnest(…) ON CONFLICT DO NOTHING per chunk), which keeps a 10,000-case overdue scan from
shipping the same texts again for every center head. Other databases (the embedded SQLite
demo) use bulk_create; both write the same rows."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection

from .models import Notification

State = Notification.State
CHUNK = 5000  # events per statement


@dataclass(frozen=True)
class Planned:
    """One event: what every recipient's row has in common, and each recipient's channels."""

    kind: str
    object_type: str
    object_id: str
    deadline_version: int
    url: str
    texts: dict[str, dict[str, str]]
    recipients: list[tuple[int, str, str]]  # (user id, email state, webhook state)


def _timestamps(email: str, chat: str, now: dt.datetime) -> tuple[dt.datetime | None, ...]:
    pending = State.PENDING in (email, chat)
    return (now, None) if pending else (None, now)  # next_attempt_at, sent_at


def write(events: list[Planned], *, now: dt.datetime) -> None:
    for start in range(0, len(events), CHUNK):
        chunk = events[start : start + CHUNK]
        if connection.vendor == "postgresql":
            _write_fanned_out(chunk, now=now)
        else:
            _write_rows(chunk, now=now)


def _write_rows(events: list[Planned], *, now: dt.datetime) -> None:
    rows = []
    for event in events:
        for recipient, email, chat in event.recipients:
            next_attempt_at, sent_at = _timestamps(email, chat, now)
            rows.append(
                Notification(
                    recipient_id=recipient,
                    kind=event.kind,
                    object_type=event.object_type,
                    object_id=event.object_id,
                    deadline_version=event.deadline_version,
                    texts=event.texts,
                    url=event.url,
                    created_at=now,
                    email_state=email,
                    webhook_state=chat,
                    next_attempt_at=next_attempt_at,
                    sent_at=sent_at,
                )
            )
    Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


_FAN_OUT = """
INSERT INTO {table} (recipient_id, kind, object_type, object_id, deadline_version, texts, url,
    created_at, email_state, webhook_state, attempts, next_attempt_at, last_error, sent_at)
SELECT p.recipient, e.kind, e.object_type, e.object_id, e.deadline_version, e.texts::jsonb, e.url,
    %s, p.email_state, p.webhook_state, 0, p.next_attempt_at, '', p.sent_at
FROM unnest(%s::int[], %s::bigint[], %s::text[], %s::text[], %s::timestamptz[],
            %s::timestamptz[])
     AS p(event, recipient, email_state, webhook_state, next_attempt_at, sent_at)
JOIN unnest(%s::text[], %s::text[], %s::text[], %s::int[], %s::text[], %s::text[])
     WITH ORDINALITY AS e(kind, object_type, object_id, deadline_version, texts, url, event)
     USING (event)
ON CONFLICT DO NOTHING
"""


def _write_fanned_out(events: list[Planned], *, now: dt.datetime) -> None:
    pairs: tuple[list, ...] = ([], [], [], [], [], [])
    for index, event in enumerate(events, start=1):
        for recipient, email, chat in event.recipients:
            for column, value in zip(
                pairs, (index, recipient, email, chat, *_timestamps(email, chat, now)), strict=True
            ):
                column.append(value)
    columns = (
        [e.kind for e in events],
        [e.object_type for e in events],
        [e.object_id for e in events],
        [e.deadline_version for e in events],
        [json.dumps(e.texts) for e in events],
        [e.url for e in events],
    )
    sql = _FAN_OUT.strip().format(table=connection.ops.quote_name(Notification._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, *pairs, *columns])
