"""The front desk answers on the spot with a canned answer: search from the intake form, insert,
register; the use is counted."""

import re

import pytest
from playwright.sync_api import expect

from answers import services
from answers.models import CannedAnswer
from cases.models import Case
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_canned_answer_is_inserted_at_intake(
    page, live_server, front_desk, department_head, department, category
):
    answer = services.answer_create(
        department_head,
        department=department,
        category=category,
        title="成绩单怎么开？",
        body="在自助打印机上刷校园卡即可打印中英文成绩单。",
    )
    base = live_server.url
    login(page, base, front_desk.username)
    page.goto(f"{base}/cases/new/")
    page.fill("input[name=visitor_name]", "李四")
    page.fill("input[name=phone]", "13912345678")
    page.select_option("select[name=visitor_type]", "student")
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=subject]", "成绩单")
    page.fill("textarea[name=question]", "怎么打印成绩单？")
    page.check("input[name=outcome][value=on_the_spot]")
    page.fill("#canned-q", "成绩单")
    page.locator("#canned-results [data-canned-insert]").first.click()
    # (wait_for_function would evaluate a string: the page's CSP forbids that)
    expect(page.locator("#intake-form [name=answer]")).to_have_value(re.compile("自助打印机"))
    page.fill("input[name=confirmation_note]", "访客表示明白")
    page.click("#intake-form button[type=submit]")
    page.wait_for_selector("#case-status")
    assert "自助打印机" in Case.objects.get().answer
    assert CannedAnswer.objects.get(pk=answer.pk).usage_count == 1
