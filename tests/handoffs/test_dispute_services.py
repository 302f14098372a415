import uuid

import pytest

from cases import calendar
from cases.errors import NotAllowed, WrongState
from cases.models import Case
from handoffs import services
from handoffs.models import Answer, Assignment, Dispute, HandoffForm, RulingOnAnswer
from tests.factories import DepartmentFactory
from tests.handoffs.factories import plan
from tests.handoffs.helpers import audit_actions, fresh, kinds

pytestmark = pytest.mark.django_db


def test_owner_raises_a_dispute(returned, front_desk):
    dispute = services.dispute_raise(
        front_desk, handoff=returned.handoff, assignment=returned, positions="双方意见不一"
    )

    assert dispute.status == Dispute.Status.OPEN
    assert kinds(returned.handoff.case)[-1] == "dispute_raised"
    assert audit_actions("dispute", dispute.pk) == ["dispute.raise"]


def test_department_head_of_an_assigned_department_raises_a_dispute(returned, third_head):
    dispute = services.dispute_raise(third_head, handoff=returned.handoff, positions="我部已完成")
    assert dispute.raised_by == third_head


def test_member_without_head_role_cannot_raise(returned, third_member):
    with pytest.raises(NotAllowed):
        services.dispute_raise(third_member, handoff=returned.handoff, positions="x")


def test_head_of_an_uninvolved_department_cannot_raise(returned, outsider):
    from tests.factories import UserFactory

    head = UserFactory.create(
        username="xxhead", department=outsider.department, roles=["staff", "department_head"]
    )
    with pytest.raises(NotAllowed):
        services.dispute_raise(head, handoff=returned.handoff, positions="x")


def test_dispute_without_positions_is_refused(returned, front_desk):
    with pytest.raises(WrongState):
        services.dispute_raise(front_desk, handoff=returned.handoff, positions=" ")
    assert Dispute.objects.count() == 0


def test_second_open_dispute_is_refused(returned, front_desk):
    services.dispute_raise(front_desk, handoff=returned.handoff, positions="一")
    with pytest.raises(WrongState):
        services.dispute_raise(front_desk, handoff=returned.handoff, positions="二")
    assert Dispute.objects.count() == 1


def test_replayed_dispute_creates_nothing_new(returned, front_desk):
    token = uuid.uuid4()
    first = services.dispute_raise(
        front_desk, handoff=returned.handoff, positions="一", token=token
    )
    again = services.dispute_raise(
        front_desk, handoff=returned.handoff, positions="一", token=token
    )
    assert again.pk == first.pk


def test_dispute_before_the_meeting_is_refused(handoff, front_desk):
    with pytest.raises(WrongState):
        services.dispute_raise(front_desk, handoff=handoff, positions="x")


def test_ruling_upholds_the_returned_answer(returned, lead, dept_member, front_desk, center_head):
    dispute = services.dispute_raise(
        front_desk, handoff=returned.handoff, assignment=returned, positions="意见不一"
    )
    services.dispute_rule(
        center_head, dispute=dispute, ruling="后勤答复成立", on_answer=RulingOnAnswer.UPHOLD
    )

    dispute = fresh(dispute)
    assert dispute.status == Dispute.Status.RULED
    assert dispute.changes == {"on_answer": "uphold"}
    assert fresh(returned).status == Assignment.Status.ACCEPTED
    upheld = Answer.objects.get(assignment=returned)
    assert (upheld.verdict, upheld.upheld_by_id) == (Answer.Verdict.ACCEPTED, dispute.pk)
    assert kinds(returned.handoff.case)[-1] == "dispute_ruled"
    assert audit_actions("dispute", dispute.pk) == ["dispute.raise", "dispute.rule"]

    answer = services.assignment_answer(dept_member, assignment=lead, text="教务已办")
    services.assignment_review(front_desk, answer=answer, accept=True)
    assert fresh(returned.handoff.case).status == Case.Status.OPEN


