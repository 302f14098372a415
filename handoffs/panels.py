"""What the case page shows of referrals and handoffs for the signed-in user, with the actions
that user may take (read-only: built from selectors and rules, never writes). ``case_sections``
is registered in HandoffsConfig.ready as the app's part of the case page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.timezone import now

from accounts import permissions
from accounts.models import User
from cases.extensions import CaseParts, Section
from cases.models import Case
from cases.page import CasePage
from firstask.typing import AuthedRequest

from . import rules, selectors
from .forms import (
    AnswerForm,
    DisputeForm,
    GiveToMemberForm,
    ReferForm,
    ReturnReferralForm,
    ReviewForm,
)
from .models import Answer, Assignment, CoordinationMeeting, HandoffForm, Referral


def _pending(answers: list[Answer]) -> Answer | None:
    return next((a for a in reversed(answers) if a.verdict == Answer.Verdict.PENDING), None)


@dataclass
class ReferralPanel:
    referral: Referral
    answers: list[Answer]
    forms: dict[str, Any] = field(default_factory=dict)


@dataclass
class AssignmentPanel:
    assignment: Assignment
    answers: list[Answer]
    forms: dict[str, Any] = field(default_factory=dict)


@dataclass
class HandoffPanel:
    handoff: HandoffForm
    assignments: list[AssignmentPanel]
    can_record_meeting: bool = False
    can_schedule_meeting: bool = False
    dispute_form: DisputeForm | None = None


@dataclass
class CasePanels:
    referrals: list[ReferralPanel]
    handoffs: list[HandoffPanel]
    owner_side: bool


def _referral_panel(user: User, case: Case, referral: Referral, owner_side: bool) -> ReferralPanel:
    answers = list(referral.answers.all())
    panel = ReferralPanel(referral, answers)
    member = rules.is_member(user, referral.department)
    status = referral.status
    if member and status == Referral.Status.SENT:
        panel.forms["accept"] = True
    if member and status in (Referral.Status.SENT, Referral.Status.ACCEPTED):
        panel.forms["return"] = ReturnReferralForm()
    if member and status == Referral.Status.ACCEPTED:
        panel.forms["answer"] = AnswerForm()
    pending = _pending(answers)
    if owner_side and status == Referral.Status.ANSWERED and pending:
        panel.forms["review"] = ReviewForm(initial={"answer": pending.pk})
    if referral.is_active and rules.is_head_of(user, referral.department):
        panel.forms["give"] = GiveToMemberForm(
            department=referral.department,
            members=_members(user, referral.department),
            initial={"member": referral.assignee_id},
        )
    return panel


def _assignment_panel(user: User, assignment: Assignment, owner_side: bool) -> AssignmentPanel:
    answers = list(assignment.answers.all())
    panel = AssignmentPanel(assignment, answers)
    if assignment.department_turn and rules.is_member(user, assignment.department):
        panel.forms["answer"] = AnswerForm()
    pending = _pending(answers)
    if owner_side and assignment.status == Assignment.Status.ANSWERED and pending:
        panel.forms["review"] = ReviewForm(initial={"answer": pending.pk})
    if assignment.is_open and rules.is_head_of(user, assignment.department):
        panel.forms["give"] = GiveToMemberForm(
            department=assignment.department,
            members=_members(user, assignment.department),
            initial={"member": assignment.assignee_id},
        )
    return panel


def _members(user: User, department) -> list[User]:
    """The department's active members for the head's "give to" menus, read once per request
    (kept on the user object) however many referrals and assignments the page shows."""
    kept = user.__dict__.setdefault("_handoff_members", {})
    if department.pk not in kept:
        kept[department.pk] = selectors.department_members(department=department)
    return kept[department.pk]


def _may_raise_dispute(user: User, case: Case, panels: list[AssignmentPanel]) -> bool:
    if permissions.acts_for_owner(user, case):
        return True
    return any(
        rules.is_head_of(user, p.assignment.department)
        for p in panels
        if p.assignment.status != Assignment.Status.WITHDRAWN
    )


def _handoff_panel(user: User, case: Case, handoff: HandoffForm, owner_side: bool) -> HandoffPanel:
    assignments = [_assignment_panel(user, a, owner_side) for a in handoff.assignments.all()]
    panel = HandoffPanel(handoff, assignments)
    panel.can_record_meeting = (
        handoff.status == HandoffForm.Status.SUBMITTED and rules.can_coordinate(user)
    )
    meeting = getattr(handoff, "meeting", None)
    panel.can_schedule_meeting = (
        handoff.status == HandoffForm.Status.SUBMITTED
        and (meeting is None or meeting.status == CoordinationMeeting.Status.SCHEDULED)
        and permissions.acts_for_owner(user, case)
    )
    open_dispute = any(d.status == "open" for d in handoff.disputes.all())
    if (
        handoff.status == HandoffForm.Status.IN_PROGRESS
        and not open_dispute
        and _may_raise_dispute(user, case, assignments)
    ):
        panel.dispute_form = DisputeForm(handoff=handoff)
    return panel


Work = tuple[list[Referral], list[HandoffForm]]


def case_work(*, case: Case) -> Work:
    """The case's referrals and handoff forms, each read only when the case's flag says it has
    some (``Case.has_referrals``, ``has_handoff_forms``, set by the services that write them)."""
    return (
        selectors.referrals_of_case(case=case) if case.has_referrals else [],
        selectors.handoffs_of_case(case=case) if case.has_handoff_forms else [],
    )


def case_panels(*, user: User, case: Case, work: Work) -> CasePanels:
    owner_side = case.is_active and permissions.acts_for_owner(user, case)
    referrals, handoffs = work
    return CasePanels(
        referrals=[_referral_panel(user, case, r, owner_side) for r in referrals],
        handoffs=[_handoff_panel(user, case, h, owner_side) for h in handoffs],
        owner_side=owner_side,
    )


@dataclass
class CaseActions:
    refer_form: ReferForm | None
    can_fill_handoff: bool
    blocker: str | None


def case_actions(*, user: User, case: Case, work: Work) -> CaseActions:
    """The owner's next steps: refer (REF-2) or fill the handoff form (HND-1)."""
    if not (case.is_active and permissions.acts_for_owner(user, case)):
        return CaseActions(None, False, None)
    blocker = selectors.blocker_in(*work)
    can_refer = case.status == Case.Status.OPEN and blocker is None
    can_fill = case.status in (Case.Status.OPEN, Case.Status.COORDINATING) and blocker is None
    return CaseActions(ReferForm() if can_refer else None, can_fill, blocker)


