"""Referral (REF-2): the owner sends the case to one department; the department accepts or
returns it and answers; the owner reviews the answer. Owner and promised deadline never move."""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Department, User
from audit.services import audit_record
from cases.errors import NotAllowed, WrongState
from cases.models import Case
from cases.services import (
    case_involve_department,
    case_transition,
    case_work_flag_set,
    event_add,
)
from firstask.transitions import transition

from .. import notices, rules
from ..models import REFERRAL_ACTIVE, Answer, HandoffForm, Referral, ReturnGround
from ._common import (
    answer_create,
    answer_snapshot,
    answer_verdict,
    lock,
    lock_case,
    referral_snapshot,
    required,
)


def _record_created(actor: User, *, case: Case, referral: Referral) -> None:
    case_work_flag_set(case=case, flag="has_referrals")
    event_add(
        case=case,
        actor=actor,
        kind="referral_created",
        text=referral.note,
        department=referral.department.name,
        department_id=referral.department_id,
        referral=referral.pk,
    )
    audit_record(
        actor=actor,
        action="referral.create",
        object_type="referral",
        object_id=referral.pk,
        after=referral_snapshot(referral),
    )


def referral_from_intake(actor: User, *, case: Case, department: Department) -> Referral:
    """Intake chose "referral": cases already moved the case and involved the department."""
    referral = Referral.objects.create(case=case, department=department, created_by=actor)
    _record_created(actor, case=case, referral=referral)
    return referral


@transaction.atomic
def referral_create(
    actor: User, *, case: Case, department: Department, note: str, token: uuid.UUID | None = None
) -> Referral:
    """Refer an open case (again, after a return) to one department."""
    case = lock_case(case.pk)
    replay = Referral.objects.filter(token=token, case=case).first() if token else None
    if replay is not None:
        return replay
    rules.require_owner_side(actor, case)
    if (
        case.status != Case.Status.OPEN
        or HandoffForm.objects.filter(
            case=case, status__in=[HandoffForm.Status.SUBMITTED, HandoffForm.Status.IN_PROGRESS]
        ).exists()
    ):
        raise WrongState(gettext("Only an open case with no department at work can be referred."))
    if not department.is_active:
        raise WrongState(gettext("This department no longer takes referrals."))
    referral = Referral.objects.create(
        case=case,
        department=department,
        note=note.strip(),
        created_by=actor,
        **({"token": token} if token else {}),
    )
    case_involve_department(actor, case=case, department=department)
    case_transition(actor, case=case, to=Case.Status.REFERRED, record_event=False)
    _record_created(actor, case=case, referral=referral)
    notices.referral_created(actor, case=case, referral=referral)
    return referral


def _locked(referral: Referral) -> tuple[Case, Referral]:
    case = lock_case(referral.case_id)
    return case, lock(Referral, referral.pk)


def _audit(actor: User, action: str, referral: Referral, before: dict, **extra) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="referral",
        object_id=referral.pk,
        before=before,
        after={**referral_snapshot(referral), **extra},
    )


@transaction.atomic
def referral_accept(actor: User, *, referral: Referral) -> Referral:
    case, referral = _locked(referral)
    rules.require_member(actor, referral.department)
    if referral.status != Referral.Status.SENT:
        raise WrongState(gettext("This referral is no longer waiting to be accepted."))
    before = referral_snapshot(referral)
    transition(referral, Referral.Status.ACCEPTED, table=Referral.TRANSITIONS)
    referral.accepted_at = timezone.now()
    referral.assignee = referral.assignee or actor
    referral.save(update_fields=["status", "accepted_at", "assignee"])
    event_add(
        case=case,
        actor=actor,
        kind="referral_accepted",
        department=referral.department.name,
        department_id=referral.department_id,
        referral=referral.pk,
    )
    _audit(actor, "referral.accept", referral, before)
    return referral


