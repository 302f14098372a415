"""Random sequences of referral and handoff actions by random people must keep the invariants:
one unchanged owner and promised deadline, exactly one lead per coordinated form, no answer
accepted twice, no case given a result (closed) while any department work is open, and every
state a case, referral, form, meeting, assignment, dispute or round reaches allowed by its
transition table."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cases import calendar, extensions
from cases import services as case_services
from cases.errors import CaseError
from cases.models import Case
from closure.models import ResultRound
from handoffs import services
from handoffs.models import (
    ASSIGNMENT_OPEN,
    REFERRAL_ACTIVE,
    Answer,
    Assignment,
    CoordinationMeeting,
    Dispute,
    HandoffForm,
    Referral,
)
from tests.factories import case_kwargs
from tests.transition_watch import TransitionWatch

pytestmark = pytest.mark.django_db

TEXTS = st.sampled_from(["已处理", "请补充材料", "已核实", "已答复", " "])
MAX_CASES = 2  # few cases per run, so that the runs go deep into each case's story
# Mostly the person entitled to act (so that long stories get told), sometimes anybody.
RIGHT_OR_ANY = st.sampled_from(["right", "right", "right", "any"])
# The first choice is the one that moves the story on (what Hypothesis tries most and shrinks to).
ON = st.sampled_from([True, True, True, False])
SELDOM = st.sampled_from([False, False, False, True])
ROLE_SETS = st.sampled_from(
    [("lead", "assisting", None), ("assisting", "lead", "assisting"), ("lead", None, None)]
) | st.lists(st.sampled_from(["lead", "assisting", None]), min_size=3, max_size=3)


def attempt(action) -> None:
    """A refusal is fine; it must leave nothing behind (each service is one transaction)."""
    with contextlib.suppress(CaseError, ValidationError):
        action()


@pytest.fixture
def people(
    front_desk,
    colleague,
    center_head,
    dept_member,
    department_head,
    third_member,
    third_head,
    outsider,
    auditor,
):
    return [
        front_desk,
        colleague,
        center_head,
        dept_member,
        department_head,
        third_member,
        third_head,
        outsider,
        auditor,
    ]


def test_random_sequences_keep_the_invariants(
    people, category, center_head, department, third_department, outsider
):
    departments = [department, third_department, outsider.department]
    moves: set[tuple[str, str | None, str]] = set()
    owners = people[:3]  # front desk, colleague and center head take visits

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # Each example runs in a savepoint that is rolled back, so examples start clean.
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.promised: dict[int, tuple[int, dt.datetime | None]] = {}
            self.watch = TransitionWatch(
                Case, Referral, HandoffForm, CoordinationMeeting, Assignment, Dispute, ResultRound
            )

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def who(self, data, right):
            # ``right`` may be nobody (a department without a head): then anybody tries.
            if right is not None and data.draw(RIGHT_OR_ANY) == "right":
                return right
            return data.draw(st.sampled_from(people))

        def pick(self, data, queryset):
            return data.draw(st.sampled_from(list(queryset.order_by("pk"))))

        # --- cases -----------------------------------------------------------------------

        @precondition(lambda self: len(self.promised) < MAX_CASES)
        @rule(
            owner=st.sampled_from(owners),
            outcome=st.sampled_from(["handoff", "referral", "self"]),
            department=st.sampled_from(departments),
        )
        def register(self, owner, outcome, department):
            case = case_services.case_register(
                owner,
                **case_kwargs(
                    category=category,
                    outcome=outcome,
                    department=department if outcome == "referral" else None,
                    deadline=calendar.deadline_in_working_days(5),
                ),
            )
            self.promised[case.pk] = (case.owner_id, case.deadline)

        @precondition(lambda self: self.promised)
        @rule(data=st.data(), now=SELDOM)
        def give_result(self, data, now):
            """What closure does: ask the hook, then record the result and close. Not too
            often, or cases close before departments get to work on them."""
            if not now:
                return
            case = self.pick(data, Case.objects.filter(pk__in=self.promised))
            with transaction.atomic():
                case = case_services.case_lock(case=case)
                if not case.is_active or extensions.result_blocker(case) is not None:
                    return
                case_services.case_transition(
                    case.owner, case=case, to=Case.Status.AWAITING_CONFIRMATION
                )
                case_services.case_transition(case.owner, case=case, to=Case.Status.CLOSED)

        # --- the owner's moves -----------------------------------------------------------

        def open_cases(self, *statuses: str):
            return Case.objects.filter(pk__in=self.promised, status__in=statuses)

        @precondition(lambda self: self.open_cases(Case.Status.OPEN).exists())
        @rule(data=st.data(), department=st.sampled_from(departments), note=TEXTS)
        def refer(self, data, department, note):
            case = self.pick(data, self.open_cases(Case.Status.OPEN))
            actor = self.who(data, case.owner)
            attempt(
                lambda: services.referral_create(actor, case=case, department=department, note=note)
            )

        def may_submit(self):
            return self.open_cases(Case.Status.OPEN, Case.Status.COORDINATING).exclude(
                handoffs__status__in=[HandoffForm.Status.SUBMITTED, HandoffForm.Status.IN_PROGRESS]
            )

        @precondition(lambda self: self.may_submit().exists())
        @rule(
            data=st.data(),
            chosen=st.one_of(
                st.just(departments[:2]), st.lists(st.sampled_from(departments), max_size=3)
            ),
        )
        def submit(self, data, chosen):
            case = self.pick(data, self.may_submit())
            actor = self.who(data, case.owner)
            attempt(
                lambda: services.handoff_submit(
                    actor, case=case, summary="需协调", departments=chosen, urgency="normal"
                )
            )

        # --- the next step of any open piece of work, mostly by whoever's turn it is ---------

        def open_work(self) -> list:
            return [
                *Referral.objects.filter(status__in=REFERRAL_ACTIVE),
                *HandoffForm.objects.filter(status=HandoffForm.Status.SUBMITTED),
                *Assignment.objects.filter(status__in=ASSIGNMENT_OPEN),
                *Dispute.objects.filter(status=Dispute.Status.OPEN),
            ]

        @precondition(lambda self: self.open_work())
        @rule(data=st.data(), text=TEXTS, yes=ON)
        def advance(self, data, text, yes):
            work = data.draw(st.sampled_from(self.open_work()))
            steps: dict[type, Callable[..., Callable[[], object]]] = {
                Referral: self.referral_step,
                HandoffForm: self.meeting_step,
                Assignment: self.assignment_step,
                Dispute: self.ruling_step,
            }
            attempt(steps[type(work)](data, work, text=text, yes=yes))

        def referral_step(self, data, referral, *, text, yes):
            member = referral.department.members.order_by("pk").first()
            if referral.status == Referral.Status.ANSWERED:
                pending = referral.answers.get(verdict=Answer.Verdict.PENDING)
                actor = self.who(data, referral.case.owner)
                return lambda: services.referral_review(
                    actor, answer=pending, accept=yes, comment=text
                )
            actor = self.who(data, member)
            if not yes:
                return lambda: services.referral_return(actor, referral=referral, reason=text)
            if referral.status == Referral.Status.SENT:
                return lambda: services.referral_accept(actor, referral=referral)
            return lambda: services.referral_answer(actor, referral=referral, text=text)

        def meeting_step(self, data, handoff, **_):
            roles = data.draw(ROLE_SETS)
            when = data.draw(st.sampled_from(["ok", "ok", "ok", "past", "late"]))
            deadline = (
                handoff.case.deadline
                + {
                    "ok": dt.timedelta(hours=-1),
                    "past": dt.timedelta(days=-60),
                    "late": dt.timedelta(hours=1),
                }[when]
            )
            plans = [
                services.AssignmentPlan(department, role, "任务", deadline)
                for department, role in zip(departments, roles, strict=True)
                if role
            ]
            actor = self.who(data, center_head)
            return lambda: services.meeting_record(
                actor,
                handoff=handoff,
                held_at=handoff.submitted_at,
                place="会议室",
                attendees=[center_head],
                minutes="纪要",
                decision="决定",
                plans=plans,
            )

        def assignment_step(self, data, assignment, *, text, yes):
            owner = assignment.handoff.case.owner
            if data.draw(SELDOM):
                actor = self.who(
                    data, data.draw(st.sampled_from([owner, assignment.department.head]))
                )
                return lambda: services.dispute_raise(
                    actor, handoff=assignment.handoff, assignment=assignment, positions=text
                )
            if assignment.status == Assignment.Status.ANSWERED:
                pending = assignment.answers.get(verdict=Answer.Verdict.PENDING)
                actor = self.who(data, owner)
                return lambda: services.assignment_review(
                    actor, answer=pending, accept=yes, comment=text
                )
            actor = self.who(data, assignment.department.members.order_by("pk").first())
            return lambda: services.assignment_answer(actor, assignment=assignment, text=text)

        def ruling_step(self, data, dispute, **_):
            on_answer = data.draw(st.sampled_from(["uphold", "answer_again", "none"]))
            target = dispute.assignment
            new_lead = target if data.draw(SELDOM) else None
            withdraw = target if data.draw(SELDOM) else None
            actor = self.who(data, center_head)
            return lambda: services.dispute_rule(
                actor,
                dispute=dispute,
                ruling="裁决",
                on_answer=on_answer,
                new_lead=new_lead,
                withdraw=withdraw,
            )

        # --- anybody tries anything: refusals must change nothing -----------------------------

        @precondition(lambda self: Referral.objects.exists() or Assignment.objects.exists())
        @rule(data=st.data(), actor=st.sampled_from(people), text=TEXTS)
        def anybody_anything(self, data, actor, text):
            items = [*Referral.objects.all(), *Assignment.objects.all()]
            item = data.draw(st.sampled_from(items))
            pending = item.answers.filter(verdict=Answer.Verdict.PENDING).last()
            member = item.department.members.order_by("pk").first()
            if isinstance(item, Referral):
                steps = [
                    lambda: services.referral_accept(actor, referral=item),
                    lambda: services.referral_return(actor, referral=item, reason=text),
                    lambda: services.referral_answer(actor, referral=item, text=text),
                    lambda: services.referral_give_to_member(actor, referral=item, member=member),
                ]
                review = services.referral_review
            else:
                steps = [
                    lambda: services.assignment_answer(actor, assignment=item, text=text),
                    lambda: services.assignment_give_to_member(
                        actor, assignment=item, member=member
                    ),
                    lambda: services.dispute_raise(actor, handoff=item.handoff, positions=text),
                ]
                review = services.assignment_review
            if pending is not None:
                steps.append(lambda: review(actor, answer=pending, accept=True))
            attempt(data.draw(st.sampled_from(steps)))

        # --- invariants ------------------------------------------------------------------

        @invariant()
        def every_state_is_allowed_by_its_table(self):
            self.watch.check()
            moves.update(self.watch.moves)

        @invariant()
        def owner_and_promise_never_move(self):
            for case in Case.objects.filter(pk__in=self.promised):
                assert (case.owner_id, case.deadline) == self.promised[case.pk]

        @invariant()
        def exactly_one_lead_once_coordinated(self):
            coordinated = HandoffForm.objects.exclude(status=HandoffForm.Status.SUBMITTED)
            leads = coordinated.annotate(
                leads=Count(
                    "assignments",
                    filter=Q(assignments__role="lead") & ~Q(assignments__status="withdrawn"),
                )
            )
            assert all(h.leads == 1 for h in leads)

        @invariant()
        def no_answer_accepted_twice(self):
            accepted = Answer.objects.filter(verdict=Answer.Verdict.ACCEPTED)
            for field in ("referral", "assignment"):
                counts = accepted.exclude(**{field: None}).values(field).annotate(n=Count("pk"))
                assert all(row["n"] == 1 for row in counts)

        @invariant()
        def no_result_while_work_is_open(self):
            finished = Case.objects.filter(
                pk__in=self.promised,
                status__in=[Case.Status.AWAITING_CONFIRMATION, Case.Status.CLOSED],
            )
            referrals = Referral.objects.filter(case__in=finished, status__in=REFERRAL_ACTIVE)
            assignments = Assignment.objects.filter(
                handoff__case__in=finished, status__in=ASSIGNMENT_OPEN
            )
            forms = HandoffForm.objects.filter(case__in=finished).exclude(
                status=HandoffForm.Status.COMPLETED
            )
            assert not referrals.exists()
            assert not assignments.exists()
            assert not forms.exists()

        @invariant()
        def status_follows_the_open_work(self):
            for case in Case.objects.filter(pk__in=self.promised):
                active = case.referrals.filter(status__in=REFERRAL_ACTIVE).exists()
                open_form = case.handoffs.exclude(status=HandoffForm.Status.COMPLETED).exists()
                assert active == (case.status == Case.Status.REFERRED)
                if open_form:
                    assert case.status == Case.Status.COORDINATING

        @invariant()
        def completed_forms_have_every_assignment_accepted(self):
            for handoff in HandoffForm.objects.filter(status=HandoffForm.Status.COMPLETED):
                active = handoff.assignments.exclude(status=Assignment.Status.WITHDRAWN)
                assert not active.exclude(status=Assignment.Status.ACCEPTED).exists()
                assert not handoff.disputes.filter(status=Dispute.Status.OPEN).exists()

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=10,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
            derandomize=True,  # the same runs on every machine; new seeds only by editing
        ),
    )
    # The runs went deep enough to exercise the tables, not only the first moves.
    models = {model for model, _before, _after in moves}
    assert {"Case", "Referral", "HandoffForm", "Assignment"} <= models
