"""Answers to assignments and the owner's review of them (HND-3); the center head's deadline
changes; the handoff completes when every assignment is accepted."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from audit.services import audit_record
from cases.errors import NotAllowed, WrongState
from cases.models import Case
from cases.services import case_transition, event_add
from firstask.transitions import transition

from .. import notices, rules
from ..models import ASSIGNMENT_OPEN, Answer, Assignment, Dispute, HandoffForm
from ._common import (
    answer_create,
    answer_snapshot,
    answer_verdict,
    assignment_snapshot,
    check_work_deadline,
    handoff_snapshot,
    lock,
    lock_case,
    required,
)


def _locked(assignment: Assignment) -> tuple[Case, Assignment]:
    case = lock_case(assignment.handoff.case_id)
    return case, lock(Assignment, assignment.pk)


def _audit(actor: User, action: str, assignment: Assignment, before: dict, **extra) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="assignment",
        object_id=assignment.pk,
        before=before,
        after={**assignment_snapshot(assignment), **extra},
    )


def _event(actor: User, kind: str, *, case: Case, assignment: Assignment, text: str = "", **data):
    event_add(
        case=case,
        actor=actor,
        kind=kind,
        text=text,
        number=assignment.handoff.number,
        department=assignment.department.name,
        department_id=assignment.department_id,
        role=assignment.role,
        assignment=assignment.pk,
        **data,
    )


_NOT_ANSWERABLE: dict[str, Promise] = {
    Assignment.Status.ACCEPTED: gettext_lazy("This assignment's answer has already been accepted."),
    Assignment.Status.ANSWERED: gettext_lazy(
        "This assignment is answered and waits for the review."
    ),
    Assignment.Status.WITHDRAWN: gettext_lazy("This assignment was withdrawn by a ruling."),
}


@transaction.atomic
def assignment_answer(
    actor: User,
    *,
    assignment: Assignment,
    text: str,
    upload: UploadedFile | None = None,
    token: uuid.UUID | None = None,
) -> Answer:
    case, assignment = _locked(assignment)
    replay = Answer.objects.filter(token=token, assignment=assignment).first() if token else None
    if replay is not None:
        return replay
    rules.require_member(actor, assignment.department)
    if assignment.status in _NOT_ANSWERABLE:
        raise WrongState(str(_NOT_ANSWERABLE[assignment.status]))
    before = assignment_snapshot(assignment)
    answer = answer_create(actor, text=text, upload=upload, token=token, assignment=assignment)
    transition(assignment, Assignment.Status.ANSWERED, table=Assignment.TRANSITIONS)
    assignment.save(update_fields=["status"])
    _event(actor, "assignment_answered", case=case, assignment=assignment, text=answer.text)
    _audit(actor, "assignment.answer", assignment, before, **answer_snapshot(answer))
    notices.assignment_answered(actor, case=case, assignment=assignment, answer=answer)
    return answer


@transaction.atomic
def assignment_review(actor: User, *, answer: Answer, accept: bool, comment: str = "") -> Answer:
    """HND-3: the owner (or the center head for an absent owner) accepts or returns."""
    if answer.assignment is None:
        raise WrongState()
    case, assignment = _locked(answer.assignment)
    answer = lock(Answer, answer.pk)
    on_behalf = rules.require_owner_side(actor, case)
    before = assignment_snapshot(assignment)
    comment = answer_verdict(
        actor,
        answer=answer,
        reviewable=assignment.status == Assignment.Status.ANSWERED,
        accept=accept,
        comment=comment,
        on_behalf=on_behalf,
    )
    to = Assignment.Status.ACCEPTED if accept else Assignment.Status.RETURNED
    transition(assignment, to, table=Assignment.TRANSITIONS)
    assignment.accepted_at = answer.reviewed_at if accept else None
    assignment.save(update_fields=["status", "accepted_at"])
    kind = "assignment_accepted" if accept else "assignment_returned"
    _event(actor, kind, case=case, assignment=assignment, text=comment, on_behalf=on_behalf)
    _audit(
        actor,
        f"assignment.{'accept' if accept else 'return'}",
        assignment,
        before,
        **answer_snapshot(answer),
    )
    if accept:
        handoff_complete_if_done(actor, case=case, handoff=assignment.handoff)
    else:
        notices.answer_returned(actor, case=case, department=assignment.department, answer=answer)
    return answer


def handoff_complete_if_done(actor: User, *, case: Case, handoff: HandoffForm) -> bool:
    """Every assignment accepted and no dispute open: the form is done and the case goes back to
    the owner (status open) to give the visitor the result."""
    handoff = lock(HandoffForm, handoff.pk)
    active = handoff.assignments.exclude(status=Assignment.Status.WITHDRAWN)
    if (
        handoff.status != HandoffForm.Status.IN_PROGRESS
        or not active.exists()
        or active.exclude(status=Assignment.Status.ACCEPTED).exists()
        or handoff.disputes.filter(status=Dispute.Status.OPEN).exists()
    ):
        return False
    before = handoff_snapshot(handoff)
    transition(handoff, HandoffForm.Status.COMPLETED, table=HandoffForm.TRANSITIONS)
    handoff.completed_at = timezone.now()
    handoff.save(update_fields=["status", "completed_at"])
    event_add(case=case, actor=actor, kind="handoff_completed", number=handoff.number)
    audit_record(
        actor=actor,
        action="handoff.complete",
        object_type="handoff",
        object_id=handoff.number,
        before=before,
        after=handoff_snapshot(handoff),
    )
    if case.status == Case.Status.COORDINATING:
        case_transition(actor, case=case, to=Case.Status.OPEN)
    return True


@transaction.atomic
def assignment_give_to_member(actor: User, *, assignment: Assignment, member: User) -> Assignment:
    case, assignment = _locked(assignment)
    if not rules.is_head_of(actor, assignment.department):
        raise NotAllowed()
    if assignment.status not in ASSIGNMENT_OPEN:
        raise WrongState(gettext("This assignment is closed."))
    if not member.is_active or not rules.is_member(member, assignment.department):
        raise WrongState(gettext("Choose an active member of the department."))
    before = assignment_snapshot(assignment)
    assignment.assignee = member
    assignment.save(update_fields=["assignee"])
    _event(
        actor,
        "assignment_given_to_member",
        case=case,
        assignment=assignment,
        member=member.display_name,
    )
    _audit(actor, "assignment.give_to_member", assignment, before)
    return assignment


def set_deadline(assignment: Assignment, *, case: Case, deadline: dt.datetime | None) -> str:
    """A new deadline resets the overdue flag and the reminder (once per deadline, DUE-1)."""
    if not assignment.is_open:
        raise WrongState(gettext("This assignment is closed."))
    old = assignment.deadline
    assignment.deadline = check_work_deadline(deadline, case=case)
    assignment.deadline_version += 1
    assignment.overdue_flagged_at = None
    assignment.reminded_at = None
    assignment.save(
        update_fields=["deadline", "deadline_version", "overdue_flagged_at", "reminded_at"]
    )
    return old.isoformat()


@transaction.atomic
def assignment_change_deadline(
    actor: User, *, assignment: Assignment, deadline: dt.datetime | None, reason: str
) -> Assignment:
    """The center head moves an assignment's deadline, never past the case's promise."""
    case, assignment = _locked(assignment)
    if not rules.can_coordinate(actor):
        raise NotAllowed()
    reason = required(reason, gettext("Give the reason for the new deadline."))
    before = assignment_snapshot(assignment)
    old = set_deadline(assignment, case=case, deadline=deadline)
    _event(
        actor,
        "assignment_deadline_changed",
        case=case,
        assignment=assignment,
        text=reason,
        old=old,
        new=assignment.deadline.isoformat(),
    )
    _audit(actor, "assignment.change_deadline", assignment, before, reason=reason)
    return assignment
