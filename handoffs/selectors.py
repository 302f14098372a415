"""Every read of the handoffs app that depends on who asks. An object on a case the user may not
see is a 404, exactly like a missing one (cases.selectors.visible_cases decides)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import (
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from psycopg import sql

from accounts.models import Department, User
from cases.counting import count_many
from cases.models import ACTIVE_STATUSES, Case
from cases.selectors import visible_cases
from firstask.sql import db_table, render

from .models import (
    ASSIGNMENT_DEPARTMENT_TURN,
    ASSIGNMENT_OPEN,
    REFERRAL_ACTIVE,
    Answer,
    Assignment,
    CoordinationMeeting,
    Dispute,
    HandoffForm,
    Referral,
    Urgency,
)

_ANSWERS = Prefetch("answers", queryset=Answer.objects.select_related("answered_by", "reviewed_by"))


def _visible(user: User) -> QuerySet:
    return visible_cases(user).values("pk")


def _get(qs: QuerySet, *conditions: Q, **lookup: Any) -> Any:
    found = qs.filter(*conditions, **lookup).first()
    if found is None:
        raise Http404
    return found


def referral_get_for_user(*, user: User, pk: int) -> Referral:
    qs = Referral.objects.select_related("case", "department", "case__owner")
    return _get(qs, pk=pk, case__in=_visible(user))


def assignment_get_for_user(*, user: User, pk: int) -> Assignment:
    qs = Assignment.objects.select_related("handoff__case__owner", "department")
    return _get(qs, pk=pk, handoff__case__in=_visible(user))


def answer_get_for_user(*, user: User, pk: int) -> Answer:
    qs = Answer.objects.select_related("referral__case", "assignment__handoff__case")
    visible = _visible(user)
    return _get(qs, Q(referral__case__in=visible) | Q(assignment__handoff__case__in=visible), pk=pk)


def handoff_get_for_user(*, user: User, number: str) -> HandoffForm:
    qs = HandoffForm.objects.select_related("case__owner", "case__visitor", "submitted_by")
    return _get(qs, number=number, case__in=_visible(user))


def dispute_get_for_user(*, user: User, pk: int) -> Dispute:
    qs = Dispute.objects.select_related("handoff__case", "assignment__department", "raised_by")
    return _get(qs, pk=pk, handoff__case__in=_visible(user))


def referrals_of_case(*, case: Case) -> list[Referral]:
    return list(
        case.referrals.select_related("department", "assignee", "created_by").prefetch_related(
            _ANSWERS
        )
    )


def handoffs_of_case(*, case: Case) -> list[HandoffForm]:
    """The case's handoff forms with their departments, meeting, assignments, answers and
    disputes; disputes are not looked up unless the case has some (``Case.has_disputes``, set by
    services.disputes)."""
    assignments = Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("department", "assignee", "post")
        .prefetch_related(_ANSWERS)
        .order_by("role", "department__code"),
    )
    disputes = Prefetch(
        "disputes",
        queryset=Dispute.objects.select_related("raised_by", "ruled_by", "assignment__department"),
    )
    if not case.has_disputes:
        disputes = Prefetch("disputes", queryset=Dispute.objects.none())
    return list(
        case.handoffs.select_related("submitted_by", "meeting__recorded_by").prefetch_related(
            "departments",
            "posts__department",
            "meeting__attendees",
            "meeting__invitees",
            assignments,
            disputes,
        )
    )


def open_work_blocking_result(case: Case) -> str | None:
    """Registered as an extensions.ResultBlocker: why no result may be given yet, or None."""
    referrals = case.referrals.filter(status__in=REFERRAL_ACTIVE).select_related("department")
    open_assignments = Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(status__in=ASSIGNMENT_OPEN).select_related("department"),
    )
    handoffs = case.handoffs.exclude(status=HandoffForm.Status.COMPLETED).prefetch_related(
        open_assignments
    )
    return blocker_in(list(referrals[:1]), list(handoffs[:1]))


def blocker_in(referrals: list[Referral], handoffs: list[HandoffForm]) -> str | None:
    """The rule of open_work_blocking_result over a case's referrals and handoff forms already
    read (the case page has them all, with their assignments prefetched)."""
    open_referral = next((r for r in referrals if r.status in REFERRAL_ACTIVE), None)
    if open_referral is not None:
        return gettext("The referral to %(department)s is still open.") % {
            "department": open_referral.department.name
        }
    handoff = next((h for h in handoffs if h.status != HandoffForm.Status.COMPLETED), None)
    if handoff is None:
        return None
    if handoff.status == HandoffForm.Status.SUBMITTED:
        return gettext("Handoff form %(number)s waits for the coordination meeting.") % {
            "number": handoff.number
        }
    assignments = handoff.assignments.all()
    assignment = next((a for a in assignments if a.status in ASSIGNMENT_OPEN), None)
    if assignment is not None:
        return gettext("The assignment of %(department)s on %(number)s is still open.") % {
            "department": assignment.department.name,
            "number": handoff.number,
        }
    return gettext("A dispute on %(number)s waits for the ruling.") % {"number": handoff.number}


def departments_working_on(case: Case) -> list[str]:
    """Registered as extensions.HandlingDepartments: the departments holding an open referral
    or assignment on the case, by name (the public status page shows names only)."""
    referral = Referral.objects.filter(case=case, status__in=REFERRAL_ACTIVE).values_list(
        "department__name", flat=True
    )
    assignment = Assignment.objects.filter(
        handoff__case=case, status__in=ASSIGNMENT_OPEN
    ).values_list("department__name", flat=True)
    return list(dict.fromkeys(referral.union(assignment, all=True)))  # one query for both


def holds_work_on(*, user: User, case: Case) -> bool:
    """The user's department holds an open referral or assignment on the case: PRV-1 says the
    visitor's phone is shown in full to such a member. Registered in
    ``extensions.PersonalDataHolder`` (HandoffsConfig.ready), so a department that returned
    its referral, finished it, or whose assignment was withdrawn or accepted sees it masked."""
    if not user.department_id:
        return False
    if not (case.has_referrals or case.has_handoff_forms):
        return False
    referral = Referral.objects.filter(
        case=case, department_id=user.department_id, status__in=REFERRAL_ACTIVE
    ).values("pk")
    assignment = Assignment.objects.filter(
        handoff__case=case, department_id=user.department_id, status__in=ASSIGNMENT_OPEN
    ).values("pk")
    return referral.union(assignment, all=True).exists()  # one query for both


def departments_directory(*, query: str = "") -> QuerySet[Department]:
    qs = Department.objects.filter(is_active=True).select_related("head")
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(name__icontains=query)
            | Q(code__iexact=query)
            | Q(responsibilities__icontains=query)
            | Q(contact_person__icontains=query)
            | Q(location__icontains=query)
        )
    return qs.order_by("code")


def department_members(*, department: Department) -> list[User]:
    return list(department.members.filter(is_active=True).order_by("name", "username"))


@dataclass
class Inbox:
    department: Department | None
    waiting: list[Referral] = field(default_factory=list)
    referrals_at_work: list[Referral] = field(default_factory=list)
    assignments_at_work: list[Assignment] = field(default_factory=list)
    under_review: list[Any] = field(default_factory=list)
    members: list[User] = field(default_factory=list)

    @property
    def at_work_count(self) -> int:
        return len(self.referrals_at_work) + len(self.assignments_at_work)

    @property
    def open_count(self) -> int:
        return len(self.waiting) + self.at_work_count


def _in_order(queryset, ids: list[int]) -> list:
    """The rows of ``ids``, in that order (one query; none when there are no ids)."""
    if not ids:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


def department_inbox(*, user: User, limit: int = 100, with_members: bool = True) -> Inbox:
    """REF-2/HND-3: what the user's department has to do; every member sees it. The member list
    (for the head's "give to" menus) is read only when asked for."""
    department = user.department
    if department is None:
        return Inbox(department=None)
    # Ids first, then the rows: asked for the whole joined rows in deadline order, PostgreSQL
    # walked every case by deadline looking for the department's few hundred active referrals
    # (140 ms on the bench), and joined 75,000 handoff forms before sorting the assignments.
    active = Referral.objects.filter(department=department, status__in=REFERRAL_ACTIVE)
    keys = list(active.values_list("case__deadline", "id"))
    keys.sort(key=lambda key: (key[0] is None, key[0] or 0, key[1]))  # NULLs last, as SQL
    referrals = _in_order(
        Referral.objects.select_related("case", "case__owner", "assignee"),
        [pk for _deadline, pk in keys[:limit]],
    )
    assignment_ids = list(
        Assignment.objects.filter(department=department, status__in=ASSIGNMENT_OPEN)
        .order_by("deadline", "id")
        .values_list("id", flat=True)[:limit]
    )
    assignments = _in_order(
        Assignment.objects.select_related("handoff__case__owner", "assignee"), assignment_ids
    )
    members = department_members(department=department) if with_members else []
    inbox = Inbox(department=department, members=members)
    for referral in referrals:
        {
            Referral.Status.SENT: inbox.waiting,
            Referral.Status.ACCEPTED: inbox.referrals_at_work,
        }.get(referral.status, inbox.under_review).append(referral)
    for assignment in assignments:
        target = inbox.assignments_at_work if assignment.department_turn else inbox.under_review
        target.append(assignment)
    return inbox


_URGENCY_ORDER = SqlCase(
    When(urgency=Urgency.CRITICAL, then=Value(0)),
    When(urgency=Urgency.URGENT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


# Assignments listed per department on the center desk (the most urgent; the figures count all).
PER_DEPARTMENT = 3
# The center desk counts the center's overdue cases and those waiting for the visitor up to this
# many and then says "more than": exact counts of a large center's 112,000 and 85,000 read that
# many index entries on every view of the desk (20 ms of its 85).
CASE_FIGURE_CAP = 10_000


@dataclass
class DepartmentLoad:
    department: Department
    assignments: list[Assignment]  # the most urgent PER_DEPARTMENT
    overdue: int  # all of the department's overdue assignments
    open: int = 0  # all of its open assignments


@dataclass
class CenterDesk:
    counts: dict[str, int]
    waiting_meeting: list[HandoffForm]
    by_department: list[DepartmentLoad]
    disputes: list[Dispute]
    overdue_cases: list[Case]
    awaiting_visitor: list[Case]
    # Figures counted only up to CASE_FIGURE_CAP ("more than").
    capped: set[str] = field(default_factory=set)
    cap: int = CASE_FIGURE_CAP


# What a desk row shows of a user (User.display_name) and of a case (cases/_case_table.html):
# the desk's lists read a few hundred rows, and every unused column was parsed into a model.
_USER_LABEL = ("username", "name", "first_name", "last_name")
_CASE_ROW = (
    "number",
    "subject",
    "status",
    "deadline",
    "visitor_name",
    "category__name",
    *(f"owner__{name}" for name in _USER_LABEL),
)


def _first_rows(ranked: QuerySet, limit: int, *conditions: Q) -> QuerySet:
    """The first ``limit`` rows of ``ranked`` that meet ``conditions``, in its order: their ids
    are chosen from a partial index alone, then only those rows are read and joined (sorting
    whole rows read a heap page for every open form or assignment of a large center). The outer
    query repeats no condition, so that it reads the rows by primary key."""
    return ranked.filter(pk__in=ranked.filter(*conditions).values("pk")[:limit])


def handoffs_waiting_meeting(*, limit: int = 50) -> list[HandoffForm]:
    """The center head's queue of forms without a meeting, most urgent and oldest first."""
    ranked = HandoffForm.objects.annotate(urgency_rank=_URGENCY_ORDER).order_by(
        "urgency_rank", "submitted_at"
    )
    return list(
        _first_rows(ranked, limit, Q(status=HandoffForm.Status.SUBMITTED))
        .select_related("case", "submitted_by")
        .only(
            "number",
            "urgency",
            "submitted_at",
            "case__number",
            "case__subject",
            *(f"submitted_by__{name}" for name in _USER_LABEL),
        )
        .prefetch_related(Prefetch("departments", queryset=Department.objects.only("name")))
    )


def center_desk(*, now: dt.datetime | None = None, limit: int = 20) -> CenterDesk:
    """HND-5: the center head's queue, a fixed number of queries whatever the volume. The six
    figures come first, in one query; a list whose figure is 0 is not read."""
    now = now or timezone.now()
    overdue_rule = Q(status__in=ASSIGNMENT_DEPARTMENT_TURN, deadline__lt=now)
    open_assignments = Assignment.objects.filter(status__in=ASSIGNMENT_OPEN)
    open_disputes = Dispute.objects.filter(status=Dispute.Status.OPEN)
    cases = Case.objects.select_related("owner", "category").only(*_CASE_ROW)
    overdue_cases = cases.filter(status__in=ACTIVE_STATUSES, deadline__lt=now).order_by("deadline")
    awaiting = cases.filter(status=Case.Status.AWAITING_CONFIRMATION).order_by("updated_at")
    # Each count keeps its own WHERE, and so its own index.
    counts = count_many(
        waiting_meeting=HandoffForm.objects.filter(status=HandoffForm.Status.SUBMITTED),
        open_assignments=open_assignments,
        overdue_assignments=open_assignments.filter(overdue_rule),
        open_disputes=open_disputes,
        overdue_cases=overdue_cases.order_by()[: CASE_FIGURE_CAP + 1],
        awaiting_visitor=awaiting.order_by()[: CASE_FIGURE_CAP + 1],
    )
    return CenterDesk(
        counts=counts,
        capped={
            name for name in ("overdue_cases", "awaiting_visitor") if counts[name] > CASE_FIGURE_CAP
        },
        cap=CASE_FIGURE_CAP,
        waiting_meeting=handoffs_waiting_meeting(limit=limit) if counts["waiting_meeting"] else [],
        by_department=_department_loads(overdue_rule, now=now)
        if counts["open_assignments"]
        else [],
        disputes=_oldest(open_disputes, limit) if counts["open_disputes"] else [],
        overdue_cases=list(overdue_cases[:limit]) if counts["overdue_cases"] else [],
        awaiting_visitor=list(awaiting[:limit]) if counts["awaiting_visitor"] else [],
    )


def _oldest(disputes: QuerySet, limit: int) -> list[Dispute]:
    return list(
        disputes.select_related("handoff__case", "assignment__department", "raised_by")
        .only(
            "positions",
            "raised_at",
            "handoff__number",
            "handoff__case__number",
            "assignment__department__name",
            *(f"raised_by__{name}" for name in _USER_LABEL),
        )
        .order_by("raised_at")[:limit]
    )


_LATE = sql.SQL("(a.status = ANY(%s) AND a.deadline < %s)")
_DEPARTMENT_LOADS = sql.SQL("""
        SELECT d.id, figures.open, figures.overdue, urgent.id
        FROM {departments} d
        CROSS JOIN LATERAL (
            SELECT count(*) AS open, count(*) FILTER (WHERE {late}) AS overdue
            FROM {table} a WHERE a.department_id = d.id AND a.status = ANY(%s)
        ) figures
        CROSS JOIN LATERAL (
            SELECT a.id FROM {table} a
            WHERE a.department_id = d.id AND a.status = ANY(%s)
            ORDER BY CASE WHEN {late} THEN 0 ELSE 1 END, a.deadline, a.id
            LIMIT %s
        ) urgent
    """).format(departments=db_table(Department), table=db_table(Assignment), late=_LATE)


def _department_loads(overdue_rule: Q, *, now: dt.datetime) -> list[DepartmentLoad]:
    """HND-5: per department, its open and overdue assignments counted and its PER_DEPARTMENT
    most urgent listed, the late ones first; then only the chosen rows are read, by id.

    One query, a LATERAL pair per department over the open-assignment index (its open work
    counted, and its few most urgent sorted out of it): a window over all 30,000 open
    assignments of the bench sorted them all (40 ms), this reads each department's slice of
    the index (about 10 ms). Listing the first 200 open assignments by department code, as
    before, showed a large center's first department alone."""
    turn, open_ = list(ASSIGNMENT_DEPARTMENT_TURN), list(ASSIGNMENT_OPEN)
    with connection.cursor() as cursor:
        cursor.execute(
            render(_DEPARTMENT_LOADS), [turn, now, open_, open_, turn, now, PER_DEPARTMENT]
        )
        chosen = cursor.fetchall()
    figures = {department: (count, overdue) for department, count, overdue, _pk in chosen}
    late_first = SqlCase(When(overdue_rule, then=Value(0)), default=Value(1))
    rows = (
        Assignment.objects.filter(pk__in=[pk for *_figures, pk in chosen])
        .annotate(late=late_first)
        .order_by("department__code", "late", "deadline", "pk")
        .select_related("department", "handoff__case")
        .only(
            "role",
            "task",
            "deadline",
            "status",
            "department__code",
            "department__name",
            "handoff__number",
            "handoff__case__number",
        )
    )
    loads: dict[int, DepartmentLoad] = {}
    for assignment in rows:
        assignment.is_late = assignment.department_turn and assignment.deadline < now
        open_, overdue = figures[assignment.department_id]
        loads.setdefault(
            assignment.department_id,
            DepartmentLoad(assignment.department, [], overdue, open_),
        ).assignments.append(assignment)
    return sorted(loads.values(), key=lambda load: (-load.overdue, load.department.code))


def meetings_invited(*, user: User, limit: int = 10) -> list[CoordinationMeeting]:
    """The coordination meetings still to be held that the user is invited to, soonest first
    (the desk, §2.1.2(d))."""
    return list(
        CoordinationMeeting.objects.filter(
            invitees=user, status=CoordinationMeeting.Status.SCHEDULED
        )
        .select_related("handoff__case")
        .only(
            "held_at", "place", "handoff__number", "handoff__case__number", "handoff__case__subject"
        )
        .order_by("held_at")[:limit]
    )
