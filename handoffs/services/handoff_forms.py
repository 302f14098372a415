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

from accounts.models import Department, Post, User
from audit.services import audit_record
from cases import calendar
from cases.errors import NotAllowed, WrongState
from cases.models import Case
from cases.services import (
    case_involve_department,
    case_transition,
    case_work_flag_set,
    event_add,
)
from firstask.sql import db_table, render
from firstask.transitions import transition

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
    posts: Sequence[Post] = (),
) -> HandoffForm:
    """HND-1: the owner's 交办单 goes to the center head's queue. It names departments or
    posts (岗位) of them, two or more (``involved_count``)."""
    case = lock_case(case.pk)
    replay = HandoffForm.objects.filter(token=token, case=case).first() if token else None
    if replay is not None:
        return replay
    rules.require_owner_side(actor, case)
    _check_can_submit(case)
    summary = required(summary, gettext("Summarise the problem."))
    named_posts = {post.pk: post for post in Post.objects.filter(pk__in=[p.pk for p in posts])}
    if any(not post.is_active for post in named_posts.values()):
        raise WrongState(gettext("One of the posts is no longer in use."))
    if involved_count(departments, named_posts.values()) < 2:
        raise WrongState(gettext("A handoff needs at least two departments or posts."))
    chosen = {department.pk: department for department in departments}
    for post in named_posts.values():
        chosen.setdefault(post.department_id, post.department)
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
    handoff.posts.set(named_posts.values())
    case_work_flag_set(case=case, flag="has_handoff_forms")
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
        posts=[str(post) for post in named_posts.values()],
        urgency=urgency,
    )
    audit_record(
        actor=actor,
        action="handoff.submit",
        object_type="handoff",
        object_id=handoff.number,
        after={
            **handoff_snapshot(handoff),
            "departments": sorted(chosen),
            "posts": sorted(named_posts),
        },
    )
    notices.handoff_submitted(actor, case=case, handoff=handoff, names=names)
    return handoff


def involved_count(departments: Sequence[Department], posts) -> int:
    """§3.2.2 "涉及多个部门或岗位": each post named counts, and each department named without
    any of its posts; two posts of one department are two."""
    posts = list(posts)
    with_posts = {post.department_id for post in posts}
    return len(posts) + len({d.pk for d in departments} - with_posts)


@dataclass(frozen=True)
class AssignmentPlan:
    """One department's part (or one post's of it) as the meeting (or a ruling) decides it."""

    department: Department
    role: str
    task: str
    deadline: dt.datetime | None
    post: Post | None = None


def check_plans(plans: Sequence[AssignmentPlan], *, case: Case, lead_required: bool = True) -> None:
    leads = [plan for plan in plans if plan.role == Assignment.Role.LEAD]
    if lead_required and not leads:
        raise WrongState(gettext("Designate the lead department."))
    if len(leads) > 1:
        raise WrongState(gettext("Designate exactly one lead department, not several."))
    if len({(plan.department.pk, getattr(plan.post, "pk", None)) for plan in plans}) != len(plans):
        raise WrongState(gettext("Each department or post can have only one assignment."))
    if any(plan.post and plan.post.department_id != plan.department.pk for plan in plans):
        raise WrongState(gettext("A post belongs to its own department."))
    for plan in plans:
        if plan.role not in Assignment.Role.values:
            raise WrongState(gettext("Choose lead or assisting for each department."))
        required(plan.task, gettext("Describe the task of each department."))
        check_work_deadline(plan.deadline, case=case)


