"""Demo referrals and handoffs in every state, made through the real services while travelling
back to each case's day, so that `make run` shows a busy inbox and coordination desk."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import permissions
from accounts.models import Department, User
from cases.models import Case

from . import services
from .models import Assignment, HandoffForm, Referral, RulingOnAnswer, Urgency

ANSWERS = [
    "已核实情况，按规定办理，结果已书面说明。",
    "已安排专人处理，预计两个工作日内完成。",
    "经查询系统记录，问题已解决，附处理说明。",
]


def _pdf() -> bytes:
    """A one-page PDF, so that one answer shows the attachment download (attachments must
    parse as PDF: handoffs.attachments)."""
    import io

    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _at(case: Case, hours: float, now: dt.datetime) -> time_machine.travel:
    """A moment on the case's own day, never later than now (so timelines stay in order)."""
    moment = min(
        case.created_at + dt.timedelta(hours=hours), now - dt.timedelta(minutes=90 - hours)
    )
    return time_machine.travel(moment, tick=False)


def _member(department: Department) -> User:
    members = list(department.members.filter(is_active=True).order_by("pk"))
    return next((m for m in members if m.pk != department.head_id), members[0])


def _head(department: Department) -> User:
    return department.head or _member(department)


def seed(*, rng: random.Random, stdout: Any) -> None:
    center_head = next(
        u for u in User.objects.filter(is_active=True) if permissions.is_center_head(u)
    )
    now = timezone.now()
    referrals = Referral.objects.filter(status=Referral.Status.SENT).select_related(
        "case", "department"
    )
    for index, referral in enumerate(referrals.order_by("case__created_at")):
        _REFERRAL_STORIES[index % len(_REFERRAL_STORIES)](referral, rng=rng, now=now)
    coordinating = Case.objects.filter(status=Case.Status.COORDINATING).order_by("created_at")
    departments = list(Department.objects.filter(is_active=True, members__isnull=False).distinct())
    for index, case in enumerate(coordinating):
        story = _HANDOFF_STORIES[index % len(_HANDOFF_STORIES)]
        story(case, rng=rng, now=now, center_head=center_head, departments=departments)
    stdout.write(
        f"handoffs: {Referral.objects.count()} referrals, {HandoffForm.objects.count()} handoff "
        "forms in every state"
    )


# --- referrals ---------------------------------------------------------------------------


def _accept(referral: Referral, now: dt.datetime) -> None:
    with _at(referral.case, 1, now):
        services.referral_accept(_member(referral.department), referral=referral)


def _answer(referral: Referral, rng: random.Random, now: dt.datetime, attach: bool = False):
    _accept(referral, now)
    upload = SimpleUploadedFile("处理说明.pdf", _pdf()) if attach else None
    with _at(referral.case, 2, now):
        return services.referral_answer(
            _member(referral.department),
            referral=Referral.objects.get(pk=referral.pk),
            text=rng.choice(ANSWERS),
            upload=upload,
        )


def _r_waiting(referral: Referral, **_: Any) -> None:
    """Left as sent: waiting in the department's inbox."""


def _r_accepted(referral: Referral, *, now: dt.datetime, **_: Any) -> None:
    _accept(referral, now)


def _r_returned_and_referred_again(referral: Referral, *, now: dt.datetime, **_: Any) -> None:
    with _at(referral.case, 1, now):
        services.referral_return(
            _member(referral.department), referral=referral, reason="不属于本部门职责，请转招生办。"
        )
    other = Department.objects.exclude(pk=referral.department_id).filter(is_active=True).first()
    with _at(referral.case, 1.5, now):
        services.referral_create(
            referral.case.owner,
            case=Case.objects.get(pk=referral.case_id),
            department=other,
            note="原部门退回，改转贵部门。",
        )


def _r_answered(referral: Referral, *, rng: random.Random, now: dt.datetime, **_: Any) -> None:
    _answer(referral, rng, now)


def _r_sent_back(referral: Referral, *, rng: random.Random, now: dt.datetime, **_: Any) -> None:
    answer = _answer(referral, rng, now)
    with _at(referral.case, 3, now):
        services.referral_review(
            referral.case.owner, answer=answer, accept=False, comment="请补充具体办理时间。"
        )


def _r_completed(referral: Referral, *, rng: random.Random, now: dt.datetime, **_: Any) -> None:
    answer = _answer(referral, rng, now, attach=True)
    with _at(referral.case, 3, now):
        services.referral_review(referral.case.owner, answer=answer, accept=True)


