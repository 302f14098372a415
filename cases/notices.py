"""What cases tells people, and when: overdue flags, deadline reminders (called by the scan in
``cases.overdue``) and a referral at intake. Texts are rendered once per site language by
``notifications.services.notify``; the rows commit with the change that causes them."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Department
from audit.services import audit_record
from notifications.services import Notice, notify

from . import calendar
from .extensions import Intake
from .models import Case, Outcome
from .services import events_add_many

CASE_FIELDS = ("pk", "number", "subject", "deadline", "deadline_version", "owner_id")


def _rows(ids: list[int]) -> list[dict[str, Any]]:
    from .overdue import chunks

    rows: list[dict[str, Any]] = []
    for chunk in chunks(ids):
        queryset = Case.objects.filter(pk__in=chunk).order_by("pk")
        rows += queryset.values(*CASE_FIELDS, "owner__name", "owner__username")
    return rows


def _owner(row: dict[str, Any]) -> str:
    return row["owner__name"] or row["owner__username"]


def _values(row: dict[str, Any]) -> dict[str, Any]:
    """What the texts interpolate, computed once for all languages (the date format is fixed)."""
    return {**row, "deadline": calendar.local_moment(row["deadline"]), "owner": _owner(row)}


def _overdue_text() -> tuple[str, str]:
    return (
        _("Overdue: case %(number)s"),
        _(
            "Case %(number)s “%(subject)s” has passed its promised deadline %(deadline)s "
            "without an answer. First responder: %(owner)s."
        ),
    )


def _reminder_text() -> tuple[str, str]:
    return (
        _("Due soon: case %(number)s"),
        _(
            "Case %(number)s “%(subject)s” is due at %(deadline)s. "
            "Answer the visitor, or extend the deadline and tell them, before then."
        ),
    )


def _scan_audit(action: str, rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """One audit event per scan, naming every case it changed: a per-row chain append would
    turn the set-based scan back into a loop (10,000 due cases in one scan must stay fast)."""
    audit_record(
        actor=None,
        action=action,
        object_type="overdue_scan",
        object_id="case",
        after={
            "at": now.isoformat(),
            "count": len(rows),
            "cases": [[row["number"], row["deadline_version"]] for row in rows],
        },
    )


def case_flagged(ids: list[int], now: dt.datetime) -> None:
    from .overdue import chunks

    # The department that let the deadline lapse answers for it (supervision.kpis, overdue),
    # wherever the case goes after. The KPI report's covering index includes the column
    # (supervision 0002), so this is not a heap-only update: a new entry in each index of
    # cases_case, once per flagged case; the flag itself above stays heap-only.
    for chunk in chunks(ids):
        Case.objects.filter(pk__in=chunk).update(overdue_department_id=F("owner_department_id"))
    rows = _rows(ids)
    case_url = Case.url_maker()
    events_add_many(
        kind="overdue_flagged",
        events=[
            (row["pk"], {"deadline": row["deadline"].isoformat(), "deadline_version": version})
            for row in rows
            for version in [row["deadline_version"]]
        ],
        at=now,
    )
    heads = tuple(permissions.user_ids_with_role(permissions.CENTER_HEAD))
    notify(
        Notice(
            recipient_ids=(row["owner_id"], *heads),
            kind="overdue",
            object_type="case",
            object_id=row["number"],
            deadline_version=row["deadline_version"],
            url=case_url(row["number"]),
            template=_overdue_text,
            values=_values(row),
        )
        for row in rows
    )
    _scan_audit("case.flag_overdue", rows, now)


def case_reminded(ids: list[int], now: dt.datetime) -> None:
    rows = _rows(ids)
    case_url = Case.url_maker()
    notify(
        Notice(
            recipient_ids=(row["owner_id"],),
            kind="deadline_reminder",
            object_type="case",
            object_id=row["number"],
            deadline_version=row["deadline_version"],
            url=case_url(row["number"]),
            template=_reminder_text,
            values=_values(row),
            webhook=False,
        )
        for row in rows
    )
    _scan_audit("case.remind_deadline", rows, now)


def _referral_text(case: Case, department: Department) -> tuple[str, str]:
    values = {
        "number": case.number,
        "subject": case.subject,
        "department": department.name,
        "deadline": calendar.local_moment(case.deadline) if case.deadline else "—",
    }
    return (
        _("Case %(number)s referred to %(department)s") % values,
        _(
            "Case %(number)s “%(subject)s” was referred to %(department)s at intake. "
            "The visitor was promised an answer by %(deadline)s."
        )
        % values,
    )


def tell_referred_department(intake: Intake) -> None:
    """An intake step (CasesConfig.ready), REF-2: the receiving department learns of a referral
    at once (its head, or else its members); the row commits with the intake."""
    case, actor, department = intake.case, intake.actor, intake.department
    if case.outcome != Outcome.REFERRAL or department is None:
        return
    head = department.head
    if head is not None and head.is_active:
        recipients = [head.pk]
    else:
        recipients = list(
            department.members.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
        )
    recipients = [pk for pk in recipients if pk != actor.pk]
    if recipients:
        notify(
            [
                Notice(
                    recipient_ids=tuple(recipients),
                    kind="case_referred",
                    object_type="case",
                    object_id=case.number,
                    deadline_version=case.deadline_version,
                    url=case.get_absolute_url(),
                    render=partial(_referral_text, case, department),
                )
            ]
        )
