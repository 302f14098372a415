"""Test data for the outbox and the scan: many due cases at once, without the intake's cost."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from cases.models import Case, Visitor
from notifications.models import Notification


def due_cases(
    count: int, *, owner, category, deadline: dt.datetime, status: str = Case.Status.OPEN
) -> list[Case]:
    """``count`` open cases of ``owner`` with the given deadline (version 1), bulk-inserted.

    The intake service refuses a deadline in the past, and calling it hundreds of times would
    dominate the tests; the rows are what the intake would have written."""
    visitor, _ = Visitor.objects.get_or_create(phone="13900000000", defaults={"name": "测试"})
    stamp = secrets.token_hex(3).upper()
    cases = [
        Case(
            number=f"T{stamp}-{index:05d}",
            query_code="ABCDEFGH",
            status_token=secrets.token_urlsafe(24),
            visitor=visitor,
            visitor_type="student",
            channel="in_person",
            category=category,
            subject=f"测试事项 {index}",
            question="问题",
            visit_time=deadline - dt.timedelta(days=3),
            owner=owner,
            owner_department=owner.department,
            outcome="self",
            status=status,
            deadline=deadline,
            deadline_version=1,
        )
        for index in range(count)
    ]
    return Case.objects.bulk_create(cases)


def notification(recipient, **overrides) -> Notification:
    data = {
        "kind": "test",
        "object_type": "case",
        "object_id": secrets.token_hex(4),
        "texts": {
            "zh-hans": {"subject": "中文标题", "body": "中文正文"},
            "en": {"subject": "English subject", "body": "English body"},
        },
        "url": "/cases/",
        "created_at": timezone.now(),
    }
    data.update(overrides)
    return Notification.objects.create(recipient=recipient, **data)
