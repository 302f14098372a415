"""The two ways of writing outbox rows (PostgreSQL fan-out, bulk_create elsewhere) agree."""

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


def test_fan_out_and_bulk_create_write_the_same_rows(front_desk, center_head):
    now = timezone.now()

    outbox._write_fanned_out(events(front_desk, center_head, "A"), now=now)
    outbox._write_rows(events(front_desk, center_head, "B"), now=now)

    fanned, plain = rows("A"), rows("B")
    for row in fanned + plain:
        row.pop("object_id")
    assert fanned == plain
    assert fanned[0]["next_attempt_at"] == now and fanned[0]["sent_at"] is None
    assert fanned[1]["next_attempt_at"] is None and fanned[1]["sent_at"] == now


def test_fan_out_skips_rows_that_exist(front_desk, center_head):
    now = timezone.now()

    outbox._write_fanned_out(events(front_desk, center_head, "A"), now=now)
    outbox._write_fanned_out(events(front_desk, center_head, "A"), now=now)

    assert Notification.objects.count() == 2
