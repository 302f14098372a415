import datetime as dt

import pytest
from django.utils import timezone

from supervision.services import complaints, meetings
from tests.supervision.factories import archived_case, session_with, start_inspection


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role fixtures hash a password each; PBKDF2 makes that the slowest part of a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def public_complaint(db, colleague):
    return complaints.complaint_submit_public(
        description="前台推诿，不肯登记。",
        staff_named=colleague.display_name,
        complainant_name="赵家长",
        complainant_contact="13911112222",
    )


@pytest.fixture
def concluded_complaint(public_complaint, center_head, front_desk):
    """A verified complaint about the front desk."""
    complaint = complaints.complaint_investigate(
        center_head, complaint=public_complaint, staff_concerned=front_desk
    )
    return complaints.complaint_record_finding(
        center_head,
        complaint=complaint,
        finding="verified",
        finding_text="查实推诿",
        violation="shirking",
        severity="serious",
    )


@pytest.fixture
def inspection(make_case, auditor):
    for _ in range(3):
        make_case()
    today = timezone.localdate()
    return start_inspection(auditor, start=today - dt.timedelta(days=1), end=today, size=2)


@pytest.fixture
def meeting(center_head, department_head, dept_member):
    meeting = meetings.meeting_record(
        center_head,
        held_on=dt.date(2026, 11, 20),
        place="三楼会议室",
        attendees=[center_head, department_head],
        problems="部分事项超时未反馈。",
    )
    meetings.measure_add(
        center_head,
        meeting=meeting,
        description="每周通报超时事项",
        owner=dept_member,
        due_on=dt.date(2026, 12, 4),
    )
    return meeting


@pytest.fixture
def session(center_head, front_desk):
    return session_with(
        center_head, held_on=dt.date(2026, 11, 5), hours="2", attendees=[front_desk]
    )


@pytest.fixture
def teaching_case(make_case, center_head):
    from supervision.services import training

    case = archived_case(make_case, center_head)
    return training.teaching_case_mark(center_head, case=case, title="推诿案例")
