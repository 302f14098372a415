import pytest

from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_referral_at_intake_notifies_the_departments_head(make_case, department, department_head):
    case = make_case(outcome="referral", department=department)

    row = Notification.objects.get(kind="case_referred")
    assert row.recipient == department_head
    assert row.object_id == case.number
    assert department.name in row.texts["zh-hans"]["subject"]
    assert row.email_state == Notification.State.PENDING


def test_a_department_without_head_notifies_its_members(make_case, department, dept_member):
    make_case(outcome="referral", department=department)

    assert list(Notification.objects.values_list("recipient", flat=True)) == [dept_member.pk]


def test_the_head_referring_to_their_own_department_is_not_notified(
    make_case, department, department_head
):
    make_case(actor=department_head, outcome="referral", department=department)

    assert not Notification.objects.exists()


def test_other_outcomes_notify_nobody(make_case, department_head):
    make_case()
    make_case(outcome="handoff")
    UserFactory.create(username="x1", roles=["center_head"])

    assert not Notification.objects.exists()
