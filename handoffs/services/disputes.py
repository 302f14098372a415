"""Disputes (HND-4): raised by the owner or a department head, ruled in writing by the center
head; the ruling is binding and may change assignments, add a department or move deadlines."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from cases.errors import NotAllowed, WrongState
from cases.models import Case
from cases.services import case_work_flag_set, event_add
from firstask.transitions import transition

from .. import notices, rules
from ..models import ASSIGNMENT_OPEN, Answer, Assignment, Dispute, HandoffForm, RulingOnAnswer
from ._common import dispute_snapshot, lock, lock_case, required
from .assignments import handoff_complete_if_done, set_deadline
from .handoff_forms import AssignmentPlan, assignment_add, check_plans


def _may_raise(actor: User, *, case: Case, handoff: HandoffForm) -> bool:
    if permissions.acts_for_owner(actor, case):
        return True
    return any(
        rules.is_head_of(actor, a.department)
        for a in handoff.assignments.exclude(status=Assignment.Status.WITHDRAWN)
    )


@transaction.atomic
def dispute_raise(
    actor: User,
    *,
    handoff: HandoffForm,
    positions: str,
    assignment: Assignment | None = None,
    token: uuid.UUID | None = None,
) -> Dispute:
    case = lock_case(handoff.case_id)
    handoff = lock(HandoffForm, handoff.pk)
    replay = Dispute.objects.filter(token=token, handoff=handoff).first() if token else None
    if replay is not None:
        return replay
    if not _may_raise(actor, case=case, handoff=handoff):
        raise NotAllowed()
    if handoff.status != HandoffForm.Status.IN_PROGRESS:
        raise WrongState(gettext("Disputes can be raised only while departments are at work."))
    if assignment is not None and (
        assignment.handoff_id != handoff.pk or assignment.status == Assignment.Status.WITHDRAWN
    ):
        raise WrongState(gettext("Choose an assignment of this handoff form."))
    if handoff.disputes.filter(status=Dispute.Status.OPEN).exists():
        raise WrongState(gettext("A dispute of this form is already waiting for the ruling."))
    positions = required(positions, gettext("Set out the positions of each side."))
    dispute = Dispute.objects.create(
        handoff=handoff,
        assignment=assignment,
        positions=positions,
        raised_by=actor,
        **({"token": token} if token else {}),
    )
    case_work_flag_set(case=case, flag="has_disputes")
    event_add(
        case=case,
        actor=actor,
        kind="dispute_raised",
        text=positions,
        number=handoff.number,
        dispute=dispute.pk,
        department=assignment.department.name if assignment else "",
    )
    audit_record(
        actor=actor,
        action="dispute.raise",
        object_type="dispute",
        object_id=dispute.pk,
        after=dispute_snapshot(dispute),
    )
    notices.dispute_raised(actor, case=case, dispute=dispute)
    return dispute


def _own_assignment(handoff: HandoffForm, assignment: Assignment | None) -> Assignment | None:
    if assignment is None:
        return None
    if assignment.handoff_id != handoff.pk or assignment.status == Assignment.Status.WITHDRAWN:
        raise WrongState(gettext("Choose an assignment of this handoff form."))
    return lock(Assignment, assignment.pk)


def _rule_on_answer(dispute: Dispute, *, verdict: str, ruling: str, actor: User) -> str | None:
    if verdict == RulingOnAnswer.NONE:
        return None
    assignment = _own_assignment(dispute.handoff, dispute.assignment)
    if assignment is None:
        raise WrongState(gettext("This dispute concerns no particular assignment."))
    latest = assignment.answers.order_by("-answered_at", "-id").first()
    if verdict == RulingOnAnswer.UPHOLD:
        if latest is None or assignment.status not in (
            Assignment.Status.ANSWERED,
            Assignment.Status.RETURNED,
        ):
            raise WrongState(gettext("There is no answer of this department to uphold."))
        latest.verdict = Answer.Verdict.ACCEPTED
        latest.upheld_by = dispute
        if latest.reviewed_by_id is None:
            latest.reviewed_by, latest.reviewed_at = actor, timezone.now()
        latest.save()
        transition(assignment, Assignment.Status.ACCEPTED, table=Assignment.TRANSITIONS)
        assignment.accepted_at = timezone.now()
    else:
        if assignment.status == Assignment.Status.ACCEPTED:
            raise WrongState(gettext("An accepted answer cannot be sent back."))
        if latest is not None and latest.verdict == Answer.Verdict.PENDING:
            latest.verdict, latest.review_comment = Answer.Verdict.RETURNED, ruling
            latest.reviewed_by, latest.reviewed_at = actor, timezone.now()
            latest.save()
        transition(assignment, Assignment.Status.RETURNED, table=Assignment.TRANSITIONS)
    assignment.save(update_fields=["status", "accepted_at"])
    return verdict


def _change_lead(handoff: HandoffForm, new_lead: Assignment | None) -> str | None:
    new_lead = _own_assignment(handoff, new_lead)
    if new_lead is None or new_lead.role == Assignment.Role.LEAD:
        return None
    # Demote first: the database allows one lead per form at any moment.
    handoff.assignments.filter(role=Assignment.Role.LEAD).exclude(
        status=Assignment.Status.WITHDRAWN
    ).update(role=Assignment.Role.ASSISTING)
    new_lead.role = Assignment.Role.LEAD
    new_lead.save(update_fields=["role"])
    return new_lead.department.name


def _withdraw(handoff: HandoffForm, withdraw: Assignment | None) -> str | None:
    withdraw = _own_assignment(handoff, withdraw)
    if withdraw is None:
        return None
    if withdraw.role == Assignment.Role.LEAD:
        raise WrongState(gettext("Designate another lead department before withdrawing the lead."))
    if withdraw.status not in ASSIGNMENT_OPEN:
        raise WrongState(gettext("Only an open assignment can be withdrawn."))
    transition(withdraw, Assignment.Status.WITHDRAWN, table=Assignment.TRANSITIONS)
    withdraw.save(update_fields=["status"])
    return withdraw.department.name


def _add(actor: User, *, case: Case, handoff: HandoffForm, add: AssignmentPlan | None):
    if add is None:
        return None
    if add.role != Assignment.Role.ASSISTING:
        raise WrongState(gettext("A department added by a ruling assists the lead."))
    taken = handoff.assignments.exclude(status=Assignment.Status.WITHDRAWN)
    if taken.filter(department=add.department).exists():
        raise WrongState(gettext("This department already has an assignment on the form."))
    check_plans([add], case=case, lead_required=False)
    return assignment_add(actor, case=case, handoff=handoff, plan=add).department.name


@transaction.atomic
def dispute_rule(
    actor: User,
    *,
    dispute: Dispute,
    ruling: str,
    on_answer: str = RulingOnAnswer.NONE,
    deadline: dt.datetime | None = None,
    new_lead: Assignment | None = None,
    withdraw: Assignment | None = None,
    add: AssignmentPlan | None = None,
) -> Dispute:
    """HND-4: the center head's written, binding ruling, with the changes it makes."""
    case = lock_case(dispute.handoff.case_id)
    dispute = lock(Dispute, dispute.pk)
    if not rules.can_coordinate(actor):
        raise NotAllowed()
    if dispute.status != Dispute.Status.OPEN:
        raise WrongState(gettext("This dispute has already been ruled."))
    ruling = required(ruling, gettext("Write the ruling."))
    handoff = dispute.handoff
    at_work = notices.departments_at_work(handoff)  # before the ruling changes them
    changes: dict[str, Any] = {
        "lead": _change_lead(handoff, new_lead),
        "withdrawn": _withdraw(handoff, withdraw),
        "added": _add(actor, case=case, handoff=handoff, add=add),
        "on_answer": _rule_on_answer(dispute, verdict=on_answer, ruling=ruling, actor=actor),
    }
    if deadline is not None:
        target = _own_assignment(handoff, dispute.assignment)
        if target is None:
            raise WrongState(gettext("This dispute concerns no particular assignment."))
        set_deadline(target, case=case, deadline=deadline)
        changes["deadline"] = deadline.isoformat()
    changes = {key: value for key, value in changes.items() if value}
    _close(actor, case=case, dispute=dispute, ruling=ruling, changes=changes)
    notices.dispute_ruled(actor, case=case, dispute=dispute, department_ids=at_work)
    handoff_complete_if_done(actor, case=case, handoff=handoff)
    return dispute


def _close(actor: User, *, case: Case, dispute: Dispute, ruling: str, changes: dict) -> None:
    before = dispute_snapshot(dispute)
    transition(dispute, Dispute.Status.RULED, table=Dispute.TRANSITIONS)
    dispute.ruling = ruling
    dispute.ruled_by = actor
    dispute.ruled_at = timezone.now()
    dispute.changes = changes
    dispute.save(update_fields=["status", "ruling", "ruled_by", "ruled_at", "changes"])
    department = dispute.assignment.department.name if dispute.assignment else ""
    event_add(
        case=case,
        actor=actor,
        kind="dispute_ruled",
        text=ruling,
        number=dispute.handoff.number,
        dispute=dispute.pk,
        department=department,
        **changes,
    )
    audit_record(
        actor=actor,
        action="dispute.rule",
        object_type="dispute",
        object_id=dispute.pk,
        before=before,
        after={**dispute_snapshot(dispute), "changes": changes},
    )
