import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cases import calendar, extensions, selectors
from tests.factories import UserFactory, aware

pytestmark = pytest.mark.django_db


def numbers(qs):
    return set(qs.values_list("number", flat=True))


def test_staff_sees_own_cases_only(make_case, front_desk, colleague):
    mine = make_case()
    theirs = make_case(actor=colleague)

    assert numbers(selectors.visible_cases(front_desk)) == {mine.number}
    assert numbers(selectors.visible_cases(colleague)) == {theirs.number}


def test_department_members_see_cases_referred_to_them(make_case, department, dept_member):
    referred = make_case(outcome="referral", department=department)
    make_case()

    assert numbers(selectors.visible_cases(dept_member)) == {referred.number}


def test_department_head_sees_cases_of_department_staff(make_case, department, department_head):
    member = UserFactory.create(username="jw2", department=department, roles=["staff"])
    own_staff_case = make_case(actor=member)
    make_case()

    assert numbers(selectors.visible_cases(department_head)) == {own_staff_case.number}


def test_center_head_and_auditor_see_everything(make_case, center_head, auditor, colleague):
    make_case()
    make_case(actor=colleague)

    assert selectors.visible_cases(center_head).count() == 2
    assert selectors.visible_cases(auditor).count() == 2


def test_user_without_role_sees_nothing(make_case):
    make_case()
    nobody = UserFactory.create(username="norole", roles=["none"])
    assert selectors.visible_cases(nobody).count() == 0


def test_invisible_case_is_404(make_case, colleague):
    case = make_case()
    with pytest.raises(Http404):
        selectors.case_get_for_user(user=colleague, number=case.number)


def test_personal_data_shown_to_owner_department_and_center_head(
    make_case, department, front_desk, dept_member, center_head, auditor, colleague
):
    case = make_case(outcome="referral", department=department)

    assert selectors.case_shows_personal_data(user=front_desk, case=case)
    assert selectors.case_shows_personal_data(user=dept_member, case=case)
    assert selectors.case_shows_personal_data(user=center_head, case=case)
    assert not selectors.case_shows_personal_data(user=auditor, case=case)
    assert not selectors.case_shows_personal_data(user=colleague, case=case)


@pytest.fixture
def opinions():
    given: list = [None]
    holder = extensions.PersonalDataHolder(name="test", ask=lambda *, user, case: given[0])
    with extensions.overridden(extensions.PersonalDataHolder, holder):
        yield given


def test_personal_data_follows_the_first_opinion_of_the_apps(
    opinions, make_case, department, front_desk, dept_member, center_head, auditor
):
    case = make_case(outcome="referral", department=department)

    assert selectors.case_shows_personal_data(user=dept_member, case=case)  # no opinion
    opinions[0] = False
    assert not selectors.case_shows_personal_data(user=dept_member, case=case)
    assert selectors.case_shows_personal_data(user=front_desk, case=case)  # the owner
    assert selectors.case_shows_personal_data(user=center_head, case=case)
    opinions[0] = True
    assert selectors.case_shows_personal_data(user=dept_member, case=case)
    assert not selectors.case_shows_personal_data(user=auditor, case=case)  # no department


def test_desk_sorts_cases_by_urgency(make_case, front_desk, department):
    with time_machine.travel(aware(2026, 11, 23, 9), tick=False):
        overdue = make_case(deadline=calendar.deadline_in_working_days(1))
    with time_machine.travel(aware(2026, 11, 27, 9), tick=False):
        due_today = make_case(deadline=aware(2026, 11, 27, 17, 30))
        due_soon = make_case(deadline=calendar.deadline_in_working_days(2))
        waiting = make_case(
            outcome="referral", department=department, deadline=calendar.deadline_in_working_days(9)
        )
        desk = selectors.desk_for_user(user=front_desk)

    assert [c.number for c in desk.overdue] == [overdue.number]
    assert [c.number for c in desk.due_today] == [due_today.number]
    assert [c.number for c in desk.due_soon] == [due_soon.number]
    assert [c.number for c in desk.waiting_on_others] == [waiting.number]
    assert desk.counts["overdue"] == 1
    assert desk.counts["due_soon"] == 1


def test_desk_query_count_does_not_grow_with_cases(make_case, front_desk):
    make_case()
    with CaptureQueriesContext(connection) as few:
        selectors.desk_for_user(user=front_desk)
    for _ in range(5):
        make_case()
    with CaptureQueriesContext(connection) as many:
        selectors.desk_for_user(user=front_desk)
    assert len(many) == len(few)


def test_status_lookup_needs_the_right_code(make_case):
    case = make_case()

    assert selectors.case_for_status_lookup(number=case.number, query_code=case.query_code) == case
    assert (
        selectors.case_for_status_lookup(
            number=case.number.lower(), query_code=case.query_code.lower()
        )
        == case
    )
    assert selectors.case_for_status_lookup(number=case.number, query_code="ABCDEFGH") is None
    assert (
        selectors.case_for_status_lookup(number="SW-20000101-0001", query_code=case.query_code)
        is None
    )
