import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from audit.models import AuditEvent
from supervision.errors import BadInput, NotAllowed
from supervision.models import Measure
from supervision.services import assessments, meetings, training
from tests.supervision.factories import archived_case

pytestmark = pytest.mark.django_db


def last_action(object_type: str) -> str:
    return AuditEvent.objects.filter(object_type=object_type).latest("id").action


# --- work meetings ---


def test_meeting_with_measure_is_recorded_and_audited(meeting, dept_member):
    assert meeting.attendees.count() == 2
    measure = meeting.measures.get()
    assert (measure.owner, measure.status) == (dept_member, Measure.Status.OPEN)
    assert last_action("work_meeting") == "meeting.measure_add"


def test_staff_cannot_record_a_meeting(front_desk):
    with pytest.raises(NotAllowed):
        meetings.meeting_record(
            front_desk, held_on=dt.date(2026, 11, 1), place="", attendees=[front_desk], problems="x"
        )


def test_meeting_needs_attendees(center_head):
    with pytest.raises(BadInput):
        meetings.meeting_record(
            center_head, held_on=dt.date(2026, 11, 1), place="", attendees=[], problems="x"
        )


def test_measure_due_before_the_meeting_is_refused(meeting, center_head, dept_member):
    with pytest.raises(BadInput):
        meetings.measure_add(
            center_head,
            meeting=meeting,
            description="x",
            owner=dept_member,
            due_on=dt.date(2026, 11, 1),
        )


def test_owner_follows_up_their_measure(meeting, dept_member):
    measure = meetings.measure_follow_up(
        dept_member, measure=meeting.measures.get(), status="done", follow_up="已每周通报"
    )
    assert measure.status == "done"
    assert last_action("work_meeting") == "meeting.measure_follow_up"


def test_others_cannot_follow_up_a_measure(meeting, front_desk):
    with pytest.raises(NotAllowed):
        meetings.measure_follow_up(
            front_desk, measure=meeting.measures.get(), status="done", follow_up="x"
        )


def test_done_measure_needs_a_follow_up_text(meeting, dept_member):
    with pytest.raises(BadInput):
        meetings.measure_follow_up(
            dept_member, measure=meeting.measures.get(), status="done", follow_up=""
        )


# --- training ---


def test_session_and_attendance_are_audited(session, front_desk):
    assert list(session.attendees.all()) == [front_desk]
    assert last_action("training_session") == "training.attendance"


def test_staff_cannot_record_training(front_desk):
    with pytest.raises(NotAllowed):
        training.training_record(
            front_desk,
            topic="x",
            method="drill",
            held_on=dt.date(2026, 11, 1),
            hours=Decimal("1"),
            trainer="x",
        )


def test_staff_cannot_change_attendance(session, front_desk):
    with pytest.raises(NotAllowed):
        training.training_set_attendance(front_desk, session=session, attendees=[])


def test_training_needs_positive_hours(center_head):
    with pytest.raises(BadInput):
        training.training_record(
            center_head,
            topic="x",
            method="drill",
            held_on=dt.date(2026, 11, 1),
            hours=Decimal("0"),
            trainer="x",
        )


def test_teaching_case_masks_personal_data(make_case, center_head):
    case = archived_case(
        make_case,
        center_head,
        visitor_name="张小明",
        phone="13812345678",
        question="张小明说退费未到账，请回电 13812345678 或 010-62751234。",
    )
    teaching = training.teaching_case_mark(center_head, case=case, title="退费案例")
    assert "张小明" not in teaching.summary and "13812345678" not in teaching.summary
    assert "62751234" not in teaching.summary
    assert "张**" in teaching.summary and "138****5678" in teaching.summary
    assert last_action("case") == "training.teaching_case"


def test_only_archived_cases_become_teaching_cases(make_case, center_head):
    with translation.override("en"), pytest.raises(BadInput, match="archived"):
        training.teaching_case_mark(center_head, case=make_case(), title="x")


def test_a_case_is_marked_once(teaching_case, center_head):
    with pytest.raises(BadInput):
        training.teaching_case_mark(center_head, case=teaching_case.case, title="again")


def test_staff_cannot_mark_teaching_cases(make_case, center_head, front_desk):
    case = archived_case(make_case, center_head)
    with pytest.raises(NotAllowed):
        training.teaching_case_mark(front_desk, case=case, title="x")


# --- rewards and penalties ---


def test_penalty_rests_on_a_verified_complaint(
    concluded_complaint, center_head, front_desk, make_case
):
    case = make_case()
    record = assessments.reward_penalty_record(
        center_head,
        staff=front_desk,
        kind="warning",
        decided_on=dt.date(2026, 11, 27),
        reason="推诿来访人",
        violation="shirking",
        severity="serious",
        complaints=[concluded_complaint],
        cases=[case],
        kpi_start=dt.date(2026, 11, 1),
        kpi_end=dt.date(2026, 11, 30),
    )
    assert list(record.complaints.all()) == [concluded_complaint]
    assert list(record.cases.all()) == [case]
    assert not record.is_reward
    event = AuditEvent.objects.filter(object_type="reward_penalty").get()
    assert event.after is not None
    assert event.action == "assessment.record" and event.after["complaints"] == [
        concluded_complaint.pk
    ]


def test_bonus_needs_an_amount(center_head, front_desk):
    with pytest.raises(BadInput):
        assessments.reward_penalty_record(
            center_head,
            staff=front_desk,
            kind="bonus",
            decided_on=dt.date(2026, 11, 27),
            reason="x",
        )


def test_only_the_center_head_records_rewards(auditor, front_desk):
    with pytest.raises(NotAllowed):
        assessments.reward_penalty_record(
            auditor,
            staff=front_desk,
            kind="certificate",
            decided_on=dt.date(2026, 11, 27),
            reason="x",
        )


def test_complaint_about_someone_else_is_no_evidence(concluded_complaint, center_head, colleague):
    with pytest.raises(BadInput):
        assessments.reward_penalty_record(
            center_head,
            staff=colleague,
            kind="criticism",
            decided_on=dt.date(2026, 11, 27),
            reason="x",
            violation="shirking",
            severity="minor",
            complaints=[concluded_complaint],
        )


def test_kpi_period_end_before_start_is_refused(center_head, front_desk):
    with translation.override("en"), pytest.raises(BadInput, match="before its start"):
        assessments.reward_penalty_record(
            center_head,
            staff=front_desk,
            kind="certificate",
            decided_on=dt.date(2026, 11, 27),
            reason="x",
            kpi_start=dt.date(2026, 11, 30),
            kpi_end=dt.date(2026, 11, 1),
        )
