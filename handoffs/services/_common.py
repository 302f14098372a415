"""Pieces every handoffs service shares: locking in one order, snapshots, text checks."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from cases.errors import WrongState
from cases.models import Case
from cases.services import case_lock

from .. import attachments
from ..models import Answer, Assignment, Dispute, HandoffForm, Referral

Locked = TypeVar("Locked", bound=Model)


def lock_case(case_id: int) -> Case:
    """Every service locks the case first, then its own rows: one order, no deadlocks, and
    actions on one case run one after the other (so a replayed form finds what it made)."""
    return case_lock(case=Case(pk=case_id))


def lock(model: type[Locked], pk: int) -> Locked:
    return model._default_manager.select_for_update(no_key=True).get(pk=pk)  # cases.case_lock


def required(text: str, message: str) -> str:
    value = (text or "").strip()
    if not value:
        raise WrongState(message)
    return value


def check_work_deadline(deadline: dt.datetime | None, *, case: Case) -> dt.datetime:
    """An assignment's deadline: in the future and not after the case's promised deadline."""
    if deadline is None:
        raise WrongState(gettext("Give each department a deadline."))
    if deadline <= timezone.now():
        raise WrongState(gettext("A department's deadline must be in the future."))
    if case.deadline and deadline > case.deadline:
        raise WrongState(
            gettext(
                "A department's deadline cannot be later than the case's promised deadline "
                "(%(deadline)s). The first responder must extend the case deadline first."
            )
            % {"deadline": timezone.localtime(case.deadline).strftime("%Y-%m-%d %H:%M")}
        )
    return deadline


def answer_create(
    actor: User,
    *,
    text: str,
    upload: UploadedFile | None,
    token: Any,
    referral: Referral | None = None,
    assignment: Assignment | None = None,
) -> Answer:
    answer = Answer(
        referral=referral,
        assignment=assignment,
        text=required(text, gettext("Write the department's answer.")),
        answered_by=actor,
        **({"token": token} if token else {}),
    )
    if upload is not None:
        kind = attachments.sniff(upload, size=upload.size or 0)
        answer.attachment_name = attachments.display_name(upload.name or "", kind)
        answer.attachment_type = kind.content_type
        answer.attachment_size = upload.size or 0
        answer.attachment.save(attachments.stored_name(kind), upload, save=False)
    answer.save()
    return answer


def referral_snapshot(referral: Referral) -> dict[str, Any]:
    return {
        "case": referral.case.number,
        "department": referral.department_id,
        "status": referral.status,
        "assignee": referral.assignee_id,
    }


def handoff_snapshot(handoff: HandoffForm) -> dict[str, Any]:
    return {
        "number": handoff.number,
        "case": handoff.case.number,
        "status": handoff.status,
        "urgency": handoff.urgency,
    }


def assignment_snapshot(assignment: Assignment) -> dict[str, Any]:
    return {
        "handoff": assignment.handoff.number,
        "department": assignment.department_id,
        "role": assignment.role,
        "status": assignment.status,
        "deadline": assignment.deadline.isoformat(),
        "assignee": assignment.assignee_id,
    }


def dispute_snapshot(dispute: Dispute) -> dict[str, Any]:
    return {
        "handoff": dispute.handoff.number,
        "assignment": dispute.assignment_id,
        "status": dispute.status,
    }


def answer_snapshot(answer: Answer) -> dict[str, Any]:
    return {
        "answer": answer.pk,
        "verdict": answer.verdict,
        "attachment": answer.attachment_name,
        "on_behalf_of_owner": answer.on_behalf_of_owner,
    }


def answer_verdict(
    actor: User, *, answer: Answer, reviewable: bool, accept: bool, comment: str, on_behalf: bool
) -> str:
    """The owner's (or the center head's) verdict on a department's answer, for referrals and
    assignments alike: once, and a returned answer says what is missing. ``reviewable``: the
    referral or assignment is still waiting for this review. Returns the comment recorded."""
    if answer.verdict != Answer.Verdict.PENDING or not reviewable:
        raise WrongState(gettext("This answer has already been reviewed."))
    comment = comment.strip()
    if not accept:
        required(comment, gettext("Say what is missing from the answer."))
    answer.verdict = Answer.Verdict.ACCEPTED if accept else Answer.Verdict.RETURNED
    answer.review_comment = comment
    answer.reviewed_by = actor
    answer.reviewed_at = timezone.now()
    answer.on_behalf_of_owner = on_behalf
    answer.save()
    return comment
