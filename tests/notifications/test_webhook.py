"""Chat-robot delivery (WeCom / DingTalk group robot) against a loopback HTTP server."""

import datetime as dt
import urllib.parse

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from notifications import delivery, services
from notifications.models import Notification
from notifications.services import Notice

pytestmark = pytest.mark.django_db

State = Notification.State


def overdue_notice(*users) -> Notice:
    return Notice(
        recipient_ids=tuple(user.pk for user in users),
        kind="overdue",
        object_type="case",
        object_id="SW-20261127-0001",
        render=lambda: ("超时：SW-20261127-0001", "事项已超过承诺时限。"),
        deadline_version=1,
        url="/cases/SW-20261127-0001/",
    )


def enqueue(*users) -> None:
    with transaction.atomic():
        services.notify([overdue_notice(*users)])


def test_webhook_posts_a_text_message_once_per_event(robot, front_desk, center_head):
    enqueue(front_desk, center_head)

    delivery.notifications_deliver_due()

    assert len(robot.posts) == 1
    (post,) = robot.posts
    assert post["msgtype"] == "text"
    content = post["text"]["content"]
    assert content.startswith("超时：SW-20261127-0001\n事项已超过承诺时限。")
    assert content.endswith("/cases/SW-20261127-0001/")
    assert Notification.objects.filter(webhook_state=State.SENT).count() == 1


def test_webhook_failure_is_retried_after_backoff_and_sent_once(robot, front_desk):
    robot.failures = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        enqueue(front_desk)
        delivery.notifications_deliver_due()
    row = Notification.objects.get()
    assert row.webhook_state == State.PENDING
    assert row.email_state == State.SENT  # the channel that worked is not repeated
    assert "webhook" in row.last_error

    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        delivery.notifications_deliver_due()
    assert len(robot.posts) == 1  # still backing off

    with time_machine.travel(row.next_attempt_at, tick=False):
        delivery.notifications_deliver_due()
        delivery.notifications_deliver_due()

    row.refresh_from_db()
    assert row.webhook_state == State.SENT
    assert row.sent_at is not None
    assert len(robot.posts) == 2


def test_an_error_code_in_the_robots_answer_counts_as_a_failure(robot, front_desk):
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    enqueue(front_desk)

    delivery.notifications_deliver_due()

    row = Notification.objects.get()
    assert row.webhook_state == State.PENDING
    assert "93000" in row.last_error


def test_an_unreachable_robot_is_retried(settings, free_port, front_desk):
    settings.NOTIFY_WEBHOOK_URL = f"http://127.0.0.1:{free_port()}/robot"
    enqueue(front_desk)

    delivery.notifications_deliver_due()

    row = Notification.objects.get()
    assert row.webhook_state == State.PENDING
    assert row.next_attempt_at is not None and row.next_attempt_at > timezone.now()


def test_dingtalk_signature_is_added_with_a_secret(settings, robot, front_desk):
    settings.NOTIFY_WEBHOOK_SECRET = "SEC-test"
    enqueue(front_desk)

    delivery.notifications_deliver_due()

    query = urllib.parse.parse_qs(urllib.parse.urlsplit(robot.paths[0]).query)
    assert query["key"] == ["k"]
    assert query["timestamp"][0].isdigit()
    assert len(query["sign"][0]) == 44  # base64 of a SHA-256 HMAC


def test_a_non_http_webhook_address_is_refused(settings, front_desk):
    settings.NOTIFY_WEBHOOK_URL = "file:///etc/passwd"
    enqueue(front_desk)

    delivery.notifications_deliver_due()

    row = Notification.objects.get()
    assert row.webhook_state == State.PENDING
    assert "http" in row.last_error
