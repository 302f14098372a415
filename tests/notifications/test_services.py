from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy

from audit.models import AuditEvent
from notifications import services
from notifications.models import Notification
from notifications.services import Notice
from tests.notifications.factories import notification

pytestmark = pytest.mark.django_db

State = Notification.State


def notice(*recipients, **overrides) -> Notice:
    data: dict[str, Any] = {
        "recipient_ids": tuple(user.pk for user in recipients),
        "kind": "test",
        "object_type": "case",
        "object_id": "SW-20261127-0001",
        "render": lambda: (gettext_lazy("Cases"), "body"),
        "deadline_version": 1,
        "url": "/cases/SW-20261127-0001/",
    }
    data.update(overrides)
    return Notice(**data)


def test_notify_writes_one_row_per_recipient_with_texts_in_every_language(front_desk, center_head):
    with transaction.atomic():
        count = services.notify([notice(front_desk, center_head)])

    assert count == 2
    rows = Notification.objects.order_by("recipient_id")
    assert {row.recipient for row in rows} == {front_desk, center_head}
    row = rows[0]
    assert set(row.texts) == {"zh-hans", "zh-hant", "en"}
    assert row.texts["en"]["subject"] == "Cases"
    assert row.texts["zh-hant"]["subject"] == "首問事項"
    assert row.email_state == State.PENDING
    assert row.next_attempt_at is not None and row.sent_at is None


@pytest.mark.django_db(transaction=True)
def test_notify_refuses_to_run_outside_a_transaction(front_desk):
    with pytest.raises(RuntimeError):
        services.notify([notice(front_desk)])

    assert Notification.objects.count() == 0


def test_the_same_event_notifies_a_person_once(front_desk):
    with transaction.atomic():
        services.notify([notice(front_desk)])
    with transaction.atomic():
        services.notify([notice(front_desk)])

    assert Notification.objects.count() == 1


def test_a_new_deadline_version_is_a_new_notification(front_desk):
    with transaction.atomic():
        services.notify([notice(front_desk, deadline_version=1)])
        services.notify([notice(front_desk, deadline_version=2)])

    assert Notification.objects.count() == 2


def test_a_recipient_named_twice_gets_one_row(center_head):
    with transaction.atomic():
        services.notify([notice(center_head, center_head)])

    assert Notification.objects.count() == 1


def test_inactive_recipients_are_left_out(front_desk, colleague):
    colleague.is_active = False
    colleague.save()

    with transaction.atomic():
        services.notify([notice(front_desk, colleague)])

    assert list(Notification.objects.values_list("recipient", flat=True)) == [front_desk.pk]


def test_email_is_skipped_for_people_who_turned_it_off(front_desk):
    front_desk.email_notifications = False
    front_desk.save()

    with transaction.atomic():
        services.notify([notice(front_desk)])

    row = Notification.objects.get()
    assert row.email_state == State.SKIPPED
    assert row.next_attempt_at is None
    assert row.sent_at is not None


def test_the_webhook_posts_once_per_event_not_once_per_recipient(settings, front_desk, center_head):
    settings.NOTIFY_WEBHOOK_URL = "http://127.0.0.1:9/robot"

    with transaction.atomic():
        services.notify([notice(front_desk, center_head)])

    states = list(Notification.objects.order_by("pk").values_list("webhook_state", flat=True))
    assert states == [State.PENDING, State.SKIPPED]


def test_no_webhook_without_an_address(front_desk):
    with transaction.atomic():
        services.notify([notice(front_desk)])

    assert Notification.objects.get().webhook_state == State.SKIPPED


def test_delivery_is_queued_only_after_commit(
    front_desk, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(services, "queue_delivery", lambda: queued.append(1))

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        services.notify([notice(front_desk)])
        assert queued == []

    assert len(callbacks) == 1


def test_queueing_with_the_broker_down_does_not_raise_or_wait(broker_at, free_port, caplog):
    import time

    broker_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    started = time.monotonic()
    services.queue_delivery()

    assert time.monotonic() - started < 3
    assert "broker unavailable" in caplog.text


def test_mark_read_sets_read_at(front_desk):
    row = notification(front_desk)

    services.notification_mark_read(front_desk, notification=row)

    row.refresh_from_db()
    assert row.read_at is not None


def test_mark_read_of_someone_elses_notification_is_refused(front_desk, colleague):
    row = notification(front_desk)

    with pytest.raises(PermissionDenied):
        services.notification_mark_read(colleague, notification=row)

    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read_touches_only_the_readers_rows(front_desk, colleague):
    notification(front_desk)
    notification(front_desk)
    theirs = notification(colleague)

    assert services.notifications_mark_all_read(front_desk) == 2

    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_email_preference_change_is_audited(front_desk):
    services.user_set_email_notifications(front_desk, enabled=False)

    front_desk.refresh_from_db()
    assert front_desk.email_notifications is False
    event = AuditEvent.objects.get(action="user.email_notifications")
    assert event.object_id == front_desk.username
    assert event.before == {"email_notifications": True}
    assert event.after == {"email_notifications": False}


def test_email_preference_unchanged_writes_no_audit(front_desk):
    services.user_set_email_notifications(front_desk, enabled=True)

    assert not AuditEvent.objects.filter(action="user.email_notifications").exists()
