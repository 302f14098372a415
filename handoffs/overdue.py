"""Assignments join the overdue scan and the reminders (DUE-1): the set-based scan of
cases.overdue flags an assignment once per deadline; the case owner, the assigned department's
head and the center heads are told, and the case's timeline says which department is late."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from accounts import permissions
from audit.services import audit_record
from cases import overdue
from cases.calendar import local_moment
from cases.models import Case
from cases.services import events_add_many
from notifications.services import Notice, notify

from .models import ASSIGNMENT_DEPARTMENT_TURN, Assignment


def _rows(ids: list[int]) -> list[dict[str, Any]]:
    return list(
        Assignment.objects.filter(pk__in=ids).values(
            "pk",
            "deadline",
            "deadline_version",
            "department__name",
            "department__head_id",
            "handoff__case_id",
            "handoff__case__number",
            "handoff__case__owner_id",
        )
    )


def _values(row: dict[str, Any]) -> dict[str, str]:
    return {
        "number": row["handoff__case__number"],
        "department": row["department__name"],
        "deadline": local_moment(row["deadline"]),
    }


def _overdue_text() -> tuple[str, str]:
    return (
        _("Assignment of %(department)s on case %(number)s is overdue"),
        _("%(department)s has not answered its assignment on case %(number)s, due %(deadline)s."),
    )


def _reminder_text() -> tuple[str, str]:
    return (
        _("Assignment on case %(number)s is due soon"),
        _("The assignment of %(department)s on case %(number)s is due at %(deadline)s."),
    )


def _notices(rows, *, kind: str, template, recipients) -> list[Notice]:
    case_url = Case.url_maker()
    return [
        Notice(
            recipient_ids=tuple(dict.fromkeys(pk for pk in recipients(row) if pk)),
            kind=kind,
            object_type="assignment",
            object_id=str(row["pk"]),
            deadline_version=row["deadline_version"],
            url=case_url(row["handoff__case__number"]),
            template=template,
            values=_values(row),
        )
        for row in rows
    ]


def assignments_flagged(ids: list[int], now: dt.datetime) -> None:
    rows = _rows(ids)
    events_add_many(
        kind="assignment_overdue",
        events=[
            (
                row["handoff__case_id"],
                {"department": row["department__name"], "assignment": row["pk"]},
            )
            for row in rows
        ],
        at=now,
    )
    heads = tuple(permissions.user_ids_with_role(permissions.CENTER_HEAD))
    notify(
        _notices(
            rows,
            kind="assignment_overdue",
            template=_overdue_text,
            recipients=lambda row: (
                row["handoff__case__owner_id"],
                row["department__head_id"],
                *heads,
            ),
        )
    )
    _scan_audit("assignment.flag_overdue", rows, now)


def _scan_audit(action: str, rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """One audit event per scan, as for cases (a per-row append would make the scan a loop)."""
    audit_record(
        actor=None,
        action=action,
        object_type="overdue_scan",
        object_id="assignment",
        after={
            "at": now.isoformat(),
            "count": len(rows),
            "assignments": [[row["pk"], row["deadline_version"]] for row in rows],
        },
    )


def assignments_reminded(ids: list[int], now: dt.datetime) -> None:
    rows = _rows(ids)
    notify(
        _notices(
            rows,
            kind="assignment_reminder",
            template=_reminder_text,
            recipients=lambda row: (row["department__head_id"],),
        )
    )
    _scan_audit("assignment.remind_deadline", rows, now)


def describe_overdue(d: dict) -> str:
    department = d.get("department", "")
    return _("Assignment of %(department)s flagged overdue") % {"department": department}


def deadline_table() -> overdue.DeadlineTable:
    """The assignments' deadlines, scanned with the cases' (HandoffsConfig.ready)."""
    statuses = ", ".join(f"'{status}'" for status in ASSIGNMENT_DEPARTMENT_TURN)  # our constants
    return overdue.DeadlineTable(
        name="assignment",
        model=Assignment,
        open_sql=f"status IN ({statuses})",
        flagged=assignments_flagged,
        reminded=assignments_reminded,
    )
