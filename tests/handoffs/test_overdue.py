"""Assignments in the overdue scan and the reminders (DUE-1 with HND-2)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from cases import overdue
from handoffs.models import Assignment
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_an_overdue_assignment_is_flagged_once_and_told(
    lead, assisting, department_head, center_head, front_desk
):
    later = lead.deadline + dt.timedelta(minutes=1)

    with time_machine.travel(later, tick=False):
        first = overdue.flag_overdue()
        second = overdue.flag_overdue()

    assert first["assignment"] == 2
    assert second["assignment"] == 0
    lead.refresh_from_db()
    assert lead.overdue_flagged_at == later
    case = lead.handoff.case
    assert case.events.filter(
        kind="assignment_overdue", data__department=lead.department.name
    ).exists()
    told = set(
        Notification.objects.filter(kind="assignment_overdue", object_id=str(lead.pk)).values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {front_desk.pk, department_head.pk, center_head.pk}
    assert AuditEvent.objects.filter(action="assignment.flag_overdue").count() == 1


def test_an_answered_assignment_is_not_flagged(lead, assisting):
    Assignment.objects.filter(pk=lead.pk).update(status=Assignment.Status.ANSWERED)

    with time_machine.travel(lead.deadline + dt.timedelta(minutes=1), tick=False):
        flagged = overdue.flag_overdue()

    assert flagged["assignment"] == 1
    lead.refresh_from_db()
    assert lead.overdue_flagged_at is None


def test_the_department_head_is_reminded_before_the_deadline(lead, department_head):
    before = lead.deadline - dt.timedelta(hours=1)

    with time_machine.travel(before, tick=False):
        reminded = overdue.remind_deadlines()

    assert reminded["assignment"] >= 1
    assert Notification.objects.filter(
        kind="assignment_reminder", object_id=str(lead.pk), recipient=department_head
    ).exists()
    assert timezone.now() < lead.deadline
