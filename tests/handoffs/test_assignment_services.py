import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from cases import calendar
from cases.errors import NotAllowed, WrongState
from cases.models import Case
from handoffs import services
from handoffs.models import Answer, Assignment, HandoffForm
from tests.handoffs.factories import PNG_BYTES, upload
from tests.handoffs.helpers import audit_actions, fresh, kinds

pytestmark = pytest.mark.django_db


def test_lead_member_answers(lead, dept_member):
    answer = services.assignment_answer(
        dept_member, assignment=lead, text="已核实", upload=upload("表.png", PNG_BYTES)
    )

    assert fresh(lead).status == Assignment.Status.ANSWERED
    assert answer.attachment_type == "image/png"
    case = lead.handoff.case
    assert kinds(case)[-1] == "assignment_answered"
    assert audit_actions("assignment", lead.pk) == ["assignment.answer"]


def test_answer_by_another_department_is_refused(lead, third_member):
    with pytest.raises(NotAllowed):
        services.assignment_answer(third_member, assignment=lead, text="x")
    assert Answer.objects.count() == 0


def test_answer_by_the_owner_is_refused(lead, front_desk):
    with pytest.raises(NotAllowed):
        services.assignment_answer(front_desk, assignment=lead, text="x")


def test_second_answer_while_waiting_for_review_is_refused(lead, dept_member):
    services.assignment_answer(dept_member, assignment=lead, text="一")
    with pytest.raises(WrongState):
        services.assignment_answer(dept_member, assignment=lead, text="二")
    assert Answer.objects.count() == 1


def answer_and_accept(assignment, member, owner):
    answer = services.assignment_answer(member, assignment=assignment, text="已办理")
    services.assignment_review(owner, answer=answer, accept=True)
    return answer


def test_answer_to_an_accepted_assignment_is_refused(lead, dept_member, front_desk):
    answer_and_accept(lead, dept_member, front_desk)
    with pytest.raises(WrongState, match="accepted"):
        services.assignment_answer(dept_member, assignment=lead, text="补充")
    assert Answer.objects.count() == 1


def test_owner_accepts_one_answer_case_still_coordinating(lead, assisting, dept_member, front_desk):
    answer_and_accept(lead, dept_member, front_desk)

    assert fresh(lead).status == Assignment.Status.ACCEPTED
    assert fresh(lead).accepted_at is not None
    case = fresh(lead.handoff.case)
    assert case.status == Case.Status.COORDINATING
    assert kinds(case)[-1] == "assignment_accepted"
    assert audit_actions("assignment", lead.pk)[-1] == "assignment.accept"


def test_all_accepted_completes_the_form_and_opens_the_case(
    lead, assisting, dept_member, third_member, front_desk
):
    answer_and_accept(lead, dept_member, front_desk)
    answer_and_accept(assisting, third_member, front_desk)

    handoff = fresh(lead.handoff)
    case = fresh(handoff.case)
    assert handoff.status == HandoffForm.Status.COMPLETED
    assert case.status == Case.Status.OPEN
    assert case.owner == front_desk
    assert kinds(case)[-2:] == ["handoff_completed", "status_changed"]
    assert audit_actions("handoff", handoff.number)[-1] == "handoff.complete"


def test_owner_returns_an_answer_and_the_department_answers_again(lead, dept_member, front_desk):
    first = services.assignment_answer(dept_member, assignment=lead, text="初步答复")
    services.assignment_review(front_desk, answer=first, accept=False, comment="缺少时间安排")

    assert fresh(lead).status == Assignment.Status.RETURNED
    assert fresh(first).verdict == Answer.Verdict.RETURNED
    assert kinds(lead.handoff.case)[-1] == "assignment_returned"
    assert audit_actions("assignment", lead.pk)[-1] == "assignment.return"
    second = services.assignment_answer(dept_member, assignment=fresh(lead), text="周四前完成")
    assert fresh(lead).status == Assignment.Status.ANSWERED
    assert second.verdict == Answer.Verdict.PENDING


def test_return_without_comment_is_refused(lead, dept_member, front_desk):
    answer = services.assignment_answer(dept_member, assignment=lead, text="x")
    with pytest.raises(WrongState):
        services.assignment_review(front_desk, answer=answer, accept=False, comment=" ")
    assert fresh(lead).status == Assignment.Status.ANSWERED


def test_review_by_the_department_is_refused(lead, dept_member, department_head):
    answer = services.assignment_answer(dept_member, assignment=lead, text="x")
    with pytest.raises(NotAllowed):
        services.assignment_review(department_head, answer=answer, accept=True)


def test_accepting_an_answer_twice_is_refused(lead, dept_member, front_desk):
    answer = answer_and_accept(lead, dept_member, front_desk)
    count = AuditEvent.objects.count()
    with pytest.raises(WrongState):
        services.assignment_review(front_desk, answer=answer, accept=True)
    assert AuditEvent.objects.count() == count
    assert Answer.objects.filter(verdict="accepted").count() == 1


def test_center_head_reviews_for_the_owner_logged_as_such(lead, dept_member, center_head):
    answer = services.assignment_answer(dept_member, assignment=lead, text="x")
    services.assignment_review(center_head, answer=answer, accept=True)

    assert fresh(answer).on_behalf_of_owner is True
    assert lead.handoff.case.events.get(kind="assignment_accepted").data["on_behalf"] is True


def test_head_gives_the_assignment_to_a_member(lead, department_head, dept_member):
    services.assignment_give_to_member(department_head, assignment=lead, member=dept_member)

    assert fresh(lead).assignee == dept_member
    assert audit_actions("assignment", lead.pk)[-1] == "assignment.give_to_member"
    assert kinds(lead.handoff.case)[-1] == "assignment_given_to_member"


def test_member_cannot_give_the_assignment_away(lead, dept_member):
    with pytest.raises(NotAllowed):
        services.assignment_give_to_member(dept_member, assignment=lead, member=dept_member)


def test_center_head_moves_a_deadline_and_resets_the_overdue_flag(lead, center_head):
    Assignment.objects.filter(pk=lead.pk).update(overdue_flagged_at=timezone.now())
    new = calendar.deadline_in_working_days(3)

    services.assignment_change_deadline(
        center_head, assignment=lead, deadline=new, reason="材料未到"
    )

    lead = fresh(lead)
    assert lead.deadline == new
    assert lead.deadline_version == 2
    assert lead.overdue_flagged_at is None
    assert kinds(lead.handoff.case)[-1] == "assignment_deadline_changed"
    assert audit_actions("assignment", lead.pk)[-1] == "assignment.change_deadline"


def test_deadline_past_the_case_deadline_is_refused(lead, center_head):
    later = fresh(lead.handoff.case).deadline + dt.timedelta(hours=1)
    with pytest.raises(WrongState):
        services.assignment_change_deadline(
            center_head, assignment=lead, deadline=later, reason="r"
        )
    assert fresh(lead).deadline_version == 1


def test_deadline_change_by_the_owner_is_refused(lead, front_desk):
    with pytest.raises(NotAllowed):
        services.assignment_change_deadline(
            front_desk, assignment=lead, deadline=calendar.deadline_in_working_days(1), reason="r"
        )
