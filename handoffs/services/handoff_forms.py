"""The handoff form (HND-1) and the coordination meeting that designates departments (HND-2)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from psycopg import sql

from accounts.models import Department, User
from audit.services import audit_record
from cases import calendar
from cases.errors import NotAllowed, WrongState
from cases.models import Case
from cases.services import case_involve_department, case_transition, event_add
from firstask.sql import db_table, render

from .. import notices, rules
from ..models import (
    REFERRAL_ACTIVE,
    Assignment,
    CoordinationMeeting,
    HandoffForm,
    HandoffNumberCounter,
    Referral,
    Urgency,
)
from ._common import check_work_deadline, handoff_snapshot, lock, lock_case, required


def _allocate_number(year: int) -> str:
    """Next form number of the year. As for case numbers, the upsert holds the counter row until
    commit: concurrent submits queue instead of colliding; a rollback gives the number back."""
    query = sql.SQL(
        "INSERT INTO {table} (year, last) VALUES (%s, 1) "
        "ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    ).format(table=db_table(HandoffNumberCounter))
    with connection.cursor() as cursor:
        cursor.execute(render(query), [year])
        (last,) = cursor.fetchone()
    return f"{settings.HANDOFF_NUMBER_PREFIX}-{year:04d}-{last:04d}"


def _check_can_submit(case: Case) -> None:
    if case.status not in (Case.Status.OPEN, Case.Status.COORDINATING):
        raise WrongState(gettext("A handoff form can be filled only for an open case."))
    if Referral.objects.filter(case=case, status__in=REFERRAL_ACTIVE).exists():
        raise WrongState(gettext("A department is still working on a referral of this case."))
    if HandoffForm.objects.filter(
        case=case, status__in=[HandoffForm.Status.SUBMITTED, HandoffForm.Status.IN_PROGRESS]
    ).exists():
        raise WrongState(gettext("This case already has an open handoff form."))


@transaction.atomic
def handoff_submit(
    actor: User,
    *,
    case: Case,
    summary: str,
    departments: Sequence[Department],
    urgency: str,
    done_so_far: str = "",
    token: uuid.UUID | None = None,
) -> HandoffForm:
    """HND-1: the owner's 交办单 goes to the center head's queue."""
    case = lock_case(case.pk)
    replay = HandoffForm.objects.filter(token=token, case=case).first() if token else None
    if replay is not None:
        return replay
    rules.require_owner_side(actor, case)
    _check_can_submit(case)
    summary = required(summary, gettext("Summarise the problem."))
    chosen = {department.pk: department for department in departments}
    if len(chosen) < 2:
        raise WrongState(gettext("A handoff needs at least two departments."))
    if any(not department.is_active for department in chosen.values()):
        raise WrongState(gettext("One of the departments is no longer active."))
    if urgency not in Urgency.values:
        raise WrongState(gettext("Choose the urgency."))
    now = timezone.now()
    handoff = HandoffForm.objects.create(
        number=_allocate_number(calendar.local_date(now).year),
        case=case,
        summary=summary,
        urgency=urgency,
        done_so_far=done_so_far.strip(),
        submitted_by=actor,
        submitted_at=now,
        **({"token": token} if token else {}),
    )
    handoff.departments.set(chosen.values())
    if case.status == Case.Status.OPEN:
        case_transition(actor, case=case, to=Case.Status.COORDINATING, record_event=False)
    names = [d.name for d in sorted(chosen.values(), key=lambda d: d.code)]
    event_add(
        case=case,
        actor=actor,
        kind="handoff_submitted",
        text=summary,
        number=handoff.number,
        departments=names,
        urgency=urgency,
    )
    audit_record(
        actor=actor,
        action="handoff.submit",
        object_type="handoff",
        object_id=handoff.number,
        after={**handoff_snapshot(handoff), "departments": sorted(chosen)},
    )
    notices.handoff_submitted(actor, case=case, handoff=handoff, names=names)
    return handoff


@dataclass(frozen=True)
class AssignmentPlan:
    """One department's part as the meeting (or a ruling) decides it."""

    department: Department
    role: str
    task: str
    deadline: dt.datetime | None


