"""Where the domain already tells about a case's moments, webhooks listen: an intake step
(cases.extensions), closure's ``case_closed``, archive's ``case_archived`` (all inside the
transaction of the change), and the overdue scan's callback for the case table. Each only
writes delivery rows in that transaction; nothing is sent before it commits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from cases.extensions import Intake
from cases.models import Case

from .models import Event
from .services import webhook_emit


def on_registered(intake: Intake) -> None:
    """An intake step (extensions.IntakeStep)."""
    case = intake.case
    webhook_emit(event=Event.CASE_CREATED, case_ids=[case.pk])
    if case.status == Case.Status.CLOSED:  # answered on the spot: closed in the same intake
        webhook_emit(event=Event.CASE_CLOSED, case_ids=[case.pk])


def on_closed(sender: Any, *, case: Case, **kwargs: Any) -> None:
    webhook_emit(event=Event.CASE_CLOSED, case_ids=[case.pk])


def on_archived(sender: Any, *, case: Case, **kwargs: Any) -> None:
    webhook_emit(event=Event.CASE_ARCHIVED, case_ids=[case.pk])


def _after_flagged(flagged):  # type: ignore[no-untyped-def]
    """The case table's own callback first (timeline, notices, audit), then the webhooks."""

    def flagged_then_webhooks(ids: list[int], now: dt.datetime) -> None:
        flagged(ids, now)
        webhook_emit(event=Event.CASE_OVERDUE, case_ids=ids, at=now)

    flagged_then_webhooks.webhooks = True  # type: ignore[attr-defined]
    return flagged_then_webhooks


def connect() -> None:
    from archive.services import case_archived
    from cases import extensions, overdue
    from closure.services import case_closed

    case_closed.connect(on_closed, sender=Case, dispatch_uid="webhooks.closed")
    case_archived.connect(on_archived, sender=Case, dispatch_uid="webhooks.archived")
    # The scan's registry is keyed by table name: registering the case table again with a
    # chained callback keeps its SQL and adds the webhooks to the same transaction.
    table = extensions.get(overdue.DeadlineTable, "case")
    if table is not None and not getattr(table.flagged, "webhooks", False):
        extensions.register(dataclasses.replace(table, flagged=_after_flagged(table.flagged)))
    extensions.register(extensions.IntakeStep(name="webhooks", run=on_registered, order=80))
