"""The referral and handoff part of an archived case's record (CLO-5): what the PDF prints and
what its data checksum covers. Language-neutral values only (codes, ISO times)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from cases.models import Case
from handoffs.models import Answer, Assignment, Dispute, HandoffForm, Referral


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _name(user: Any) -> str:
    return user.display_name if user else ""


def _answers(answers) -> list[dict[str, Any]]:
    return [
        {
            "text": answer.text,
            "by": _name(answer.answered_by),
            "at": _iso(answer.answered_at),
            "attachment": answer.attachment_name,
            "verdict": answer.verdict,
            "review_comment": answer.review_comment,
        }
        for answer in answers
    ]


def referrals(case: Case) -> list[dict[str, Any]]:
    rows = (
        Referral.objects.filter(case=case)
        .select_related("department", "created_by")
        .prefetch_related("answers__answered_by")
        .order_by("pk")
    )
    return [
        {
            "department": referral.department.name,
            "status": referral.status,
            "note": referral.note,
            "by": _name(referral.created_by),
            "answers": _answers(referral.answers.all()),
        }
        for referral in rows
    ]


def handoffs(case: Case) -> list[dict[str, Any]]:
    forms = (
        HandoffForm.objects.filter(case=case)
        .select_related("submitted_by")
        .prefetch_related("departments", "meeting__attendees")
        .order_by("pk")
    )
    return [_form(form) for form in forms]


def _meeting(form: HandoffForm) -> dict[str, Any] | None:
    try:
        meeting = form.meeting
    except ObjectDoesNotExist:
        return None
    return {
        "held_at": _iso(meeting.held_at),
        "place": meeting.place,
        "attendees": sorted(_name(user) for user in meeting.attendees.all()),
        "minutes": meeting.minutes,
        "decision": meeting.decision,
    }


def _form(form: HandoffForm) -> dict[str, Any]:
    assignments = (
        Assignment.objects.filter(handoff=form).select_related("department").order_by("role", "pk")
    )
    answers = Answer.objects.filter(assignment__handoff=form).select_related("answered_by")
    by_assignment: dict[int | None, list[Answer]] = {}
    for answer in answers.order_by("pk"):
        by_assignment.setdefault(answer.assignment_id, []).append(answer)
    disputes = Dispute.objects.filter(handoff=form).select_related("raised_by", "ruled_by")
    return {
        "number": form.number,
        "summary": form.summary,
        "departments": sorted(department.name for department in form.departments.all()),
        "urgency": form.urgency,
        "done_so_far": form.done_so_far,
        "status": form.status,
        "submitted_by": _name(form.submitted_by),
        "submitted_at": _iso(form.submitted_at),
        "meeting": _meeting(form),
        "assignments": [
            {
                "department": assignment.department.name,
                "role": assignment.role,
                "task": assignment.task,
                "deadline": _iso(assignment.deadline),
                "status": assignment.status,
                "answers": _answers(by_assignment.get(assignment.pk, [])),
            }
            for assignment in assignments
        ],
        "disputes": [
            {
                "positions": dispute.positions,
                "status": dispute.status,
                "raised_by": _name(dispute.raised_by),
                "raised_at": _iso(dispute.raised_at),
                "ruling": dispute.ruling,
                "ruled_by": _name(dispute.ruled_by),
                "ruled_at": _iso(dispute.ruled_at),
            }
            for dispute in disputes.order_by("pk")
        ],
    }