def test_ruling_that_settles_the_last_assignment_completes_the_form(
    returned, lead, dept_member, front_desk, center_head
):
    answer = services.assignment_answer(dept_member, assignment=lead, text="教务已办")
    services.assignment_review(front_desk, answer=answer, accept=True)
    dispute = services.dispute_raise(
        front_desk, handoff=returned.handoff, assignment=returned, positions="x"
    )
    services.dispute_rule(center_head, dispute=dispute, ruling="成立", on_answer="uphold")

    assert fresh(returned.handoff).status == HandoffForm.Status.COMPLETED
    assert fresh(returned.handoff.case).status == Case.Status.OPEN


def test_ruling_changes_lead_adds_a_department_and_moves_a_deadline(
    returned, lead, front_desk, center_head
):
    added = DepartmentFactory.create(code="ZS", name="招生办")
    dispute = services.dispute_raise(
        front_desk, handoff=returned.handoff, assignment=returned, positions="x"
    )
    new_deadline = calendar.deadline_in_working_days(3)
    services.dispute_rule(
        center_head,
        dispute=dispute,
        ruling="改由后勤牵头，招生办协办",
        new_lead=returned,
        add=plan(added, task="提供报名记录"),
        deadline=new_deadline,
    )

    roles = dict(returned.handoff.assignments.values_list("department__code", "role"))
    assert roles == {"JW": "assisting", "HQ": "lead", "ZS": "assisting"}
    assert fresh(returned).deadline == new_deadline
    assert added in returned.handoff.case.involved_departments.all()
    assert set(fresh(dispute).changes) == {"lead", "added", "deadline"}


def test_ruling_withdraws_an_assisting_assignment(returned, front_desk, center_head):
    dispute = services.dispute_raise(front_desk, handoff=returned.handoff, positions="x")
    services.dispute_rule(center_head, dispute=dispute, ruling="撤销后勤任务", withdraw=returned)
    assert fresh(returned).status == Assignment.Status.WITHDRAWN


def test_ruling_cannot_withdraw_the_lead(returned, lead, front_desk, center_head):
    dispute = services.dispute_raise(front_desk, handoff=returned.handoff, positions="x")
    with pytest.raises(WrongState):
        services.dispute_rule(center_head, dispute=dispute, ruling="r", withdraw=lead)
    assert fresh(dispute).status == Dispute.Status.OPEN
    assert fresh(lead).status == Assignment.Status.ASSIGNED


def test_ruling_by_the_owner_is_refused(returned, front_desk):
    dispute = services.dispute_raise(front_desk, handoff=returned.handoff, positions="x")
    with pytest.raises(NotAllowed):
        services.dispute_rule(front_desk, dispute=dispute, ruling="r")


def test_ruling_without_text_is_refused(returned, front_desk, center_head):
    dispute = services.dispute_raise(front_desk, handoff=returned.handoff, positions="x")
    with pytest.raises(WrongState):
        services.dispute_rule(center_head, dispute=dispute, ruling=" ")


def test_second_ruling_is_refused(returned, front_desk, center_head):
    dispute = services.dispute_raise(front_desk, handoff=returned.handoff, positions="x")
    services.dispute_rule(center_head, dispute=dispute, ruling="r")
    with pytest.raises(WrongState):
        services.dispute_rule(center_head, dispute=dispute, ruling="again")


def test_open_dispute_holds_the_form_open(returned, lead, dept_member, front_desk, third_member):
    services.dispute_raise(front_desk, handoff=returned.handoff, positions="x")
    answer = services.assignment_answer(dept_member, assignment=lead, text="a")
    services.assignment_review(front_desk, answer=answer, accept=True)
    answer = services.assignment_answer(third_member, assignment=returned, text="b")
    services.assignment_review(front_desk, answer=answer, accept=True)

    assert fresh(returned.handoff).status == HandoffForm.Status.IN_PROGRESS
    assert fresh(returned.handoff.case).status == Case.Status.COORDINATING
