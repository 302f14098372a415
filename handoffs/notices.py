"""Who the handoffs app tells, and what: a department learns of work sent to it, the owner of
answers and returns, the center heads of forms and disputes. The services call these inside
their own transaction (``notify`` writes outbox rows that commit with the change); the texts are
rendered in every site language by ``notifications.services.notify``.

Each notice is keyed by an object that is new for each event (the referral, the answer, the
assignment, the dispute), so a second answer to the same referral is told again, while a
replayed form (which makes nothing new) notifies nobody twice."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Department, User
from cases.calendar import local_moment
from cases.models import Case
from notifications.services import Notice, notify

from .models import (
    Answer,
    Assignment,
    CoordinationMeeting,
    Dispute,
    HandoffForm,
    Referral,
    Urgency,
)

Values = dict[str, str]


def department_heads(departments: Iterable[Department]) -> list[int]:
    """The active head of each department, or, where there is none, its active members."""
    ids: list[int] = []
    for department in departments:
        head = department.head
        if head is not None and head.is_active:
            ids.append(head.pk)
        else:
            members = department.members.filter(is_active=True).order_by("pk")
            ids += members.values_list("pk", flat=True)
    return ids


def _send(
    actor: User | None, *, recipients: Iterable[int | None], render, values: Values, **key
) -> None:
    """One notice to everyone named except the actor (nobody is told of their own step); with
    no actor (a visitor signing on their own phone or a kiosk), to everyone named."""
    actor_id = actor.pk if actor is not None else None
    ids = tuple(dict.fromkeys(pk for pk in recipients if pk and pk != actor_id))
    if ids:
        notify([Notice(recipient_ids=ids, render=partial(render, values), **key)])


def _case_values(case: Case, **extra: str) -> Values:
    return {"number": case.number, "subject": case.subject, **extra}


# --- referrals ------------------------------------------------------------------------------


def _referral_created_text(values: Values) -> tuple[str, str]:
    return (
        _("Case %(number)s referred to %(department)s") % values,
        _(
            "%(actor)s referred case %(number)s “%(subject)s” to %(department)s. "
            "Accept it or return it with a reason in the department inbox. Note: %(note)s"
        )
        % values,
    )


def referral_created(actor: User, *, case: Case, referral: Referral) -> None:
    """A referral made from the case page (intake referrals are told by cases.notices)."""
    department = referral.department
    _send(
        actor,
        recipients=department_heads([department]),
        render=_referral_created_text,
        values=_case_values(
            case,
            actor=actor.display_name,
            department=department.name,
            note=referral.note or "—",
        ),
        kind="referral_created",
        object_type="referral",
        object_id=str(referral.pk),
        url=reverse("handoffs:inbox"),
    )


def _referral_answered_text(values: Values) -> tuple[str, str]:
    return (
        _("%(department)s answered the referral of case %(number)s") % values,
        _(
            "%(department)s answered the referral of case %(number)s “%(subject)s”. "
            "Review the answer: accept it, or send it back with a comment."
        )
        % values,
    )


def referral_answered(actor: User, *, case: Case, referral: Referral, answer: Answer) -> None:
    _send(
        actor,
        recipients=[case.owner_id],
        render=_referral_answered_text,
        values=_case_values(case, department=referral.department.name),
        kind="referral_answered",
        object_type="answer",
        object_id=str(answer.pk),
        url=case.get_absolute_url(),
    )


def _referral_returned_text(values: Values) -> tuple[str, str]:
    return (
        _("%(department)s returned the referral of case %(number)s") % values,
        _(
            "%(department)s returned the referral of case %(number)s “%(subject)s”: "
            "%(reason)s. The case is open again: refer it elsewhere or answer the visitor."
        )
        % values,
    )


def referral_returned(actor: User, *, case: Case, referral: Referral) -> None:
    _send(
        actor,
        recipients=[case.owner_id],
        render=_referral_returned_text,
        values=_case_values(
            case, department=referral.department.name, reason=referral.return_reason
        ),
        kind="referral_returned",
        object_type="referral",
        object_id=str(referral.pk),
        url=case.get_absolute_url(),
    )


# --- handoff forms and meetings -----------------------------------------------------------------


def _handoff_submitted_text(values: Values) -> tuple[str, str]:
    values = {**values, "urgency": str(Urgency(values["urgency"]).label)}
    return (
        _("Handoff form %(form)s waits for a coordination meeting") % values,
        _(
            "%(actor)s submitted handoff form %(form)s for case %(number)s “%(subject)s” "
            "(departments: %(departments)s; urgency: %(urgency)s). Record the coordination "
            "meeting and designate the lead department."
        )
        % values,
    )


def handoff_submitted(actor: User, *, case: Case, handoff: HandoffForm, names: list[str]) -> None:
    _send(
        actor,
        recipients=permissions.user_ids_with_role(permissions.CENTER_HEAD),
        render=_handoff_submitted_text,
        values=_case_values(
            case,
            actor=actor.display_name,
            form=handoff.number,
            departments="、".join(names),
            urgency=handoff.urgency,
        ),
        kind="handoff_submitted",
        object_type="handoff",
        object_id=handoff.number,
        url=reverse("handoffs:desk"),
    )


def _assignment_text(values: Values) -> tuple[str, str]:
    values = {**values, "role": str(Assignment.Role(values["role"]).label)}
    return (
        _("%(department)s assigned to case %(number)s (%(role)s)") % values,
        _(
            "The coordination meeting on handoff form %(form)s assigned %(department)s to case "
            "%(number)s “%(subject)s”. Role: %(role)s. Task: %(task)s. Answer by %(deadline)s."
        )
        % values,
    )


def meeting_recorded(
    actor: User, *, case: Case, handoff: HandoffForm, assignments: list[Assignment]
) -> None:
    """Each assigned department's head learns its task, role and deadline."""
    for assignment in assignments:
        _assignment_told(actor, case=case, handoff=handoff, assignment=assignment)


