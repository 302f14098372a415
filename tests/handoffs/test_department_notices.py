"""§2.1.3 反馈与跟踪: a department is told when its answer is returned, when a ruling touches
it, and when the case it worked on closes — through the outbox, in every site language."""

from __future__ import annotations

import pytest

from closure import services as closure_services
from handoffs import services
from handoffs.models import RulingOnAnswer
from notifications.models import Notification
from tests.closure.factories import close_case, record_result, signature_data_url
from tests.handoffs.helpers import fresh

pytestmark = pytest.mark.django_db


def told(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_returned_referral_answer_tells_the_department(
    referral, dept_member, department_head, front_desk
):
    services.referral_accept(dept_member, referral=referral)
    answer = services.referral_answer(dept_member, referral=referral, text="已核实课表")
    services.referral_review(front_desk, answer=answer, accept=False, comment="缺少调课时间")
    assert told("answer_returned") == {department_head.pk, dept_member.pk}
    row = Notification.objects.filter(kind="answer_returned").first()
    assert row is not None
    assert "缺少调课时间" in row.texts["zh-hans"]["body"]
    assert "returned" in row.texts["en"]["subject"]


def test_returned_assignment_answer_tells_the_department(third_head, returned, third_member):
    assert told("answer_returned") == {third_head.pk, third_member.pk}


def test_accepted_answer_tells_no_one_of_a_return(referral, dept_member, front_desk):
    services.referral_accept(dept_member, referral=referral)
    answer = services.referral_answer(dept_member, referral=referral, text="已核实课表")
    services.referral_review(front_desk, answer=answer, accept=True)
    assert told("answer_returned") == set()


def test_a_ruling_tells_the_departments_it_touches(
    returned, front_desk, center_head, department_head, third_head
):
    dispute = services.dispute_raise(
        front_desk, handoff=returned.handoff, assignment=returned, positions="意见不一"
    )
    services.dispute_rule(
        center_head, dispute=dispute, ruling="后勤答复成立", on_answer=RulingOnAnswer.UPHOLD
    )
    assert {department_head.pk, third_head.pk, front_desk.pk} <= told("dispute_ruled")


def test_closing_the_case_tells_the_departments_that_worked_on_it(
    referral, dept_member, department_head, front_desk
):
    services.referral_accept(dept_member, referral=referral)
    answer = services.referral_answer(dept_member, referral=referral, text="可以调课")
    services.referral_review(front_desk, answer=answer, accept=True)
    close_case(fresh(referral.case))
    assert told("case_closed_department") == {department_head.pk}
    row = Notification.objects.get(kind="case_closed_department")
    assert referral.case.number in row.texts["en"]["subject"]


def test_closing_a_case_no_department_worked_on_tells_no_department(make_case):
    close_case(make_case())
    assert told("case_closed_department") == set()


def test_a_case_the_visitor_closes_without_staff_tells_the_departments(
    referral, dept_member, department_head, front_desk
):
    """Signed on the visitor's phone or a kiosk, the closing has no actor to leave out."""
    services.referral_accept(dept_member, referral=referral)
    answer = services.referral_answer(dept_member, referral=referral, text="可以调课")
    services.referral_review(front_desk, answer=answer, accept=True)
    round_ = record_result(fresh(referral.case))
    closure_services.result_sign_handed(round_=round_, signature=signature_data_url(), rating=5)
    assert told("case_closed_department") == {department_head.pk}
