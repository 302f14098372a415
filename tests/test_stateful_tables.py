"""Random sequences of closure and supervision actions by random people: every state a result
round, a complaint or a measure reaches is allowed by its transition table (the handoff models
are driven by tests/handoffs/test_stateful.py)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cases.errors import CaseError
from cases.models import Case
from closure import services as closure
from closure.models import OtherMethod, ResultRound
from supervision.models import Complaint, Measure
from supervision.services import complaints, meetings
from tests.closure.factories import signature_data_url
from tests.transition_watch import TransitionWatch

pytestmark = pytest.mark.django_db

RATINGS = st.sampled_from([5, 4, 1, None])
# Mostly the person entitled to act (so that the stories get told), sometimes anybody.
RIGHT_OR_ANY = st.sampled_from(["right", "right", "any"])
TEXTS = st.sampled_from(["已电话确认", "不满意，材料未补齐", "已核实", " "])


def attempt(action) -> None:
    """A refusal is fine; each service is one transaction, so it leaves nothing behind."""
    with contextlib.suppress(CaseError, ValidationError):
        action()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_random_sequences_stay_inside_the_tables(
    make_case, work_calendar, front_desk, colleague, center_head, auditor, dept_member
):
    people = [front_desk, colleague, center_head, auditor, dept_member]
    moves: set[tuple[str, str | None, str]] = set()

    class Machine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.watch = TransitionWatch(Case, ResultRound, Complaint, Measure)
            self.cases = 0
            meeting = meetings.meeting_record(
                center_head,
                held_on=dt.date(2026, 11, 20),
                place="三楼会议室",
                attendees=[center_head],
                problems="部分事项超时未反馈。",
            )
            meetings.measure_add(
                center_head,
                meeting=meeting,
                description="每周通报超时事项",
                owner=dept_member,
                due_on=dt.date(2026, 12, 4),
            )

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def who(self, data, right):
            if data.draw(RIGHT_OR_ANY) == "right":
                return right
            return data.draw(st.sampled_from(people))

        def pick(self, data, queryset):
            return data.draw(st.sampled_from(list(queryset.order_by("pk"))))

        @precondition(lambda self: self.cases < 2)
        @rule()
        def register(self):
            make_case()
            self.cases += 1

        @precondition(lambda self: self.cases > 0)
        @rule(data=st.data())
        def give_result(self, data):
            case = self.pick(data, Case.objects.all())
            actor = self.who(data, case.owner)
            attempt(
                lambda: closure.result_record(
                    actor, case=case, result="已答复", how_given="in_person", version=case.version
                )
            )

        @precondition(lambda self: ResultRound.objects.exists())
        @rule(data=st.data(), rating=RATINGS, text=TEXTS)
        def confirm(self, data, rating, text):
            round_ = self.pick(data, ResultRound.objects.select_related("case"))
            how = data.draw(st.sampled_from(["sign", "sign", "other", "approve", "reject"]))
            right = center_head if how in ("approve", "reject") else round_.case.owner
            actor = self.who(data, right)
            if how == "sign":

                def act():
                    token = closure.signing_start(actor, round_=round_)
                    round_.refresh_from_db()
                    closure.result_sign(
                        actor,
                        round_=round_,
                        token=token,
                        signature=signature_data_url(),
                        rating=rating or 5,
                        not_solved=rating == 1,
                        reasons=text,
                    )

                attempt(act)
            elif how == "other":
                method = data.draw(st.sampled_from(OtherMethod.values))
                attempt(
                    lambda: closure.confirmation_other_record(
                        actor,
                        round_=round_,
                        method=method,
                        detail=text,
                        rating=rating,
                        not_solved=rating == 1,
                        reasons=text,
                    )
                )
            else:
                decide = (
                    closure.confirmation_other_approve
                    if how == "approve"
                    else closure.confirmation_other_reject
                )
                attempt(lambda: decide(actor, round_=round_, reason=text))

        @precondition(lambda self: Complaint.objects.count() < 3)
        @rule()
        def complain(self):
            complaints.complaint_submit_public(description="前台推诿，不肯登记。")

        @precondition(lambda self: Complaint.objects.exists())
        @rule(data=st.data(), actor=st.sampled_from(people), text=TEXTS)
        def handle_complaint(self, data, actor, text):
            complaint = self.pick(data, Complaint.objects.all())
            if data.draw(st.booleans()):
                attempt(lambda: complaints.complaint_investigate(actor, complaint=complaint))
            else:
                finding = data.draw(st.sampled_from(Complaint.Finding.values))
                attempt(
                    lambda: complaints.complaint_record_finding(
                        actor,
                        complaint=complaint,
                        finding=finding,
                        finding_text=text,
                        violation="shirking",
                        severity="serious",
                    )
                )

        @rule(data=st.data(), actor=st.sampled_from(people), text=TEXTS)
        def follow_up(self, data, actor, text):
            measure = self.pick(data, Measure.objects.all())
            status = data.draw(st.sampled_from(Measure.Status.values))
            attempt(
                lambda: meetings.measure_follow_up(
                    actor, measure=measure, status=status, follow_up=text
                )
            )

        @invariant()
        def every_state_is_allowed_by_its_table(self):
            self.watch.check()
            moves.update(self.watch.moves)

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=8,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
            derandomize=True,
        ),
    )
    reached = {(model, after) for model, _before, after in moves}
    assert ("ResultRound", ResultRound.State.CLOSED) in reached
    assert ("Complaint", Complaint.Status.CONCLUDED) in reached
    assert {model for model, _state in reached} >= {"Case", "ResultRound", "Complaint", "Measure"}
