"""The supervision forms through their views: each happy path saves through the service."""

import pytest
from django.urls import reverse

from supervision.models import (
    Complaint,
    Inspection,
    Measure,
    RewardPenalty,
    TeachingCase,
    TrainingSession,
    WorkMeeting,
)
from tests.supervision.factories import archived_case

pytestmark = pytest.mark.django_db


def test_log_investigate_and_conclude_a_complaint(client, auditor, front_desk, make_case):
    case = make_case()
    client.force_login(auditor)
    response = client.post(
        reverse("supervision:complaint_new"),
        {
            "source": "hotline",
            "received_at": "2026-11-27T09:00",
            "case": case.number,
            "description": "电话投诉超时",
            "complainant_name": "钱先生",
        },
    )
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("supervision:complaint_detail", args=[complaint.pk])
    assert complaint.case == case
    client.post(
        reverse("supervision:complaint_investigate", args=[complaint.pk]),
        {"staff_concerned": front_desk.pk, "case": case.number},
    )
    client.post(
        reverse("supervision:complaint_finding", args=[complaint.pk]),
        {"finding": "unfounded", "finding_text": "核实无误"},
    )
    complaint.refresh_from_db()
    assert (complaint.investigator, complaint.finding) == (auditor, "unfounded")


def test_log_form_with_unknown_case_number_is_a_field_error(client, auditor):
    client.force_login(auditor)
    response = client.post(
        reverse("supervision:complaint_new"),
        {
            "source": "hotline",
            "received_at": "2026-11-27T09:00",
            "case": "SW-0",
            "description": "x",
        },
    )
    assert "case" in response.context["form"].errors
    assert Complaint.objects.count() == 0


def test_inspection_start_score_complete(client, auditor, make_case):
    make_case()
    make_case()
    client.force_login(auditor)
    client.post(
        reverse("supervision:inspection_new"),
        {
            "title": "抽查",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "sample_size": 2,
        },
    )
    inspection = Inspection.objects.get()
    for item in inspection.items.all():
        prefix = f"item{item.pk}"
        client.post(
            reverse("supervision:inspection_score", args=[inspection.pk, item.pk]),
            {f"{prefix}-reception_complete": "on", f"{prefix}-handled_in_time": "on"},
        )
    assert list(inspection.items.values_list("score", flat=True)) == [50, 50]
    client.post(
        reverse("supervision:inspection_complete", args=[inspection.pk]), {"findings": "总体良好"}
    )
    inspection.refresh_from_db()
    assert inspection.status == "completed"
    body = client.get(reverse("supervision:inspection_report", args=[inspection.pk])).content
    assert "总体良好" in body.decode()


def test_meeting_measure_and_follow_up(client, center_head, dept_member):
    client.force_login(center_head)
    client.post(
        reverse("supervision:meeting_new"),
        {
            "held_on": "2026-11-20",
            "place": "会议室",
            "attendees": [dept_member.pk],
            "problems": "超时",
        },
    )
    meeting = WorkMeeting.objects.get()
    client.post(
        reverse("supervision:measure_add", args=[meeting.pk]),
        {"description": "每周通报", "owner": dept_member.pk, "due_on": "2026-12-04"},
    )
    measure = Measure.objects.get()
    client.force_login(dept_member)
    client.post(
        reverse("supervision:measure_follow_up", args=[measure.pk]),
        {f"m{measure.pk}-status": "done", f"m{measure.pk}-follow_up": "已落实"},
    )
    measure.refresh_from_db()
    assert (measure.status, measure.follow_up) == ("done", "已落实")


def test_training_session_attendance_and_record(client, center_head, front_desk):
    client.force_login(center_head)
    client.post(
        reverse("supervision:training_new"),
        {
            "topic": "制度解读",
            "method": "lecture",
            "held_on": "2026-11-05",
            "hours": "2",
            "trainer": "刘",
        },
    )
    session = TrainingSession.objects.get()
    client.post(
        reverse("supervision:training_attendance", args=[session.pk]),
        {"attendees": [front_desk.pk]},
    )
    client.force_login(front_desk)
    body = client.get(reverse("supervision:training_record", args=[front_desk.pk])).content
    assert "制度解读" in body.decode()


def test_mark_teaching_case_by_number(client, center_head, make_case):
    case = archived_case(make_case, center_head, visitor_name="孙小红")
    client.force_login(center_head)
    response = client.post(
        reverse("supervision:teaching_case_new"),
        {"case": case.number, "title": "当场答复范例", "lessons": "耐心倾听"},
    )
    teaching = TeachingCase.objects.get()
    assert response["Location"] == reverse("supervision:teaching_case_detail", args=[teaching.pk])
    body = client.get(response["Location"]).content.decode()
    assert "孙小红" not in body


def test_record_penalty_from_a_complaint(client, center_head, concluded_complaint, front_desk):
    client.force_login(center_head)
    response = client.post(
        reverse("supervision:assessment_new"),
        {
            "staff": front_desk.pk,
            "kind": "fine",
            "decided_on": "2026-11-27",
            "amount": "200",
            "reason": "推诿",
            "violation": "shirking",
            "severity": "serious",
            "complaints": [concluded_complaint.pk],
        },
    )
    assert response["Location"] == reverse("supervision:kpi_staff", args=[front_desk.pk])
    record = RewardPenalty.objects.get()
    assert (record.kind, str(record.amount)) == ("fine", "200.00")


def test_fine_without_amount_is_a_form_error(client, center_head, front_desk):
    client.force_login(center_head)
    response = client.post(
        reverse("supervision:assessment_new"),
        {"staff": front_desk.pk, "kind": "fine", "decided_on": "2026-11-27", "reason": "x"},
    )
    assert response.context["form"].non_field_errors()
    assert RewardPenalty.objects.count() == 0
