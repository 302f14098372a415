from __future__ import annotations

import pytest
from django.utils import translation

from cases import calendar
from handoffs import services
from tests.factories import DepartmentFactory, UserFactory
from tests.handoffs.factories import record_meeting, submit_handoff
from tests.handoffs.helpers import fresh


@pytest.fixture(autouse=True)
def _english_messages():
    """Refusal messages are matched in English here; the Chinese catalogue has its own check."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_and_fast_passwords(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Users are made per test; the production hasher would spend most of the run hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def third_department(db):
    return DepartmentFactory.create(code="HQ", name="后勤保障部", location="后勤楼 101")


@pytest.fixture
def third_member(db, third_department):
    return UserFactory.create(username="houqin1", name="孙丽", department=third_department)


@pytest.fixture
def third_head(db, third_department):
    user = UserFactory.create(
        username="houqin",
        name="孙主任",
        department=third_department,
        roles=["staff", "department_head"],
    )
    third_department.head = user
    third_department.save()
    return user


@pytest.fixture
def outsider(db):
    other = DepartmentFactory.create(code="XX", name="信息中心")
    return UserFactory.create(username="xinxi1", name="周强", department=other)


@pytest.fixture
def referred_case(make_case, department):
    return make_case(outcome="referral", department=department)


@pytest.fixture
def referral(referred_case):
    return referred_case.referrals.get()


@pytest.fixture
def handoff_case(make_case):
    return make_case(outcome="handoff", deadline=calendar.deadline_in_working_days(5))


@pytest.fixture
def handoff(handoff_case, front_desk, department, third_department):
    return submit_handoff(handoff_case, front_desk, [department, third_department])


@pytest.fixture
def meeting(handoff, center_head, department, third_department):
    return record_meeting(handoff, center_head, department, [third_department])


@pytest.fixture
def lead(meeting, department):
    return meeting.handoff.assignments.get(department=department)


@pytest.fixture
def assisting(meeting, third_department):
    return meeting.handoff.assignments.get(department=third_department)


@pytest.fixture
def returned(assisting, third_member, front_desk):
    """An assignment whose answer the owner sent back: where disputes are raised."""
    answer = services.assignment_answer(third_member, assignment=assisting, text="后勤已检修")
    services.assignment_review(front_desk, answer=answer, accept=False, comment="未说明完成时间")
    return fresh(assisting)
