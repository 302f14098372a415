"""Overdue flags and deadline reminders (DUE-1, DUE-2).

Every table with promised deadlines is scanned set-based: one
``UPDATE … WHERE <open> AND overdue_flagged_at IS NULL AND deadline < now … RETURNING id``
served by the table's partial index, never a Python loop over open rows. The flag, the timeline
events, the outbox rows and the audit event commit in one transaction, so a crash anywhere
rolls all of it back and the next scan (beat, or the redelivered task) does it again, once.
A PostgreSQL advisory lock keeps a second beat from running the same scan at the same time;
even without it the ``IS NULL`` condition, re-checked under the row lock, flags a row once.

A deadline change must bump ``deadline_version`` and clear ``overdue_flagged_at`` and
``reminded_at`` (``cases.services.case_extend_deadline`` does): the new deadline is then flagged
and reminded again, and its notifications get a new unique key.

Higher apps add their own tables with ``extensions.register(DeadlineTable(...))`` from their
AppConfig.ready (handoffs' Assignment: same four columns and a partial index of the same shape).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from psycopg import sql

from firstask.sql import db_table, render

from . import calendar

CHUNK = 1000


@dataclass(frozen=True)
class DeadlineTable:
    """A scanned table. ``open_sql`` must repeat the predicate of its partial index on
    ``deadline`` so that the planner can use it; it is SQL written by us, never user input.
    The scan adds ``overdue_flagged_at IS NULL`` as a filter: keeping that column out of the
    index lets PostgreSQL flag a row with a heap-only update (cases_case has many indexes).
    The callbacks get the ids just flagged or reminded and run in the scan's transaction."""

    name: str
    model: type[models.Model]
    open_sql: str
    flagged: Callable[[list[int], dt.datetime], None]
    reminded: Callable[[list[int], dt.datetime], None]


def tables() -> list[DeadlineTable]:
    """Every table registered as an extension (the case table: CasesConfig.ready)."""
    from . import extensions

    return list(extensions.registered(DeadlineTable))


def flag_overdue(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Flag every row past its deadline, once per deadline; {table: rows flagged}."""
    now = now or timezone.now()
    return {table.name: _flag(table, now) for table in tables()}


def remind_deadlines(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind once per deadline when at most REMINDER_WORKING_HOURS of working time are left."""
    now = now or timezone.now()
    horizon = add_working_hours(now, settings.REMINDER_WORKING_HOURS)
    return {table.name: _remind(table, now, horizon) for table in tables()}


@transaction.atomic
def _flag(table: DeadlineTable, now: dt.datetime) -> int:
    if not _try_lock(f"{table.name}:flag"):
        return 0
    ids = _update_returning(table, "overdue_flagged_at", "deadline < %s", [now], now=now)
    if ids:
        table.flagged(ids, now)
    return len(ids)


@transaction.atomic
def _remind(table: DeadlineTable, now: dt.datetime, horizon: dt.datetime) -> int:
    if not _try_lock(f"{table.name}:remind"):
        return 0
    condition = "reminded_at IS NULL AND deadline >= %s AND deadline <= %s"
    ids = _update_returning(table, "reminded_at", condition, [now, horizon], now=now)
    if ids:
        table.reminded(ids, now)
    return len(ids)


def _try_lock(name: str) -> bool:
    """Transaction-scoped advisory lock: a second scan of the same kind gives way."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
        return bool(cursor.fetchone()[0])


def _update_returning(
    table: DeadlineTable, column: str, condition: str, params: list, *, now: dt.datetime
) -> list[int]:
    query = sql.SQL(
        "UPDATE {table} SET {column} = %s "
        "WHERE {open} AND overdue_flagged_at IS NULL AND {condition} RETURNING {pk}"
    ).format(
        table=db_table(table.model),
        column=sql.Identifier(column),
        open=sql.SQL(table.open_sql),
        condition=sql.SQL(condition),
        pk=sql.Identifier(table.model._meta.pk.column or "id"),
    )
    with connection.cursor() as cursor:
        cursor.execute(render(query), [now, *params])
        return sorted(row[0] for row in cursor.fetchall())


def chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _clock(value: str) -> dt.time:
    hour, minute = (int(part) for part in value.split(":"))
    return dt.time(hour, minute)


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment ``hours`` of working time after ``start``: working days of the calendar,
    each from WORKDAY_START to WORKDAY_END local time."""
    tz = ZoneInfo(settings.TIME_ZONE)
    opens, closes = _clock(settings.WORKDAY_START), _clock(settings.WORKDAY_END)
    moment = timezone.localtime(start, tz)
    left = dt.timedelta(hours=hours)
    day = moment.date()
    days = [day] if calendar.is_workday(day) else []
    days += calendar.working_days_between(day, day + dt.timedelta(days=60))
    for workday in days:
        begin = max(moment, dt.datetime.combine(workday, opens, tzinfo=tz))
        end = dt.datetime.combine(workday, closes, tzinfo=tz)
        if begin >= end:
            continue
        if begin + left <= end:
            return begin + left
        left -= end - begin
    return moment + left


def case_table() -> DeadlineTable:
    from . import notices
    from .models import ACTIVE_STATUSES, Case

    statuses = ", ".join(f"'{status}'" for status in ACTIVE_STATUSES)  # our constants
    return DeadlineTable(
        name="case",
        model=Case,
        open_sql=f"status IN ({statuses})",
        flagged=notices.case_flagged,
        reminded=notices.case_reminded,
    )
