import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications import delivery
from notifications.models import Notification
from tests.notifications.factories import notification

pytestmark = pytest.mark.django_db

State = Notification.State


def pending(recipient, **overrides):
    overrides.setdefault("email_state", State.PENDING)
    overrides.setdefault("next_attempt_at", timezone.now())
    return notification(recipient, **overrides)


def test_email_goes_out_in_the_recipients_language_and_the_row_is_marked_sent(front_desk):
    front_desk.language = "en"
    front_desk.save()
    row = pending(front_desk)

    assert delivery.notifications_deliver_due() == 1

    row.refresh_from_db()
    assert row.email_state == State.SENT
    assert row.sent_at is not None and row.next_attempt_at is None
    assert row.attempts == 1
    (message,) = mail.outbox
    assert message.to == [front_desk.email]
    assert message.subject == "English subject"
    assert "http://" in message.body and message.body.rstrip().endswith("/cases/")
    assert message.extra_headers["X-Firstask-Notification"] == str(row.pk)


def test_chinese_is_used_for_a_chinese_reader(front_desk):
    pending(front_desk)

    delivery.notifications_deliver_due()

    assert mail.outbox[0].subject == "中文标题"


def test_a_sent_row_is_not_sent_again(front_desk):
    pending(front_desk)

    delivery.notifications_deliver_due()
    delivery.notifications_deliver_due()

    assert len(mail.outbox) == 1


def test_a_row_not_yet_due_waits(front_desk):
    pending(front_desk, next_attempt_at=timezone.now() + dt.timedelta(minutes=5))

    assert delivery.notifications_deliver_due() == 0
    assert mail.outbox == []


def test_a_failed_email_is_retried_with_growing_backoff(settings, front_desk):
    settings.EMAIL_BACKEND = "tests.notifications.mailboxes.FailingBackend"
    start = timezone.now()
    row = pending(front_desk, next_attempt_at=start)

    with time_machine.travel(start, tick=False):
        delivery.notifications_deliver_due()
    row.refresh_from_db()
    assert row.email_state == State.PENDING
    assert row.attempts == 1
    assert row.next_attempt_at == start + dt.timedelta(seconds=60)
    assert "e-mail" in row.last_error or "email" in row.last_error

    with time_machine.travel(row.next_attempt_at, tick=False):
        delivery.notifications_deliver_due()
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at - timezone.now() > dt.timedelta(seconds=60)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(row.next_attempt_at, tick=False):
        delivery.notifications_deliver_due()
    row.refresh_from_db()
    assert row.email_state == State.SENT
    assert row.last_error == ""
    assert len(mail.outbox) == 1


def test_backoff_doubles_and_is_capped():
    assert delivery.backoff(1) == dt.timedelta(minutes=1)
    assert delivery.backoff(3) == dt.timedelta(minutes=4)
    assert delivery.backoff(30) == dt.timedelta(hours=6)


def test_delivery_gives_up_after_the_last_attempt(settings, front_desk):
    settings.EMAIL_BACKEND = "tests.notifications.mailboxes.FailingBackend"
    settings.NOTIFY_MAX_ATTEMPTS = 2
    row = pending(front_desk, attempts=1)

    delivery.notifications_deliver_due()

    row.refresh_from_db()
    assert row.email_state == State.FAILED
    assert row.next_attempt_at is None
    assert row.sent_at is None


def test_email_turned_off_after_the_row_was_written_is_not_sent(front_desk):
    row = pending(front_desk)
    front_desk.email_notifications = False
    front_desk.save()

    delivery.notifications_deliver_due()

    row.refresh_from_db()
    assert row.email_state == State.SKIPPED
    assert row.sent_at is not None
    assert mail.outbox == []
