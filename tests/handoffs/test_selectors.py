import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models import Max
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cases import extensions
from cases.models import Case
from cases.selectors import case_shows_personal_data, visible_cases
from handoffs import selectors, services
from handoffs.models import Assignment
from tests.handoffs.factories import record_meeting, submit_handoff

pytestmark = pytest.mark.django_db


def after_every_deadline() -> dt.datetime:
    """An hour past the latest deadline: every case is overdue by then."""
    deadline = Case.objects.aggregate(last=Max("deadline"))["last"]
    assert deadline is not None
    return deadline + dt.timedelta(hours=1)


def test_blocker_names_the_open_referral(referral, department):
    reason = selectors.open_work_blocking_result(referral.case)
    assert reason and department.name in reason


def test_blocker_is_registered_in_the_cases_hook(referral):
    blockers = extensions.registered(extensions.ResultBlocker)
    assert selectors.open_work_blocking_result in [b.ask for b in blockers]
    assert extensions.result_blocker(referral.case) is not None


def test_blocker_names_a_form_waiting_for_the_meeting(handoff):
    reason = selectors.open_work_blocking_result(handoff.case)
    assert reason and handoff.number in reason


def test_blocker_names_an_open_assignment(lead, assisting):
    reason = selectors.open_work_blocking_result(lead.handoff.case)
    assert reason and lead.handoff.number in reason


def test_no_blocker_once_every_answer_is_accepted(
    lead, assisting, dept_member, third_member, front_desk
):
    for assignment, member in ((lead, dept_member), (assisting, third_member)):
        answer = services.assignment_answer(member, assignment=assignment, text="完成")
        services.assignment_review(front_desk, answer=answer, accept=True)
    assert selectors.open_work_blocking_result(lead.handoff.case) is None
    assert extensions.result_blocker(lead.handoff.case) is None


def test_no_blocker_after_a_return(referral, dept_member):
    services.referral_return(dept_member, referral=referral, reason="不归我处")
    assert selectors.open_work_blocking_result(referral.case) is None


def test_objects_of_an_invisible_case_are_404(referral, lead, outsider):
    with pytest.raises(Http404):
        selectors.referral_get_for_user(user=outsider, pk=referral.pk)
    with pytest.raises(Http404):
        selectors.assignment_get_for_user(user=outsider, pk=lead.pk)
    with pytest.raises(Http404):
        selectors.handoff_get_for_user(user=outsider, number=lead.handoff.number)


def test_assigned_department_members_see_the_case_and_its_phone(lead, assisting, third_member):
    case = lead.handoff.case
    assert visible_cases(third_member).filter(pk=case.pk).exists()
    assert case_shows_personal_data(user=third_member, case=case)


def test_holds_work_on_is_registered_for_personal_data():
    holders = extensions.registered(extensions.PersonalDataHolder)
    assert selectors.holds_work_on in [h.ask for h in holders]


def test_a_department_holding_a_referral_sees_the_phone(referral, dept_member, department_head):
    assert case_shows_personal_data(user=dept_member, case=referral.case)
    assert case_shows_personal_data(user=department_head, case=referral.case)


def test_a_department_that_returned_its_referral_sees_the_phone_masked(
    referral, dept_member, department_head, front_desk
):
    services.referral_return(dept_member, referral=referral, reason="不归我处")

    case = referral.case
    assert visible_cases(dept_member).filter(pk=case.pk).exists()  # still read-only
    assert not case_shows_personal_data(user=dept_member, case=case)
    assert not case_shows_personal_data(user=department_head, case=case)
    assert case_shows_personal_data(user=front_desk, case=case)


def test_a_department_whose_assignment_was_withdrawn_sees_the_phone_masked(
    lead, assisting, third_member, dept_member, front_desk, center_head
):
    dispute = services.dispute_raise(front_desk, handoff=lead.handoff, positions="后勤无需参与")
    services.dispute_rule(center_head, dispute=dispute, ruling="后勤退出", withdraw=assisting)

    case = lead.handoff.case
    assert not case_shows_personal_data(user=third_member, case=case)
    assert case_shows_personal_data(user=dept_member, case=case)  # the lead still works on it
    assert case_shows_personal_data(user=center_head, case=case)