def _assignment_told(actor: User, *, case: Case, handoff: HandoffForm, assignment: Assignment):
    _send(
        actor,
        recipients=department_heads([assignment.department]),
        render=_assignment_text,
        values=_case_values(
            case,
            form=handoff.number,
            department=assignment.department.name,
            role=assignment.role,
            task=assignment.task,
            deadline=local_moment(assignment.deadline),
        ),
        kind="meeting_recorded",
        object_type="assignment",
        object_id=str(assignment.pk),
        url=reverse("handoffs:inbox"),
    )


def _meeting_scheduled_text(values: Values) -> tuple[str, str]:
    return (
        _("Coordination meeting on case %(number)s: %(at)s") % values,
        _(
            "%(actor)s invites you to the coordination meeting on handoff form %(form)s for "
            "case %(number)s “%(subject)s”, at %(at)s in %(place)s."
        )
        % values,
    )


def meeting_scheduled(
    actor: User, *, case: Case, handoff: HandoffForm, meeting: CoordinationMeeting
) -> None:
    """Every invitee, again at each new time (the notice is keyed by the schedule's version)."""
    _send(
        actor,
        recipients=meeting.invitees.values_list("pk", flat=True),
        render=_meeting_scheduled_text,
        values=_case_values(
            case,
            actor=actor.display_name,
            form=handoff.number,
            at=local_moment(meeting.held_at),
            place=meeting.place,
        ),
        kind="meeting_scheduled",
        object_type="meeting",
        object_id=str(meeting.pk),
        deadline_version=meeting.schedule_version,
        url=case.get_absolute_url(),
    )


def _assignment_answered_text(values: Values) -> tuple[str, str]:
    return (
        _("%(department)s answered its assignment on case %(number)s") % values,
        _(
            "%(department)s answered its assignment on handoff form %(form)s "
            "(case %(number)s “%(subject)s”). Review the answer: accept it, or return it "
            "with a comment."
        )
        % values,
    )


def assignment_answered(actor: User, *, case: Case, assignment: Assignment, answer: Answer):
    _send(
        actor,
        recipients=[case.owner_id],
        render=_assignment_answered_text,
        values=_case_values(
            case, department=assignment.department.name, form=assignment.handoff.number
        ),
        kind="assignment_answered",
        object_type="answer",
        object_id=str(answer.pk),
        url=case.get_absolute_url(),
    )


# --- disputes -------------------------------------------------------------------------------