@transaction.atomic
def referral_return(
    actor: User, *, referral: Referral, reason: str, ground: str = ReturnGround.NOT_OURS
) -> Referral:
    """The department says the case is not theirs (or that the first responder could have
    answered it: 推诿); the case is open again for the owner."""
    case, referral = _locked(referral)
    rules.require_member(actor, referral.department)
    if referral.status not in (Referral.Status.SENT, Referral.Status.ACCEPTED):
        raise WrongState(gettext("This referral can no longer be returned."))
    reason = required(reason, gettext("Give the reason for returning the referral."))
    if ground not in ReturnGround.values:
        raise WrongState(gettext("Choose why the referral is returned."))
    before = referral_snapshot(referral)
    transition(referral, Referral.Status.RETURNED, table=Referral.TRANSITIONS)
    referral.returned_at = timezone.now()
    referral.return_reason = reason
    referral.return_ground = ground
    referral.save(update_fields=["status", "returned_at", "return_reason", "return_ground"])
    case_transition(actor, case=case, to=Case.Status.OPEN, record_event=False)
    event_add(
        case=case,
        actor=actor,
        kind="referral_returned",
        text=reason,
        department=referral.department.name,
        department_id=referral.department_id,
        referral=referral.pk,
        reason=reason,
        ground=ground,
    )
    _audit(actor, "referral.return", referral, before, reason=reason, ground=ground)
    notices.referral_returned(actor, case=case, referral=referral)
    return referral


@transaction.atomic
def referral_answer(
    actor: User,
    *,
    referral: Referral,
    text: str,
    upload: UploadedFile | None = None,
    token: uuid.UUID | None = None,
) -> Answer:
    case, referral = _locked(referral)
    replay = Answer.objects.filter(token=token, referral=referral).first() if token else None
    if replay is not None:
        return replay
    rules.require_member(actor, referral.department)
    if referral.status != Referral.Status.ACCEPTED:
        raise WrongState(
            gettext("Only an accepted referral that waits for an answer can be answered.")
        )
    before = referral_snapshot(referral)
    answer = answer_create(actor, text=text, upload=upload, token=token, referral=referral)
    transition(referral, Referral.Status.ANSWERED, table=Referral.TRANSITIONS)
    referral.save(update_fields=["status"])
    event_add(
        case=case,
        actor=actor,
        kind="referral_answered",
        text=answer.text,
        department=referral.department.name,
        department_id=referral.department_id,
        referral=referral.pk,
        answer=answer.pk,
    )
    _audit(actor, "referral.answer", referral, before, **answer_snapshot(answer))
    notices.referral_answered(actor, case=case, referral=referral, answer=answer)
    return answer


@transaction.atomic
def referral_review(actor: User, *, answer: Answer, accept: bool, comment: str = "") -> Answer:
    """The owner (or the center head for them) accepts the answer or sends it back."""
    if answer.referral is None:
        raise WrongState()
    case, referral = _locked(answer.referral)
    answer = lock(Answer, answer.pk)
    on_behalf = rules.require_owner_side(actor, case)
    before = referral_snapshot(referral)
    comment = answer_verdict(
        actor,
        answer=answer,
        reviewable=referral.status == Referral.Status.ANSWERED,
        accept=accept,
        comment=comment,
        on_behalf=on_behalf,
    )
    if accept:
        transition(referral, Referral.Status.COMPLETED, table=Referral.TRANSITIONS)
        referral.completed_at = answer.reviewed_at
        case_transition(actor, case=case, to=Case.Status.OPEN, record_event=False)
    else:
        transition(referral, Referral.Status.ACCEPTED, table=Referral.TRANSITIONS)
    referral.save(update_fields=["status", "completed_at"])
    event_add(
        case=case,
        actor=actor,
        kind="referral_answer_accepted" if accept else "referral_answer_returned",
        text=comment,
        department=referral.department.name,
        department_id=referral.department_id,
        referral=referral.pk,
        answer=answer.pk,
        on_behalf=on_behalf,
    )
    action = "referral.accept_answer" if accept else "referral.return_answer"
    _audit(actor, action, referral, before, **answer_snapshot(answer))
    if not accept:
        notices.answer_returned(actor, case=case, department=referral.department, answer=answer)
    return answer


@transaction.atomic
def referral_give_to_member(actor: User, *, referral: Referral, member: User) -> Referral:
    """The department head gives the referral to one member of the department."""
    case, referral = _locked(referral)
    if not rules.is_head_of(actor, referral.department):
        raise NotAllowed()
    if referral.status not in REFERRAL_ACTIVE:
        raise WrongState(gettext("This referral is closed."))
    if not member.is_active or not rules.is_member(member, referral.department):
        raise WrongState(gettext("Choose an active member of the department."))
    before = referral_snapshot(referral)
    referral.assignee = member
    referral.save(update_fields=["assignee"])
    event_add(
        case=case,
        actor=actor,
        kind="referral_given_to_member",
        department=referral.department.name,
        member=member.display_name,
        referral=referral.pk,
    )
    _audit(actor, "referral.give_to_member", referral, before)
    return referral
