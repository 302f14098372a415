"""Writing outbox rows in bulk. The rows of one event share their texts; the texts travel once
per event, in one JSON document per chunk, and the database fans them out to the recipients
(INSERT … SELECT FROM jsonb_to_recordset(…) ON CONFLICT DO NOTHING), which keeps a 10,000-case
overdue scan from shipping the same texts again for every center head."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection
from psycopg import sql

from firstask.sql import db_table, render

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


def write(events: list[Planned], *, now: dt.datetime) -> None:
    for start in range(0, len(events), CHUNK):
        _write_fanned_out(events[start : start + CHUNK], now=now)


_FAN_OUT = sql.SQL(
    """
INSERT INTO {table} (recipient_id, kind, object_type, object_id, deadline_version, texts, url,
    created_at, email_state, webhook_state, sms_state, params, attempts, next_attempt_at,
    last_error, sent_at)
SELECT r.recipient, e.kind, e.object_type, e.object_id, e.deadline_version, e.texts, e.url,
    %(now)s, r.email_state, r.webhook_state, 'skipped', '{{}}'::jsonb, 0,
    CASE WHEN r.pending THEN %(now)s END, '', CASE WHEN NOT r.pending THEN %(now)s END
FROM jsonb_to_recordset(%(events)s::jsonb) AS e(kind text, object_type text, object_id text,
    deadline_version int, texts jsonb, url text, recipients jsonb)
CROSS JOIN LATERAL jsonb_to_recordset(e.recipients)
    AS r(recipient bigint, email_state text, webhook_state text, pending boolean)
ON CONFLICT DO NOTHING
""".strip()
)


def _write_fanned_out(events: list[Planned], *, now: dt.datetime) -> None:
    # One JSON document per chunk: json.dumps runs in C, whereas adapting the same values as
    # PostgreSQL arrays escapes every element in Python (most of a 10,000-case scan's time).
    document = [
        {
            "kind": event.kind,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "deadline_version": event.deadline_version,
            "texts": event.texts,
            "url": event.url,
            "recipients": [
                {
                    "recipient": recipient,
                    "email_state": email,
                    "webhook_state": chat,
                    "pending": State.PENDING in (email, chat),
                }
                for recipient, email, chat in event.recipients
            ],
        }
        for event in events
    ]
    query = _FAN_OUT.format(table=db_table(Notification))
    with connection.cursor() as cursor:
        cursor.execute(
            render(query), {"now": now, "events": json.dumps(document, ensure_ascii=False)}
        )
