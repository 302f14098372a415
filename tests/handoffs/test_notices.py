"""Who is told of each referral and handoff event (handoffs/notices.py)."""

import pytest

from cases.errors import WrongState
from handoffs import services
from handoffs.models import Assignment, RulingOnAnswer
from notifications.models import Notification
from tests.factories import UserFactory
from tests.handoffs.factories import plan, record_meeting, submit_handoff
from tests.handoffs.helpers import fresh

pytestmark = pytest.mark.django_db


def told(kind: str, object_id=None) -> set[int]:
    rows = Notification.objects.filter(kind=kind)
    if object_id is not None:
        rows = rows.filter(object_id=str(object_id))
    return set(rows.values_list("recipient_id", flat=True))


def notice(kind: str, object_id: object) -> Notification:
    """The first of the notices of ``kind`` about ``object_id`` (one per recipient)."""
    row = Notification.objects.filter(kind=kind, object_id=str(object_id)).first()
    assert row is not None, f"no {kind} notice for {object_id}"
    return row


@pytest.fixture
def open_case(make_case):
    return make_case()


def test_referral_from_the_case_page_tells_the_department_head(
    open_case, front_desk, department, department_head, dept_member
):
    referral = services.referral_create(
        front_desk, case=open_case, department=department, note="请核实课表"
    )

    assert told("referral_created", referral.pk) == {department_head.pk}
    row = notice("referral_created", referral.pk)
    assert row.object_type == "referral"
    assert open_case.number in row.texts["en"]["subject"]
    assert "请核实课表" in row.texts["en"]["body"]
    assert "转介" in row.texts["zh-hans"]["subject"]


def test_referral_to_a_department_without_head_tells_its_members(
    open_case, front_desk, department, dept_member
):
    other = UserFactory.create(username="jiaowu2", department=department, roles=["staff"])
    UserFactory.create(username="jiaowu3", department=department, roles=["staff"], is_active=False)

    referral = services.referral_create(front_desk, case=open_case, department=department, note="")

    assert told("referral_created", referral.pk) == {dept_member.pk, other.pk}


def test_intake_referral_is_told_once_by_the_cases_app(
    make_case, department, department_head, dept_member
):
    case = make_case(outcome="referral", department=department)

    assert told("case_referred") == {department_head.pk}
    assert not Notification.objects.filter(kind="referral_created").exists()
    assert case.referrals.count() == 1


def test_refused_referral_tells_nobody(referral, front_desk, department, department_head):
    with pytest.raises(WrongState):
        services.referral_create(front_desk, case=referral.case, department=department, note="")
    assert not Notification.objects.filter(kind="referral_created").exists()


def test_returned_referral_tells_the_owner(referral, dept_member, front_desk):
    services.referral_return(dept_member, referral=referral, reason="不归我处")

    assert told("referral_returned", referral.pk) == {front_desk.pk}
    assert "不归我处" in notice("referral_returned", referral.pk).texts["zh-hans"]["body"]


def test_each_answer_to_a_referral_tells_the_owner(referral, dept_member, front_desk):
    services.referral_accept(dept_member, referral=referral)
    first = services.referral_answer(dept_member, referral=referral, text="可以调课")
    services.referral_review(front_desk, answer=first, accept=False, comment="请写明时间")
    second = services.referral_answer(dept_member, referral=referral, text="周四下午可调")

    assert told("referral_answered", first.pk) == {front_desk.pk}
    assert told("referral_answered", second.pk) == {front_desk.pk}
    assert Notification.objects.filter(kind="referral_answered").count() == 2
    assert notice("referral_answered", first.pk).object_type == "answer"


def test_submitted_handoff_tells_every_center_head(
    handoff_case, front_desk, center_head, department, third_department
):
    second_head = UserFactory.create(
        username="fuzhuren", department=None, roles=["staff", "center_head"]
    )

    handoff = submit_handoff(handoff_case, front_desk, [department, third_department])

    assert told("handoff_submitted", handoff.number) == {center_head.pk, second_head.pk}
    assert handoff.number in notice("handoff_submitted", handoff.number).texts["en"]["subject"]


