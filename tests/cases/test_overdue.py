"""The overdue scan and the deadline reminders (DUE-1, DUE-2)."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from audit.models import AuditEvent
from cases import calendar, overdue, services
from cases.events import describe
from cases.models import Case, CaseEvent
from notifications.models import Notification
from tests.factories import aware
from tests.notifications.factories import due_cases

pytestmark = pytest.mark.django_db

FRIDAY_DEADLINE = aware(2026, 11, 27, 17, 30)  # a Friday, end of the working day


def flagged_events(case=None):
    events = CaseEvent.objects.filter(kind="overdue_flagged")
    return events.filter(case=case) if case else events


def test_a_case_past_its_deadline_is_flagged_once(front_desk, center_head, category):
    (case,) = due_cases(1, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)

    with time_machine.travel(aware(2026, 11, 27, 18), tick=False):
        first = overdue.flag_overdue()
        second = overdue.flag_overdue()

    assert first["case"] == 1
    assert second["case"] == 0
    case.refresh_from_db()
    assert case.overdue_flagged_at == aware(2026, 11, 27, 18)
    assert flagged_events(case).count() == 1
    recipients = set(
        Notification.objects.filter(kind="overdue").values_list("recipient", flat=True)
    )
    assert recipients == {front_desk.pk, center_head.pk}


def test_flagging_writes_the_timeline_and_one_audit_event(front_desk, center_head, category):
    cases = due_cases(3, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)

    with time_machine.travel(aware(2026, 11, 28, 9), tick=False):
        overdue.flag_overdue()

    event = flagged_events(cases[0]).get()
    assert event.actor is None
    assert event.data["deadline_version"] == 1
    assert describe(event.kind, event.data)
    audit = AuditEvent.objects.get(action="case.flag_overdue")
    assert audit.actor_label == "system"
    assert audit.after is not None
    assert audit.after["count"] == 3
    assert sorted(number for number, _ in audit.after["cases"]) == sorted(c.number for c in cases)


def test_overdue_notification_names_the_case_in_both_languages(front_desk, category):
    (case,) = due_cases(1, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)

    with time_machine.travel(aware(2026, 11, 30, 9), tick=False):
        overdue.flag_overdue()

    row = Notification.objects.get(recipient=front_desk)
    assert row.object_id == case.number
    assert row.deadline_version == 1
    assert row.url == f"/cases/{case.number}/"
    for language in ("zh-hans", "en"):
        assert case.number in row.texts[language]["subject"]
        assert "2026-11-27 17:30" in row.texts[language]["body"]
        assert case.subject in row.texts[language]["body"]
    # Each language's template is translated once per scan, not one language reused for both.
    assert row.texts["en"]["subject"].startswith("Overdue")
    assert row.texts["zh-hans"]["subject"] != row.texts["en"]["subject"]


def test_the_owner_who_is_center_head_gets_one_notification(center_head, category):
    due_cases(1, owner=center_head, category=category, deadline=FRIDAY_DEADLINE)

    with time_machine.travel(aware(2026, 11, 30, 9), tick=False):
        overdue.flag_overdue()

    assert Notification.objects.filter(recipient=center_head).count() == 1


@pytest.mark.parametrize(
    ("moment", "flagged"),
    [
        (aware(2026, 11, 27, 17, 29), 0),
        (aware(2026, 11, 27, 17, 30), 0),  # at the deadline itself it is not yet overdue
        (aware(2026, 11, 27, 17, 30) + dt.timedelta(seconds=1), 1),
        (aware(2026, 11, 27, 17, 31), 1),
    ],
)
def test_boundary_at_the_deadline_minute(front_desk, category, moment, flagged):
    due_cases(1, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)

    with time_machine.travel(moment, tick=False):
        assert overdue.flag_overdue()["case"] == flagged


def test_only_active_cases_are_flagged(front_desk, category):
    for status in ("awaiting_confirmation", "closed", "archived"):
        due_cases(1, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE, status=status)
    due_cases(1, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE, status="referred")

    with time_machine.travel(aware(2026, 11, 30, 9), tick=False):
        assert overdue.flag_overdue()["case"] == 1


def test_an_extension_resets_the_flag_and_the_new_deadline_is_flagged_again(
    make_case, front_desk, center_head
):
    with time_machine.travel(aware(2026, 11, 23, 10), tick=False):
        case = make_case(deadline=calendar.deadline_in_working_days(1))  # Tue 24th 17:30
    with time_machine.travel(aware(2026, 11, 25, 9), tick=False):
        overdue.flag_overdue()
        case.refresh_from_db()
        assert case.overdue_flagged_at is not None
        case = services.case_extend_deadline(
            front_desk,
            case=case,
            new_deadline=aware(2026, 11, 27, 17, 30),
            reason="等待财务审批",
            visitor_informed="电话告知",
            version=case.version,
        )
    assert case.overdue_flagged_at is None
    assert case.deadline_version == 2

    with time_machine.travel(aware(2026, 11, 26, 9), tick=False):
        assert overdue.flag_overdue()["case"] == 0
    with time_machine.travel(aware(2026, 11, 27, 18), tick=False):
        assert overdue.flag_overdue()["case"] == 1

    assert flagged_events(case).count() == 2
    versions = Notification.objects.filter(recipient=front_desk, kind="overdue")
    assert sorted(versions.values_list("deadline_version", flat=True)) == [1, 2]


def test_holidays_are_respected(make_case, work_calendar):
    # National Day 2026: 1–7 October off; one working day after 30 September is 8 October.
    with time_machine.travel(aware(2026, 9, 30, 10), tick=False):
        case = make_case(deadline=calendar.deadline_in_working_days(1))
    assert case.deadline == aware(2026, 10, 8, 17, 30)

    with time_machine.travel(aware(2026, 10, 5, 12), tick=False):
        assert overdue.flag_overdue()["case"] == 0
    with time_machine.travel(aware(2026, 10, 8, 17, 31), tick=False):
        assert overdue.flag_overdue()["case"] == 1


def test_the_scan_uses_the_partial_index(front_desk, category):
    due_cases(5, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)
    captured = []

    def capture(execute, sql, params, many, context):
        if sql.startswith("UPDATE"):
            captured.append((sql, params))
        return execute(sql, params, many, context)

    with (
        time_machine.travel(aware(2026, 11, 30, 9), tick=False),
        connection.execute_wrapper(capture),
    ):
        overdue.flag_overdue()
    sql, params = captured[0]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "RETURNING" in sql
    # One of the partial indexes of open cases, never the closed history. On five rows the
    # planner may take either (the scan index now carries the list's columns too); at a million
    # it takes case_overdue_scan_idx by its deadline range (bench/overdue_scan.py times it).
    assert "Seq Scan" not in plan
    assert "case_overdue_scan_idx" in plan or "case_owner_open_idx" in plan


def test_a_scan_holding_the_lock_makes_a_second_one_skip(front_desk, category):
    due_cases(2, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [overdue.zlib.crc32(b"case:flag")])
            with time_machine.travel(aware(2026, 11, 30, 9), tick=False):
                assert overdue.flag_overdue()["case"] == 0
            cursor.execute("ROLLBACK")
    finally:
        other.close()

    with time_machine.travel(aware(2026, 11, 30, 9), tick=False):
        assert overdue.flag_overdue()["case"] == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_flag_each_case_once(front_desk, center_head, category):
    due_cases(60, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)
    threads_count = 4
    barrier = threading.Barrier(threads_count)
    results, errors = [], []

    def scan():
        try:
            barrier.wait()
            with time_machine.travel(aware(2026, 11, 30, 9), tick=False):
                results.append(overdue.flag_overdue()["case"])
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(results) == 60
    assert flagged_events().count() == 60
    assert Notification.objects.count() == 120
    assert Case.objects.filter(overdue_flagged_at__isnull=True).count() == 0


def test_flag_overdue_command_runs_the_scan_once(front_desk, category, capsys):
    due_cases(2, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)

    with time_machine.travel(aware(2026, 11, 30, 9), tick=False):
        call_command("flag_overdue")

    assert "case: 2 flagged overdue" in capsys.readouterr().out
    assert Case.objects.filter(overdue_flagged_at__isnull=False).count() == 2


# Reminders -----------------------------------------------------------------------------


def test_the_owner_is_reminded_once_within_four_working_hours(front_desk, center_head, category):
    (case,) = due_cases(1, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)

    with time_machine.travel(aware(2026, 11, 27, 13, 29), tick=False):
        assert overdue.remind_deadlines()["case"] == 0
    with time_machine.travel(aware(2026, 11, 27, 13, 30), tick=False):
        assert overdue.remind_deadlines()["case"] == 1
        assert overdue.remind_deadlines()["case"] == 0

    row = Notification.objects.get(kind="deadline_reminder")
    assert row.recipient == front_desk
    assert row.object_id == case.number
    assert AuditEvent.objects.filter(action="case.remind_deadline").count() == 1


def test_reminder_lead_time_counts_working_hours_over_a_weekend(front_desk, category):
    # Due Monday 10:00; on Friday at 16:00 there are 1.5 + 1.5 working hours left.
    due_cases(1, owner=front_desk, category=category, deadline=aware(2026, 11, 30, 10))

    with time_machine.travel(aware(2026, 11, 27, 16), tick=False):
        assert overdue.remind_deadlines()["case"] == 1


def test_reminder_lead_time_skips_a_public_holiday(front_desk, category, work_calendar):
    due_cases(1, owner=front_desk, category=category, deadline=aware(2026, 10, 8, 17, 30))

    with time_machine.travel(aware(2026, 9, 30, 16), tick=False):
        assert overdue.remind_deadlines()["case"] == 0
    with time_machine.travel(aware(2026, 10, 8, 13, 30), tick=False):
        assert overdue.remind_deadlines()["case"] == 1


def test_the_reminder_lead_time_is_a_setting(settings, front_desk, category):
    settings.REMINDER_WORKING_HOURS = 8
    due_cases(1, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)

    with time_machine.travel(aware(2026, 11, 27, 9, 30), tick=False):
        assert overdue.remind_deadlines()["case"] == 1


def test_an_overdue_case_gets_no_reminder(front_desk, category):
    due_cases(1, owner=front_desk, category=category, deadline=FRIDAY_DEADLINE)

    with time_machine.travel(aware(2026, 11, 30, 9), tick=False):
        overdue.flag_overdue()
        assert overdue.remind_deadlines()["case"] == 0


def test_add_working_hours_starts_at_the_next_opening():
    saturday = aware(2026, 11, 28, 11)

    assert overdue.add_working_hours(saturday, 2) == aware(2026, 11, 30, 10, 30)
    assert overdue.add_working_hours(aware(2026, 11, 27, 7), 1) == aware(2026, 11, 27, 9, 30)