def case_sections(page: CasePage) -> CaseParts:
    """The handoffs part of the case page (extensions.CaseSections): referrals and handoff
    forms in the main column, the owner's next step in the side column, from one read."""
    work = case_work(case=page.case)
    here = {"next": page.request.get_full_path()}
    panels = case_panels(user=page.user, case=page.case, work=work)
    actions = case_actions(user=page.user, case=page.case, work=work)
    return CaseParts(
        main=[Section("handoffs/_case_sections.html", {**here, "panels": panels, "now": now()})],
        actions=[Section("handoffs/_case_actions.html", {**here, "actions": actions})],
    )


def desk_block(request: AuthedRequest) -> Section:
    """The desk's handoff block (extensions.DeskBlock): the department's inbox, handoff forms
    waiting for a meeting (center head), the meetings the user is invited to."""
    user = request.user
    inbox = (
        selectors.department_inbox(
            user=user, limit=10, with_members=permissions.is_department_head(user)
        )
        if user.department_id
        else None
    )
    waiting = (
        selectors.handoffs_waiting_meeting(limit=10) if permissions.is_center_head(user) else None
    )
    meetings = selectors.meetings_invited(user=user)
    context = {"inbox": inbox, "waiting": waiting, "meetings": meetings}
    return Section("handoffs/_desk_blocks.html", {**context, "next": request.get_full_path()})