def test_recorded_meeting_tells_each_assigned_department_head(
    handoff, center_head, department, department_head, third_department, third_head
):
    meeting = record_meeting(handoff, center_head, department, [third_department])

    lead = meeting.handoff.assignments.get(department=department)
    assisting = meeting.handoff.assignments.get(department=third_department)
    assert told("meeting_recorded", lead.pk) == {department_head.pk}
    assert told("meeting_recorded", assisting.pk) == {third_head.pk}
    body = notice("meeting_recorded", lead.pk).texts["en"]["body"]
    assert "Lead department" in body and lead.task in body
    assert "牵头部门" in notice("meeting_recorded", lead.pk).texts["zh-hans"]["body"]


def test_each_assignment_answer_tells_the_owner(assisting, third_member, front_desk):
    first = services.assignment_answer(third_member, assignment=assisting, text="已检修")
    services.assignment_review(front_desk, answer=first, accept=False, comment="未说明时间")
    second = services.assignment_answer(third_member, assignment=assisting, text="周五完成")

    assert told("assignment_answered", first.pk) == {front_desk.pk}
    assert told("assignment_answered", second.pk) == {front_desk.pk}


def test_raised_dispute_tells_the_center_heads(assisting, third_head, center_head, front_desk):
    dispute = services.dispute_raise(
        third_head, handoff=assisting.handoff, assignment=assisting, positions="我部已完成"
    )

    assert told("dispute_raised", dispute.pk) == {center_head.pk}
    assert "我部已完成" in notice("dispute_raised", dispute.pk).texts["en"]["body"]


def test_ruled_dispute_tells_the_owner_and_the_heads_concerned(
    lead, assisting, third_member, front_desk, center_head, department_head, third_head
):
    answer = services.assignment_answer(third_member, assignment=assisting, text="已检修")
    services.assignment_review(front_desk, answer=answer, accept=False, comment="未说明时间")
    dispute = services.dispute_raise(
        front_desk, handoff=assisting.handoff, assignment=assisting, positions="意见不一"
    )

    services.dispute_rule(
        center_head, dispute=dispute, ruling="维持后勤答复", on_answer=RulingOnAnswer.UPHOLD
    )

    assert told("dispute_ruled", dispute.pk) == {front_desk.pk, department_head.pk, third_head.pk}
    texts = notice("dispute_ruled", dispute.pk).texts
    assert "维持后勤答复" in texts["zh-hans"]["body"]
    assert texts["zh-hans"]["subject"] == f"交办单 {dispute.handoff.number} 的争议已裁决"


def test_a_department_withdrawn_or_added_by_a_ruling_is_told(
    lead, assisting, front_desk, center_head, department_head, third_head, other_department
):
    other_head = UserFactory.create(
        username="caiwu", department=other_department, roles=["staff", "department_head"]
    )
    other_department.head = other_head
    other_department.save()
    dispute = services.dispute_raise(front_desk, handoff=lead.handoff, positions="分工不清")

    services.dispute_rule(
        center_head,
        dispute=dispute,
        ruling="后勤退出，财务协办",
        withdraw=assisting,
        add=plan(other_department, role=Assignment.Role.ASSISTING),
    )

    assert fresh(assisting).status == Assignment.Status.WITHDRAWN
    assert told("dispute_ruled", dispute.pk) == {
        front_desk.pk,
        department_head.pk,
        third_head.pk,
        other_head.pk,
    }


def test_nobody_is_told_of_their_own_step(lead, front_desk, center_head):
    dispute = services.dispute_raise(center_head, handoff=lead.handoff, positions="中心主任提出")

    assert told("dispute_raised", dispute.pk) == set()
