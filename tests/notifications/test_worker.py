"""DUE-2 with a real Celery worker subprocess and a real (private) Redis broker.

These tests commit data (``transaction=True``) because the worker is another process reading
the same test database.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, CaseEvent
from notifications import delivery
from notifications.models import Notification
from tests.notifications.conftest import sent_mail_ids, wait_for
from tests.notifications.factories import due_cases

pytestmark = pytest.mark.django_db(transaction=True)

CASES = 300


class OutboxBlocker(threading.Thread):
    """Holds an uncommitted outbox row with the key the scan is about to insert. The scan's
    INSERT … ON CONFLICT must wait for this transaction, so the worker is caught in the middle
    of its scan: cases flagged and timeline written, but not committed."""

    def __init__(self, *, recipient, number: str):
        super().__init__(daemon=True)
        self.recipient, self.number = recipient, number
        self.holding, self.release = threading.Event(), threading.Event()

    def run(self) -> None:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=self.recipient,
                    kind="overdue",
                    object_type="case",
                    object_id=self.number,
                    deadline_version=1,
                )
                self.holding.set()
                self.release.wait(timeout=180)
                transaction.set_rollback(True)
        finally:
            connection.close()


def _backend_waiting_on_the_outbox() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            ['%INSERT INTO "notifications_notification"%'],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def _broker_drained(redis) -> bool:
    return redis.command("LLEN", "celery") == b":0\r\n" and (
        redis.command("HLEN", "unacked") == b":0\r\n"
    )


def test_worker_killed_mid_scan_flags_and_delivers_everything_once_after_restart(
    private_redis, celery_worker_factory, front_desk, center_head, category
):
    private_redis.start()
    cases = due_cases(
        CASES, owner=front_desk, category=category, deadline=timezone.now() - dt.timedelta(hours=1)
    )
    blocker = OutboxBlocker(recipient=front_desk, number=cases[CASES // 2].number)
    blocker.start()
    assert blocker.holding.wait(timeout=30)

    first = celery_worker_factory(private_redis.url)
    first.start()  # its beat queues the scan at once (beat_init catch-up)
    pid = wait_for(_backend_waiting_on_the_outbox, timeout=120, message="the scan to block")
    first.kill()
    blocker.release.set()
    blocker.join(timeout=30)
    wait_for(lambda: not _backend_alive(pid), timeout=60, message="the orphan backend to end")

    # The crash left nothing half-done: no flag, no timeline line, no outbox row.
    assert not Case.objects.filter(overdue_flagged_at__isnull=False).exists()
    assert not CaseEvent.objects.filter(kind="overdue_flagged").exists()
    assert not Notification.objects.exists()

    second = celery_worker_factory(private_redis.url)
    second.start()
    wait_for(
        lambda: Notification.objects.filter(sent_at__isnull=False).count() == CASES * 2,
        timeout=180,
        interval=1,
        message="every notification to be delivered",
    )
    # The killed worker's unacknowledged scan comes back (visibility timeout) and runs again.
    wait_for(lambda: _broker_drained(private_redis), timeout=60, message="the queue to drain")
    second.stop()

    assert Case.objects.filter(overdue_flagged_at__isnull=True).count() == 0
    events = CaseEvent.objects.filter(kind="overdue_flagged")
    assert events.count() == CASES
    assert events.values("case").distinct().count() == CASES
    ids = sorted(Notification.objects.values_list("pk", flat=True))
    assert len(ids) == CASES * 2
    assert sorted(sent_mail_ids(celery_worker_factory.mail_dir)) == ids  # each exactly once
    assert AuditEvent.objects.filter(action="case.flag_overdue").count() == 1
    # The scan the first worker died in was handed to the second one and ran to the end.
    log = celery_worker_factory.log.read_text(errors="replace")
    killed = re.search(r"Task cases\.flag_overdue\[([0-9a-f-]+)\] received", log)
    assert killed, log[-2000:]
    assert f"Task cases.flag_overdue[{killed.group(1)}] succeeded" in log


def _intake(client, category, department) -> tuple[int, float]:
    now = timezone.localtime()
    data = {
        "visit_time": now.strftime("%Y-%m-%dT%H:%M"),
        "visitor_name": "张三",
        "phone": "13812341234",
        "visitor_type": "student",
        "channel": "in_person",
        "category": category.pk,
        "subject": "证书补办",
        "question": "证书丢了怎么补办？",
        "outcome": "referral",
        "department": department.pk,
        "deadline_mode": "working_days",
        "working_days": "3",
        "pending_reason": "other_department",
    }
    started = time.monotonic()
    response = client.post("/cases/new/", data)
    return response.status_code, time.monotonic() - started


def test_intake_succeeds_with_redis_down_and_the_notice_goes_out_once_redis_is_back(
    private_redis,
    broker_at,
    celery_worker_factory,
    client,
    front_desk,
    department,
    department_head,
    category,
    work_calendar,
):
    private_redis.start()
    private_redis.stop()  # the broker is down
    broker_at(private_redis.url)
    client.force_login(front_desk)

    status, seconds = _intake(client, category, department)

    assert status == 302
    assert seconds < 5  # the request did not wait on the broker
    assert Case.objects.count() == 1
    row = Notification.objects.get(kind="case_referred")
    assert row.recipient == department_head
    assert row.email_state == Notification.State.PENDING
    assert row.sent_at is None

    private_redis.start()
    worker = celery_worker_factory(private_redis.url)
    worker.start()
    wait_for(
        lambda: Notification.objects.filter(pk=row.pk, sent_at__isnull=False).exists(),
        timeout=120,
        interval=0.5,
        message="the pending notification to be delivered",
    )
    worker.stop()

    assert sent_mail_ids(celery_worker_factory.mail_dir) == [row.pk]
    assert delivery.notifications_deliver_due() == 0  # a later sweep sends nothing again