def _dispute_raised_text(values: Values) -> tuple[str, str]:
    return (
        _("Dispute on handoff form %(form)s waits for your ruling") % values,
        _(
            "%(actor)s raised a dispute on handoff form %(form)s (case %(number)s "
            "“%(subject)s”). Positions: %(positions)s"
        )
        % values,
    )


def dispute_raised(actor: User, *, case: Case, dispute: Dispute) -> None:
    _send(
        actor,
        recipients=permissions.user_ids_with_role(permissions.CENTER_HEAD),
        render=_dispute_raised_text,
        values=_case_values(
            case,
            actor=actor.display_name,
            form=dispute.handoff.number,
            positions=dispute.positions,
        ),
        kind="dispute_raised",
        object_type="dispute",
        object_id=str(dispute.pk),
        url=reverse("handoffs:desk"),
    )


def _dispute_ruled_text(values: Values) -> tuple[str, str]:
    return (
        _("Dispute on handoff form %(form)s ruled") % values,
        _(
            "The center head ruled the dispute on handoff form %(form)s (case %(number)s "
            "“%(subject)s”). The ruling is binding: %(ruling)s"
        )
        % values,
    )


def departments_at_work(handoff: HandoffForm) -> set[int]:
    at_work = handoff.assignments.exclude(status=Assignment.Status.WITHDRAWN)
    return set(at_work.values_list("department_id", flat=True))


def dispute_ruled(
    actor: User, *, case: Case, dispute: Dispute, department_ids: Iterable[int]
) -> None:
    """The owner and the heads of the departments concerned: every department at work on the
    form before the ruling or after it (so one withdrawn or added by the ruling is told too)."""
    concerned = {*department_ids, *departments_at_work(dispute.handoff)}
    departments = Department.objects.filter(pk__in=concerned).select_related("head")
    _send(
        actor,
        recipients=[case.owner_id, *department_heads(departments.order_by("code"))],
        render=_dispute_ruled_text,
        values=_case_values(case, form=dispute.handoff.number, ruling=dispute.ruling),
        kind="dispute_ruled",
        object_type="dispute",
        object_id=str(dispute.pk),
        url=case.get_absolute_url(),
    )


# --- answers returned, and the case closed (§2.1.3: 反馈与跟踪) -----------------------------


def _answer_returned_text(values: Values) -> tuple[str, str]:
    return (
        _("Your answer on case %(number)s was returned") % values,
        _(
            "%(actor)s returned the answer of %(department)s on case %(number)s “%(subject)s”. "
            "What is missing: %(comment)s. Answer again from the case page."
        )
        % values,
    )


def answer_returned(actor: User, *, case: Case, department: Department, answer: Answer) -> None:
    """The department's head (or its members) and whoever wrote the answer."""
    _send(
        actor,
        recipients=[*department_heads([department]), answer.answered_by_id],
        render=_answer_returned_text,
        values=_case_values(
            case,
            actor=actor.display_name,
            department=department.name,
            comment=answer.review_comment,
        ),
        kind="answer_returned",
        object_type="answer",
        object_id=str(answer.pk),
        url=case.get_absolute_url(),
    )


def _case_closed_text(values: Values) -> tuple[str, str]:
    return (
        _("Case %(number)s is closed") % values,
        _(
            "Case %(number)s “%(subject)s”, on which %(department)s worked, is closed: the "
            "visitor confirmed the result."
        )
        % values,
    )


def case_closed(actor: User | None, *, case: Case) -> None:
    """Every department that worked on the case (a referral it accepted, or an assignment not
    withdrawn) is told, each in its own notice; called by the closure app when it closes."""
    referred = Referral.objects.filter(case=case, accepted_at__isnull=False).values_list(
        "department_id", flat=True
    )
    assigned = (
        Assignment.objects.filter(handoff__case=case)
        .exclude(status=Assignment.Status.WITHDRAWN)
        .values_list("department_id", flat=True)
    )
    ids = {*referred, *assigned}
    for department in Department.objects.filter(pk__in=ids).select_related("head"):
        _send(
            actor,
            recipients=department_heads([department]),
            render=_case_closed_text,
            values=_case_values(case, department=department.name),
            kind="case_closed_department",
            object_type="case",
            object_id=f"{case.pk}:{department.pk}",
            deadline_version=case.rework_count,
            url=case.get_absolute_url(),
        )