def assignment_add(actor: User, *, case: Case, handoff: HandoffForm, plan: AssignmentPlan):
    holders = list(plan.post.holders.filter(is_active=True)[:2]) if plan.post else []
    assignment = Assignment.objects.create(
        handoff=handoff,
        department=plan.department,
        post=plan.post,
        role=plan.role,
        task=plan.task.strip(),
        deadline=check_work_deadline(plan.deadline, case=case),  # checked by check_plans too
        # A post with a single holder: the part is theirs from the start.
        assignee=holders[0] if len(holders) == 1 else None,
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
    """HND-2: only the center head records the meeting held and designates the lead and
    assisting departments; exactly one lead; deadlines within the case's promise."""
    case = lock_case(handoff.case_id)
    handoff = lock(HandoffForm, handoff.pk)
    replay = (
        CoordinationMeeting.objects.filter(token=token, handoff=handoff).first() if token else None
    )
    if replay is not None:
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
    # The meeting scheduled beforehand, if any, becomes the one held (one per form).
    meeting = CoordinationMeeting.objects.select_for_update().filter(handoff=handoff).first()
    meeting = meeting or CoordinationMeeting(handoff=handoff)
    transition(meeting, CoordinationMeeting.Status.HELD, table=CoordinationMeeting.TRANSITIONS)
    meeting.held_at = held_at
    meeting.place = required(place, gettext("Give the place of the meeting."))
    meeting.minutes = required(minutes, gettext("Write the minutes."))
    meeting.decision = required(decision, gettext("Write the decision."))
    meeting.recorded_by, meeting.recorded_at = actor, timezone.now()
    if token:
        meeting.token = token
    meeting.save()
    meeting.attendees.set(attendees)
    made = [assignment_add(actor, case=case, handoff=handoff, plan=plan) for plan in plans]
    transition(handoff, HandoffForm.Status.IN_PROGRESS, table=HandoffForm.TRANSITIONS)
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


@transaction.atomic
def meeting_schedule(
    actor: User,
    *,
    handoff: HandoffForm,
    at: dt.datetime,
    place: str,
    invitees: Sequence[User],
    token: uuid.UUID | None = None,
) -> CoordinationMeeting:
    """§2.1.2(d): the owner (or the center head) convenes the coordination meeting: time,
    place and invitees, who are told and see it on their desk. Scheduling again moves it and
    tells them again. Recording what was decided stays with the center head
    (``meeting_record``)."""
    case = lock_case(handoff.case_id)
    handoff = lock(HandoffForm, handoff.pk)
    meeting = CoordinationMeeting.objects.select_for_update().filter(handoff=handoff).first()
    if token and meeting is not None and meeting.token == token:
        return meeting
    on_behalf = rules.require_owner_side(actor, case)
    if handoff.status != HandoffForm.Status.SUBMITTED or (
        meeting is not None and meeting.status == CoordinationMeeting.Status.HELD
    ):
        raise WrongState(gettext("The coordination meeting of this form is already recorded."))
    if at <= timezone.now():
        raise WrongState(gettext("Schedule the meeting for a time still to come."))
    place = required(place, gettext("Give the place of the meeting."))
    invited = {user.pk: user for user in invitees if user.is_active}
    if not invited:
        raise WrongState(gettext("Invite at least one person."))
    before = None if meeting is None else _schedule_snapshot(meeting)
    meeting = meeting or CoordinationMeeting(handoff=handoff, schedule_version=0)
    transition(meeting, CoordinationMeeting.Status.SCHEDULED, table=CoordinationMeeting.TRANSITIONS)
    meeting.held_at, meeting.place, meeting.scheduled_by = at, place, actor
    meeting.schedule_version = (meeting.schedule_version or 0) + 1
    meeting.token = token or uuid.uuid4()
    meeting.save()
    meeting.invitees.set(invited.values())
    event_add(
        case=case,
        actor=actor,
        kind="meeting_scheduled",
        text=place,
        number=handoff.number,
        place=place,
        at=at.isoformat(),
        invitees=sorted(u.display_name for u in invited.values()),
    )
    audit_record(
        actor=actor,
        action="handoff.meeting_schedule",
        object_type="handoff",
        object_id=handoff.number,
        before=before,
        after={**_schedule_snapshot(meeting), "on_behalf_of_owner": on_behalf},
    )
    notices.meeting_scheduled(actor, case=case, handoff=handoff, meeting=meeting)
    return meeting


def _schedule_snapshot(meeting: CoordinationMeeting) -> dict:
    return {
        "meeting": meeting.pk,
        "at": meeting.held_at.isoformat(),
        "place": meeting.place,
        "invitees": sorted(meeting.invitees.values_list("pk", flat=True)),
        "version": meeting.schedule_version,
    }