def test_a_department_whose_answer_was_accepted_sees_the_phone_masked(
    referral, dept_member, front_desk
):
    services.referral_accept(dept_member, referral=referral)
    answer = services.referral_answer(dept_member, referral=referral, text="可以调课")
    assert case_shows_personal_data(user=dept_member, case=referral.case)

    services.referral_review(front_desk, answer=answer, accept=True)

    assert not case_shows_personal_data(user=dept_member, case=referral.case)


def test_departments_named_on_the_form_but_not_assigned_do_not_see_it(
    handoff_case, front_desk, center_head, department, third_department, third_member
):
    handoff = submit_handoff(handoff_case, front_desk, [department, third_department])
    assert not visible_cases(third_member).filter(pk=handoff_case.pk).exists()
    record_meeting(handoff, center_head, department)
    assert not visible_cases(third_member).filter(pk=handoff_case.pk).exists()


def test_inbox_sorts_the_department_work(referral, lead, dept_member, department):
    inbox = selectors.department_inbox(user=dept_member)
    assert inbox.department == department
    assert [r.pk for r in inbox.waiting] == [referral.pk]
    assert [a.pk for a in inbox.assignments_at_work] == [lead.pk]
    services.assignment_answer(dept_member, assignment=lead, text="x")
    inbox = selectors.department_inbox(user=dept_member)
    assert [a.pk for a in inbox.under_review] == [lead.pk]


def test_inbox_of_a_user_without_department_is_empty(center_head):
    assert selectors.department_inbox(user=center_head).department is None


def test_directory_search(department, third_department):
    assert list(selectors.departments_directory(query="行政楼")) == [department]
    third_department.is_active = False
    third_department.save()
    assert list(selectors.departments_directory()) == [department]


def test_center_desk_lists_departments_with_overdue_work_first(lead, assisting, center_head):
    services.assignment_change_deadline(
        center_head,
        assignment=lead,
        deadline=assisting.deadline - dt.timedelta(hours=2),
        reason="提前",
    )
    assert selectors.center_desk().counts["overdue_assignments"] == 0
    with time_machine.travel(assisting.deadline - dt.timedelta(hours=1)):
        desk = selectors.center_desk()
    assert desk.counts["overdue_assignments"] == 1
    # JW (overdue) before HQ although HQ comes first by code.
    assert [load.department.pk for load in desk.by_department] == [
        lead.department_id,
        assisting.department_id,
    ]
    assert desk.by_department[0].assignments[0].is_late is True


def test_answered_assignment_is_not_counted_overdue(lead, assisting, dept_member):
    services.assignment_answer(dept_member, assignment=lead, text="x")
    with time_machine.travel(lead.deadline + dt.timedelta(hours=1)):
        desk = selectors.center_desk()
    assert desk.counts["overdue_assignments"] == 1
    loads = {load.department.pk: load.overdue for load in desk.by_department}
    assert loads == {lead.department_id: 0, assisting.department_id: 1}


def test_center_desk_query_count_does_not_grow(
    make_case, front_desk, center_head, department, third_department
):
    def build():
        case = make_case()
        handoff = submit_handoff(case, front_desk, [department, third_department])
        record_meeting(handoff, center_head, department, [third_department])

    build()
    submit_handoff(make_case(), front_desk, [department, third_department])
    with CaptureQueriesContext(connection) as few:
        selectors.center_desk()
    for _ in range(3):
        build()
        submit_handoff(make_case(), front_desk, [department, third_department])
    with CaptureQueriesContext(connection) as many:
        selectors.center_desk()
    assert len(many) == len(few)


def test_holds_work_only_while_the_department_works(referral, dept_member, third_member):
    assert selectors.holds_work_on(user=dept_member, case=referral.case)
    assert not selectors.holds_work_on(user=third_member, case=referral.case)
    services.referral_return(dept_member, referral=referral, reason="不归我处")
    assert not selectors.holds_work_on(user=dept_member, case=referral.case)


