import datetime as dt
import uuid

import pytest
import time_machine
from django.utils import timezone

from cases import calendar
from cases.errors import NotAllowed, WrongState
from cases.models import Case
from cases.services import case_extend_deadline
from handoffs.models import Assignment, CoordinationMeeting, HandoffForm
from tests.factories import aware
from tests.handoffs.factories import plan, record_meeting, submit_handoff
from tests.handoffs.helpers import audit_actions, fresh, kinds

pytestmark = pytest.mark.django_db


def test_submit_numbers_the_form_and_keeps_owner_and_deadline(
    handoff_case, front_desk, department, third_department
):
    deadline = handoff_case.deadline
    with time_machine.travel(timezone.now(), tick=False):
        handoff = submit_handoff(handoff_case, front_desk, [department, third_department])

    case = fresh(handoff_case)
    year = calendar.local_date().year
    assert handoff.number == f"JB-{year}-0001"
    assert handoff.status == HandoffForm.Status.SUBMITTED
    assert handoff.submitted_at is not None
    assert set(handoff.departments.all()) == {department, third_department}
    assert case.status == Case.Status.COORDINATING
    assert (case.owner, case.deadline) == (front_desk, deadline)
    assert kinds(case)[-1] == "handoff_submitted"
    assert audit_actions("handoff", handoff.number) == ["handoff.submit"]


def test_numbers_count_up_and_restart_each_year(
    make_case, front_desk, department, third_department
):
    with time_machine.travel(aware(2026, 12, 30, 9), tick=False):
        first = submit_handoff(make_case(), front_desk, [department, third_department])
        second = submit_handoff(make_case(), front_desk, [department, third_department])
    with time_machine.travel(aware(2027, 1, 4, 9), tick=False):
        third = submit_handoff(make_case(), front_desk, [department, third_department])

    assert [first.number, second.number, third.number] == [
        "JB-2026-0001",
        "JB-2026-0002",
        "JB-2027-0001",
    ]


def test_submit_from_an_open_case_moves_it_to_coordinating(
    make_case, front_desk, department, third_department
):
    case = make_case()
    submit_handoff(case, front_desk, [department, third_department])
    assert fresh(case).status == Case.Status.COORDINATING


def test_submit_with_one_department_is_refused(handoff_case, front_desk, department):
    with pytest.raises(WrongState, match="two"):
        submit_handoff(handoff_case, front_desk, [department, department])
    assert HandoffForm.objects.count() == 0


def test_submit_without_summary_is_refused(handoff_case, front_desk, department, third_department):
    with pytest.raises(WrongState):
        submit_handoff(handoff_case, front_desk, [department, third_department], summary=" ")


def test_submit_by_a_colleague_is_refused(handoff_case, colleague, department, third_department):
    with pytest.raises(NotAllowed):
        submit_handoff(handoff_case, colleague, [department, third_department])


def test_second_open_form_is_refused(handoff, front_desk, department, third_department):
    with pytest.raises(WrongState):
        submit_handoff(handoff.case, front_desk, [department, third_department])
    assert HandoffForm.objects.count() == 1


def test_submit_while_a_referral_is_open_is_refused(
    referred_case, front_desk, department, third_department
):
    with pytest.raises(WrongState):
        submit_handoff(referred_case, front_desk, [department, third_department])


def test_replayed_submit_creates_nothing_new(
    handoff_case, front_desk, department, third_department
):
    token = uuid.uuid4()
    first = submit_handoff(handoff_case, front_desk, [department, third_department], token=token)
    again = submit_handoff(handoff_case, front_desk, [department, third_department], token=token)

    assert again.pk == first.pk
    assert HandoffForm.objects.count() == 1
    assert audit_actions("handoff", first.number) == ["handoff.submit"]


def test_meeting_designates_lead_and_assisting(
    handoff, center_head, department, third_department, dept_member
):
    meeting = record_meeting(
        handoff, center_head, department, [third_department], attendees=[center_head, dept_member]
    )

    handoff = fresh(handoff)
    roles = dict(handoff.assignments.values_list("department__code", "role"))
    assert roles == {"JW": "lead", "HQ": "assisting"}
    assert handoff.status == HandoffForm.Status.IN_PROGRESS
    assert set(meeting.attendees.all()) == {center_head, dept_member}
    assert set(handoff.case.involved_departments.all()) >= {department, third_department}
    event = handoff.case.events.get(kind="meeting_recorded")
    assert event.data["lead"] == department.name
    assert audit_actions("handoff", handoff.number) == ["handoff.submit", "handoff.meeting"]


def test_meeting_by_anyone_but_the_center_head_is_refused(
    handoff, department_head, department, third_department
):
    with pytest.raises(NotAllowed):
        record_meeting(handoff, department_head, department, [third_department])
    assert CoordinationMeeting.objects.count() == 0


def test_meeting_without_lead_is_refused(handoff, center_head, department, third_department):
    with pytest.raises(WrongState, match="lead"):
        record_meeting(
            handoff, center_head, department, plans=[plan(department), plan(third_department)]
        )
    assert Assignment.objects.count() == 0
    assert fresh(handoff).status == HandoffForm.Status.SUBMITTED


def test_meeting_with_two_leads_is_refused(handoff, center_head, department, third_department):
    with pytest.raises(WrongState, match="one lead"):
        record_meeting(
            handoff,
            center_head,
            department,
            plans=[plan(department, role="lead"), plan(third_department, role="lead")],
        )
    assert Assignment.objects.count() == 0


def test_meeting_with_a_deadline_in_the_past_is_refused(handoff, center_head, department):
    past = timezone.now() - dt.timedelta(hours=1)
    with pytest.raises(WrongState, match="future"):
        record_meeting(
            handoff, center_head, department, plans=[plan(department, "lead", deadline=past)]
        )


def test_assignment_deadline_after_the_case_deadline_is_refused(handoff, center_head, department):
    later = fresh(handoff.case).deadline + dt.timedelta(days=1)
    with pytest.raises(WrongState, match="extend"):
        record_meeting(
            handoff, center_head, department, plans=[plan(department, "lead", deadline=later)]
        )
    assert Assignment.objects.count() == 0


def test_assignment_deadline_is_allowed_once_the_owner_extends_the_case(
    handoff, center_head, front_desk, department
):
    case = fresh(handoff.case)
    later = calendar.deadline_in_working_days(8)
    case_extend_deadline(
        front_desk,
        case=case,
        new_deadline=later,
        reason="需协调",
        visitor_informed="电话告知",
        version=case.version,
    )

    record_meeting(
        handoff, center_head, department, plans=[plan(department, "lead", deadline=later)]
    )

    assert Assignment.objects.get().deadline == later


def test_meeting_in_the_future_is_refused(handoff, center_head, department):
    with pytest.raises(WrongState):
        record_meeting(
            handoff, center_head, department, held_at=timezone.now() + dt.timedelta(days=1)
        )


def test_meeting_without_minutes_is_refused(handoff, center_head, department):
    with pytest.raises(WrongState):
        record_meeting(handoff, center_head, department, minutes="")
    assert CoordinationMeeting.objects.count() == 0


def test_second_meeting_is_refused(meeting, center_head, department):
    with pytest.raises(WrongState):
        record_meeting(meeting.handoff, center_head, department)
    assert CoordinationMeeting.objects.count() == 1


def test_replayed_meeting_creates_nothing_new(handoff, center_head, department):
    token = uuid.uuid4()
    first = record_meeting(handoff, center_head, department, token=token)
    again = record_meeting(fresh(handoff), center_head, department, token=token)

    assert again.pk == first.pk
    assert Assignment.objects.count() == 1
