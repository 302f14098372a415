"""Front-desk journey: log in, register a visit with a 3-working-day promise, open the receipt;
then the visitor checks the status anonymously with the query code."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation

from cases import calendar
from cases.models import Case
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_register_visit_then_visitor_checks_status(page, live_server, front_desk, category):
    cache.clear()
    base = live_server.url
    login(page, base, front_desk.username)

    page.click("nav a[href='/cases/new/']")
    page.wait_for_url(f"{base}/cases/new/")
    page.fill("input[name=visitor_name]", "张同学")
    page.fill("input[name=phone]", "138 1234 5678")
    page.select_option("select[name=visitor_type]", "student")
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=subject]", "调课咨询")
    page.fill("textarea[name=question]", "下周二的课能否调到周四？")
    page.check("input[name=outcome][value=self]")
    page.select_option("select[name=pending_reason]", "needs_checking")
    page.check("input[name=deadline_mode][value=working_days]")
    page.fill("input[name=working_days]", "3")
    page.click("#intake-form button[type=submit]")

    page.wait_for_url(re.compile(r"/cases/SW-\d{8}-\d{4}/$"))
    case = Case.objects.get()
    assert case.owner == front_desk
    assert case.deadline == calendar.deadline_in_working_days(3)
    assert page.locator("#case-owner").inner_text().startswith(front_desk.name)

    page.click(f"a[href='/cases/{case.number}/receipt/']")
    page.wait_for_url(f"{base}/cases/{case.number}/receipt/")
    assert page.locator("#receipt-number").inner_text() == case.number
    assert page.locator("#receipt-code").inner_text() == case.query_code
    assert page.locator(".qr svg").count() == 1

    visitor = page.context.browser.new_context(locale="zh-CN")
    anonymous = visitor.new_page()
    anonymous.goto(f"{base}/status/")
    anonymous.fill("input[name=number]", case.number)
    anonymous.fill("input[name=query_code]", case.query_code)
    anonymous.click("#status-form button[type=submit]")
    anonymous.wait_for_selector("#status-result")
    with translation.override("zh-hans"):
        expected_status = str(Case.Status(case.status).label)
    assert anonymous.locator("#status-value").inner_text() == expected_status
    assert "张同学" not in anonymous.content()
    visitor.close()