def test_waiting_forms_come_most_urgent_first_then_oldest(
    make_case, front_desk, department, third_department
):
    departments = [department, third_department]
    older = submit_handoff(make_case(), front_desk, departments, urgency="normal")
    urgent = submit_handoff(make_case(), front_desk, departments, urgency="urgent")
    newer = submit_handoff(make_case(), front_desk, departments, urgency="normal")
    critical = submit_handoff(make_case(), front_desk, departments, urgency="critical")

    waiting = selectors.handoffs_waiting_meeting()

    assert waiting == [critical, urgent, older, newer]


def test_waiting_forms_are_cut_at_the_limit_in_their_order(
    make_case, front_desk, department, third_department
):
    departments = [department, third_department]
    normal = submit_handoff(make_case(), front_desk, departments, urgency="normal")
    submit_handoff(make_case(), front_desk, departments, urgency="normal")
    urgent = submit_handoff(make_case(), front_desk, departments, urgency="urgent")

    assert selectors.handoffs_waiting_meeting(limit=2) == [urgent, normal]


def test_center_desk_lists_the_most_urgent_of_every_department_and_counts_them_all(
    make_case, front_desk, center_head, department, third_department, monkeypatch
):
    monkeypatch.setattr(selectors, "PER_DEPARTMENT", 2)
    for _ in range(3):
        handoff = submit_handoff(make_case(), front_desk, [department, third_department])
        record_meeting(handoff, center_head, department, [third_department])
    first = Assignment.objects.filter(department=third_department).order_by("deadline", "pk")[0]
    with time_machine.travel(first.deadline + dt.timedelta(minutes=1)):
        desk = selectors.center_desk()

    loads = {load.department.pk: load for load in desk.by_department}
    # Every department is there, whatever its code, with its figures counted over all its work.
    assert set(loads) == {department.pk, third_department.pk}
    assert [len(load.assignments) for load in loads.values()] == [2, 2]
    assert loads[third_department.pk].open == loads[department.pk].open == 3
    late = Assignment.objects.filter(
        department=third_department, deadline__lt=first.deadline + dt.timedelta(minutes=1)
    ).count()
    assert loads[third_department.pk].overdue == late >= 1
    # The late ones first, and the department with overdue work first.
    assert loads[third_department.pk].assignments[0] == first
    assert loads[third_department.pk].assignments[0].is_late is True
    assert desk.by_department[0].department == third_department
    assert desk.counts["open_assignments"] == 6


def test_quiet_desk_reads_only_its_figures(db):
    with CaptureQueriesContext(connection) as queries:
        desk = selectors.center_desk()

    assert len(queries) == 1
    assert desk.waiting_meeting == desk.disputes == desk.by_department == []


def test_center_desk_links_to_the_rest_of_a_long_list(client, make_case, center_head, monkeypatch):
    from django.urls import reverse

    for index in range(3):
        make_case(phone=f"1390000810{index}")
    later = after_every_deadline()
    desk = selectors.center_desk
    monkeypatch.setattr(selectors, "center_desk", lambda **_shown: desk(limit=2, now=later))
    client.force_login(center_head)
    body = client.get(reverse("handoffs:desk"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="more-overdue"' in body and "/cases/?overdue=true&amp;ordering=deadline" in body
    assert "Showing the first 2 of 3" in body
    assert 'id="more-awaiting"' not in body


def test_center_desk_counts_the_center_s_cases_up_to_a_cap(
    client, make_case, center_head, monkeypatch
):
    from django.urls import reverse

    for index in range(3):
        make_case(phone=f"1390000820{index}")
    later = after_every_deadline()
    monkeypatch.setattr(selectors, "CASE_FIGURE_CAP", 2)
    desk = selectors.center_desk(now=later)
    assert desk.capped == {"overdue_cases"}
    assert desk.counts["overdue_cases"] == 3  # the cap + 1: enough to say "more than"
    center_desk = selectors.center_desk
    monkeypatch.setattr(selectors, "center_desk", lambda **_shown: center_desk(limit=1, now=later))
    client.force_login(center_head)
    body = client.get(reverse("handoffs:desk"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<div class="fs-4" data-count="overdue_cases">more than 2</div>' in body
    assert "Showing the first 1 of more than 2" in body
    monkeypatch.setattr(selectors, "CASE_FIGURE_CAP", 10)
    assert center_desk(now=later).capped == set()
