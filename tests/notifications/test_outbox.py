"""Outbox rows fanned out by the database from one JSON document per chunk."""

import pytest
from django.utils import timezone

from notifications import outbox
from notifications.models import Notification

pytestmark = pytest.mark.django_db

FIELDS = (
    "recipient_id",
    "kind",
    "object_type",
    "object_id",
    "deadline_version",
    "texts",
    "url",
    "created_at",
    "email_state",
    "webhook_state",
    "attempts",
    "next_attempt_at",
    "last_error",
    "sent_at",
)


def events(front_desk, center_head, object_id):
    texts = {
        "zh-hans": {"subject": "标题“引号”\\", "body": "正文"},
        "en": {"subject": "S", "body": "B"},
    }
    return [
        outbox.Planned(
            kind="overdue",
            object_type="case",
            object_id=object_id,
            deadline_version=1,
            url="/cases/x/",
            texts=texts,
            recipients=[
                (front_desk.pk, "pending", "pending"),
                (center_head.pk, "skipped", "skipped"),
            ],
        )
    ]


def rows(object_id):
    return list(
        Notification.objects.filter(object_id=object_id).order_by("recipient_id").values(*FIELDS)
    )


def test_fan_out_writes_one_row_per_recipient_with_the_event_texts(front_desk, center_head):
    now = timezone.now()

    outbox._write_fanned_out(events(front_desk, center_head, "A"), now=now)

    common = {
        "kind": "overdue",
        "object_type": "case",
        "object_id": "A",
        "deadline_version": 1,
        "texts": events(front_desk, center_head, "A")[0].texts,
        "url": "/cases/x/",
        "created_at": now,
        "attempts": 0,
        "last_error": "",
    }
    assert rows("A") == sorted(
        [
            {**common, "recipient_id": front_desk.pk, "email_state": "pending",
             "webhook_state": "pending", "next_attempt_at": now, "sent_at": None},
            {**common, "recipient_id": center_head.pk, "email_state": "skipped",
             "webhook_state": "skipped", "next_attempt_at": None, "sent_at": now},
        ],
        key=lambda row: row["recipient_id"],
    )  # fmt: skip


def test_fan_out_skips_rows_that_exist(front_desk, center_head):
    now = timezone.now()

    outbox._write_fanned_out(events(front_desk, center_head, "A"), now=now)
    outbox._write_fanned_out(events(front_desk, center_head, "A"), now=now)

    assert Notification.objects.count() == 2
