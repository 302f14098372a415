"""Where the domain already tells about a case's moments, webhooks listen: the intake's
``case_registered``, closure's ``case_closed``, archive's ``case_archived`` (all sent inside the
transaction of the change), and the overdue scan's callback for the case table. Each only
writes delivery rows in that transaction; nothing is sent before it commits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from cases.models import Case

from .models import Event
from .services import webhook_emit


def on_registered(sender: Any, *, case: Case, **kwargs: Any) -> None:
    webhook_emit(event=Event.CASE_CREATED, case_ids=[case.pk])
    if case.status == Case.Status.CLOSED:  # answered on the spot: closed in the same intake
        webhook_emit(event=Event.CASE_CLOSED, case_ids=[case.pk])


def on_closed(sender: Any, *, case: Case, **kwargs: Any) -> None:
    webhook_emit(event=Event.CASE_CLOSED, case_ids=[case.pk])


def on_archived(sender: Any, *, case: Case, **kwargs: Any) -> None:
    webhook_emit(event=Event.CASE_ARCHIVED, case_ids=[case.pk])


def _after_flagged(flagged):
    """The case table's own callback first (timeline, notices, audit), then the webhooks."""

    def flagged_then_webhooks(ids: list[int], now: dt.datetime) -> None:
        flagged(ids, now)
        webhook_emit(event=Event.CASE_OVERDUE, case_ids=ids, at=now)

    flagged_then_webhooks.webhooks = True  # type: ignore[attr-defined]  # a marker on a function
    return flagged_then_webhooks


def connect() -> None:
    from archive.services import case_archived
    from cases import overdue
    from cases.services import case_registered
    from closure.services import case_closed

    case_registered.connect(on_registered, sender=Case, dispatch_uid="webhooks.registered")
    case_closed.connect(on_closed, sender=Case, dispatch_uid="webhooks.closed")
    case_archived.connect(on_archived, sender=Case, dispatch_uid="webhooks.archived")
    # The scan's registry is keyed by table name: registering the case table again with a
    # chained callback keeps its SQL and adds the webhooks to the same transaction.
    table = next(table for table in overdue.tables() if table.name == "case")
    if not getattr(table.flagged, "webhooks", False):
        overdue.register(dataclasses.replace(table, flagged=_after_flagged(table.flagged)))