def check_plans(plans: Sequence[AssignmentPlan], *, case: Case, lead_required: bool = True) -> None:
    leads = [plan for plan in plans if plan.role == Assignment.Role.LEAD]
    if lead_required and not leads:
        raise WrongState(gettext("Designate the lead department."))
    if len(leads) > 1:
        raise WrongState(gettext("Designate exactly one lead department, not several."))
    if len({plan.department.pk for plan in plans}) != len(plans):
        raise WrongState(gettext("Each department can have only one assignment."))
    for plan in plans:
        if plan.role not in Assignment.Role.values:
            raise WrongState(gettext("Choose lead or assisting for each department."))
        required(plan.task, gettext("Describe the task of each department."))
        check_work_deadline(plan.deadline, case=case)


def assignment_add(actor: User, *, case: Case, handoff: HandoffForm, plan: AssignmentPlan):
    assignment = Assignment.objects.create(
        handoff=handoff,
        department=plan.department,
        role=plan.role,
        task=plan.task.strip(),
        deadline=plan.deadline,
    )
    case_involve_department(actor, case=case, department=plan.department)
    return assignment


@transaction.atomic
def meeting_record(
    actor: User,
    *,
    handoff: HandoffForm,
    held_at: dt.datetime,
    place: str,
    attendees: Sequence[User],
    minutes: str,
    decision: str,
    plans: Sequence[AssignmentPlan],
    token: uuid.UUID | None = None,
) -> CoordinationMeeting:
    """HND-2: only the center head; exactly one lead; deadlines within the case's promise."""
    case = lock_case(handoff.case_id)
    handoff = lock(HandoffForm, handoff.pk)
    replay = CoordinationMeeting.objects.filter(token=token, handoff=handoff).first()
    if token and replay is not None:
        return replay
    if not rules.can_coordinate(actor):
        raise NotAllowed()
    if handoff.status != HandoffForm.Status.SUBMITTED:
        raise WrongState(gettext("The coordination meeting of this form is already recorded."))
    if held_at > timezone.now() + dt.timedelta(minutes=5):
        raise WrongState(gettext("Record a meeting that has taken place, not a future one."))
    if not attendees:
        raise WrongState(gettext("Name the attendees."))
    check_plans(plans, case=case)
    meeting = CoordinationMeeting.objects.create(
        handoff=handoff,
        held_at=held_at,
        place=required(place, gettext("Give the place of the meeting.")),
        minutes=required(minutes, gettext("Write the minutes.")),
        decision=required(decision, gettext("Write the decision.")),
        recorded_by=actor,
        **({"token": token} if token else {}),
    )
    meeting.attendees.set(attendees)
    made = [assignment_add(actor, case=case, handoff=handoff, plan=plan) for plan in plans]
    handoff.status = HandoffForm.Status.IN_PROGRESS
    handoff.save(update_fields=["status"])
    _record_meeting(actor, case=case, handoff=handoff, meeting=meeting, assignments=made)
    notices.meeting_recorded(actor, case=case, handoff=handoff, assignments=made)
    return meeting


def _record_meeting(actor, *, case, handoff, meeting, assignments) -> None:
    lead = next(a for a in assignments if a.role == Assignment.Role.LEAD)
    assisting = [a.department.name for a in assignments if a.role == Assignment.Role.ASSISTING]
    event_add(
        case=case,
        actor=actor,
        kind="meeting_recorded",
        text=meeting.decision,
        number=handoff.number,
        lead=lead.department.name,
        lead_id=lead.department_id,
        assisting=assisting,
        held_at=meeting.held_at.isoformat(),
    )
    audit_record(
        actor=actor,
        action="handoff.meeting",
        object_type="handoff",
        object_id=handoff.number,
        before={"status": HandoffForm.Status.SUBMITTED},
        after={
            **handoff_snapshot(handoff),
            "meeting": meeting.pk,
            "attendees": sorted(meeting.attendees.values_list("pk", flat=True)),
            "assignments": [
                {"department": a.department_id, "role": a.role, "deadline": a.deadline.isoformat()}
                for a in assignments
            ],
        },
    )
