"""Center head's overdue alert: the scan flags a case, the bell counts it, the inbox marks it
read through htmx and opens the case."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import overdue
from tests.e2e.conftest import login
from tests.notifications.factories import due_cases

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_center_head_sees_the_overdue_alert_and_opens_the_case(
    page, live_server, front_desk, center_head, category
):
    (case,) = due_cases(
        1, owner=front_desk, category=category, deadline=timezone.now() - dt.timedelta(hours=2)
    )
    overdue.flag_overdue()
    base = live_server.url

    login(page, base, center_head.username)

    badge = page.locator("#notification-bell .notification-count")
    badge.wait_for()
    assert badge.inner_text() == "1"
    assert case.number in page.locator("#center-overdue").inner_text()
    assert "已超时" in page.locator("#center-overdue").inner_text()

    page.click("#notification-bell")
    page.wait_for_url(f"{base}/notifications/")
    item = page.locator(".list-group-item[data-unread='1']")
    assert f"超时督办：事项 {case.number}" in item.inner_text()

    item.get_by_role("button", name="标为已读").click()
    page.locator(".list-group-item[data-unread='0']").wait_for()
    badge.wait_for(state="detached")  # the bell refreshed itself on the htmx event

    page.get_by_role("button", name="打开").click()
    page.wait_for_url(f"{base}/cases/{case.number}/")