_REFERRAL_STORIES: list[Callable[..., None]] = [
    _r_waiting,
    _r_accepted,
    _r_returned_and_referred_again,
    _r_answered,
    _r_sent_back,
    _r_completed,
]


# --- handoffs ----------------------------------------------------------------------------


def _submit(case: Case, rng: random.Random, now: dt.datetime, departments, urgency=None):
    chosen = rng.sample(departments, 2)
    with _at(case, 1, now):
        return services.handoff_submit(
            case.owner,
            case=case,
            summary=f"{case.subject}：涉及{chosen[0].name}与{chosen[1].name}，需统一协调。",
            departments=chosen,
            urgency=urgency or rng.choice(Urgency.values),
            done_so_far="已向来访人说明办理流程并登记诉求。",
        )


def _meet(case: Case, rng, now, center_head, departments) -> list[Assignment]:
    handoff = _submit(case, rng, now, departments)
    lead, assisting = list(handoff.departments.all())
    deadline = Case.objects.get(pk=case.pk).deadline
    plans = [
        services.AssignmentPlan(lead, Assignment.Role.LEAD, "牵头核实并形成统一答复。", deadline),
        services.AssignmentPlan(assisting, Assignment.Role.ASSISTING, "提供相关记录。", deadline),
    ]
    with _at(case, 2, now):
        services.meeting_record(
            center_head,
            handoff=handoff,
            held_at=timezone.now(),
            place="行政楼三楼会议室",
            attendees=[center_head, _head(lead), _head(assisting), case.owner],
            minutes="各部门介绍情况，明确分工与时限。",
            decision=f"由{lead.name}牵头，{assisting.name}协办。",
            plans=plans,
        )
    return list(handoff.assignments.order_by("role", "pk"))  # assisting, lead


def _answer_assignment(assignment: Assignment, rng, case, now, hours=3):
    with _at(case, hours, now):
        return services.assignment_answer(
            _member(assignment.department),
            assignment=Assignment.objects.get(pk=assignment.pk),
            text=rng.choice(ANSWERS),
        )


def _h_waiting(case, *, rng, now, departments, **_: Any) -> None:
    _submit(case, rng, now, departments)


def _h_waiting_urgent(case, *, rng, now, departments, **_: Any) -> None:
    _submit(case, rng, now, departments, urgency=Urgency.CRITICAL)


def _h_assigned(case, *, rng, now, center_head, departments) -> None:
    _meet(case, rng, now, center_head, departments)


def _h_answered(case, *, rng, now, center_head, departments) -> None:
    _assisting, lead = _meet(case, rng, now, center_head, departments)
    _answer_assignment(lead, rng, case, now)


def _h_returned(case, *, rng, now, center_head, departments) -> None:
    assisting, _lead = _meet(case, rng, now, center_head, departments)
    answer = _answer_assignment(assisting, rng, case, now)
    with _at(case, 4, now):
        services.assignment_review(case.owner, answer=answer, accept=False, comment="记录不完整。")


def _dispute(case, rng, now, center_head, departments):
    assisting, lead = _meet(case, rng, now, center_head, departments)
    answer = _answer_assignment(assisting, rng, case, now)
    with _at(case, 4, now):
        services.assignment_review(
            case.owner, answer=answer, accept=False, comment="与牵头部门说法不一。"
        )
    with _at(case, 5, now):
        return services.dispute_raise(
            case.owner,
            handoff=assisting.handoff,
            assignment=assisting,
            positions="协办部门认为已提供全部记录；首问责任人认为记录与牵头部门说法矛盾。",
        ), lead


def _h_disputed(case, *, rng, now, center_head, departments) -> None:
    _dispute(case, rng, now, center_head, departments)


def _h_ruled(case, *, rng, now, center_head, departments) -> None:
    dispute, _lead = _dispute(case, rng, now, center_head, departments)
    with _at(case, 6, now):
        services.dispute_rule(
            center_head,
            dispute=dispute,
            ruling="经核实，协办部门记录完整，答复成立；牵头部门据此形成统一答复。",
            on_answer=RulingOnAnswer.UPHOLD,
        )


def _h_completed(case, *, rng, now, center_head, departments) -> None:
    for hours, assignment in enumerate(_meet(case, rng, now, center_head, departments), start=3):
        answer = _answer_assignment(assignment, rng, case, now, hours=hours)
        with _at(case, hours + 0.5, now):
            services.assignment_review(case.owner, answer=answer, accept=True)


_HANDOFF_STORIES: list[Callable[..., None]] = [
    _h_waiting,
    _h_assigned,
    _h_answered,
    _h_returned,
    _h_disputed,
    _h_ruled,
    _h_completed,
    _h_waiting_urgent,
]
