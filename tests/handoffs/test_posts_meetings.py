"""Posts (岗位) on the 交办单 and in assignments (§1.3.4, §3.2.2), and the coordination meeting
the owner convenes (§2.1.2(d)): time, place, invitees told and shown on their desk; minutes and
the designation of departments stay with the center head."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Post
from cases import calendar
from cases.errors import NotAllowed, WrongState
from handoffs import services
from handoffs.models import Assignment, CoordinationMeeting
from notifications.models import Notification
from tests.handoffs.factories import plan, record_meeting, submit_handoff
from tests.handoffs.helpers import audit_actions, fresh, kinds

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(department, dept_member):
    """Two posts of 教务处; the first held by one member."""
    exams = Post.objects.create(department=department, name="考务岗")
    exams.holders.set([dept_member])
    timetable = Post.objects.create(department=department, name="排课岗")
    return exams, timetable


def told(kind: str, object_id) -> set[int]:
    rows = Notification.objects.filter(kind=kind, object_id=str(object_id))
    return set(rows.values_list("recipient_id", flat=True))


# --- posts ---


def test_two_posts_of_one_department_make_a_handoff(handoff_case, front_desk, posts, department):
    handoff = submit_handoff(handoff_case, front_desk, [], posts=list(posts))
    assert set(handoff.posts.all()) == set(posts)
    assert list(handoff.departments.all()) == [department]
    assert kinds(handoff_case)[-1] == "handoff_submitted"
    assert audit_actions("handoff", handoff.number) == ["handoff.submit"]


def test_one_post_alone_is_not_enough(handoff_case, front_desk, posts):
    with pytest.raises(WrongState, match="two departments or posts"):
        submit_handoff(handoff_case, front_desk, [], posts=[posts[0]])


def test_a_department_and_its_own_post_count_once(handoff_case, front_desk, posts, department):
    with pytest.raises(WrongState, match="two departments or posts"):
        submit_handoff(handoff_case, front_desk, [department], posts=[posts[0]])


def test_a_post_and_another_department_make_two(handoff_case, front_desk, posts, third_department):
    handoff = submit_handoff(handoff_case, front_desk, [third_department], posts=[posts[0]])
    assert handoff.departments.count() == 2


def test_a_post_no_longer_in_use_is_refused(handoff_case, front_desk, posts):
    Post.objects.filter(pk=posts[1].pk).update(is_active=False)
    with pytest.raises(WrongState, match="no longer in use"):
        submit_handoff(handoff_case, front_desk, [], posts=list(posts))


@pytest.fixture
def post_handoff(handoff_case, front_desk, posts):
    return submit_handoff(handoff_case, front_desk, [], posts=list(posts))


def post_plan(post, role="assisting"):
    return services.AssignmentPlan(
        department=post.department,
        post=post,
        role=role,
        task="核实并答复",
        deadline=calendar.deadline_in_working_days(2),
    )


def meet(handoff, center_head, plans):
    return services.meeting_record(
        center_head,
        handoff=handoff,
        held_at=timezone.now(),
        place="第一会议室",
        attendees=[center_head],
        minutes="各岗位说明情况",
        decision="考务岗牵头",
        plans=plans,
    )


def test_each_post_gets_its_own_assignment(post_handoff, center_head, posts, dept_member):
    exams, timetable = posts
    meet(post_handoff, center_head, [post_plan(exams, "lead"), post_plan(timetable)])
    made = {a.post: a for a in post_handoff.assignments.all()}
    assert set(made) == {exams, timetable}
    assert made[exams].assignee == dept_member  # the post's only holder
    assert made[timetable].assignee is None


def test_a_post_belongs_to_its_own_department(post_handoff, center_head, posts, third_department):
    wrong = services.AssignmentPlan(
        department=third_department,
        post=posts[0],
        role="lead",
        task="x",
        deadline=calendar.deadline_in_working_days(2),
    )
    with pytest.raises(WrongState, match="own department"):
        meet(post_handoff, center_head, [wrong])


def test_the_database_keeps_one_assignment_per_post(post_handoff, center_head, posts):
    meet(post_handoff, center_head, [post_plan(posts[0], "lead")])
    first = post_handoff.assignments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            handoff=post_handoff,
            department=first.department,
            post=first.post,
            role="assisting",
            task="x",
            deadline=first.deadline,
        )


# --- the meeting the owner convenes ---


def schedule(actor, handoff, invitees, at=None, place="第二会议室"):
    return services.meeting_schedule(
        actor,
        handoff=handoff,
        at=at or timezone.now() + dt.timedelta(days=1),
        place=place,
        invitees=invitees,
    )


def test_owner_schedules_and_invitees_are_told(handoff, front_desk, department_head, center_head):
    meeting = schedule(front_desk, handoff, [department_head, center_head])
    assert meeting.status == CoordinationMeeting.Status.SCHEDULED
    assert told("meeting_scheduled", meeting.pk) == {department_head.pk, center_head.pk}
    assert kinds(handoff.case)[-1] == "meeting_scheduled"
    assert audit_actions("handoff", handoff.number)[-1] == "handoff.meeting_schedule"


def test_moving_the_meeting_tells_the_invitees_again(handoff, front_desk, department_head):
    meeting = schedule(front_desk, handoff, [department_head])
    schedule(front_desk, handoff, [department_head], place="三楼会议室")
    rows = Notification.objects.filter(kind="meeting_scheduled", recipient=department_head)
    assert rows.count() == 2
    assert fresh(meeting).schedule_version == 2


def test_invitee_sees_the_meeting_on_the_desk(client, handoff, front_desk, department_head):
    schedule(front_desk, handoff, [department_head], place="第二会议室")
    client.force_login(department_head)
    page = client.get(reverse("cases:desk")).content.decode()
    assert 'id="desk-meetings"' in page and "第二会议室" in page


def test_someone_else_cannot_convene(handoff, dept_member, department_head):
    with pytest.raises(NotAllowed):
        schedule(dept_member, handoff, [department_head])


def test_a_meeting_in_the_past_is_refused(handoff, front_desk, department_head):
    with pytest.raises(WrongState, match="still to come"):
        schedule(front_desk, handoff, [department_head], at=timezone.now() - dt.timedelta(hours=1))


def test_nobody_invited_is_refused(handoff, front_desk):
    with pytest.raises(WrongState, match="Invite"):
        schedule(front_desk, handoff, [])


def test_the_center_head_records_the_scheduled_meeting(
    handoff, front_desk, center_head, department, third_department, department_head
):
    scheduled = schedule(front_desk, handoff, [department_head, center_head])
    held = record_meeting(handoff, center_head, department, [third_department])
    assert held.pk == scheduled.pk and fresh(held).status == CoordinationMeeting.Status.HELD
    assert fresh(held).minutes and fresh(held).recorded_by == center_head
    with pytest.raises(WrongState, match="already recorded"):
        schedule(front_desk, handoff, [department_head])


def test_designation_stays_with_the_center_head(handoff, front_desk, department):
    schedule(front_desk, handoff, [front_desk])
    with pytest.raises(NotAllowed):
        record_meeting(handoff, front_desk, department)


def test_schedule_page_for_the_owner(client, handoff, front_desk, department_head):
    client.force_login(front_desk)
    url = reverse("handoffs:meeting_schedule", args=[handoff.number])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "token": "8a0c1b34-8a8d-4c4d-9a55-3d1f1e0e7b11",
            "at": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "第二会议室",
            "invitees": [department_head.pk],
        },
    )
    assert response.status_code == 302
    assert fresh(handoff).meeting.place == "第二会议室"


def test_schedule_page_refuses_a_department_member(client, handoff, dept_member):
    client.force_login(dept_member)
    url = reverse("handoffs:meeting_schedule", args=[handoff.number])
    assert client.get(url).status_code in (403, 404)


def test_plan_helper_still_names_departments(department):
    assert plan(department).post is None


def test_the_printable_form_names_the_posts(client, post_handoff, front_desk):
    client.force_login(front_desk)
    page = client.get(reverse("handoffs:handoff_print", args=[post_handoff.number]))
    assert 'id="print-posts"' in page.content.decode() and "考务岗" in page.content.decode()
