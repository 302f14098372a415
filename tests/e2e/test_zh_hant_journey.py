"""The Traditional Chinese interface end to end: a front-desk clerk switches to 繁體中文 in the
navigation bar, registers a visit, opens the case page; the visitor switches the public status
page to 繁體中文 and looks the case up with the query code typed as the receipt prints it."""

import re

import pytest
from django.core.cache import cache

from cases.models import Case
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_traditional_chinese_from_intake_to_status(page, live_server, front_desk, category):
    cache.clear()
    base = live_server.url
    login(page, base, front_desk.username)

    page.click("#language-switch button[value=zh-hant]")
    page.wait_for_selector("html[lang=zh-hant]")
    assert page.locator("#language-switch button[aria-pressed=true]").inner_text() == "繁體中文"
    assert "我的工作臺" in page.locator("h1").inner_text()

    page.click("nav a[href='/cases/new/']")
    page.wait_for_url(f"{base}/cases/new/")
    assert "來訪登記" in page.title()
    page.fill("input[name=visitor_name]", "陳同學")
    page.fill("input[name=phone]", "138 1234 5678")
    page.select_option("select[name=visitor_type]", "student")
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=subject]", "調課諮詢")
    page.fill("textarea[name=question]", "下週二的課能否調到週四？")
    page.check("input[name=outcome][value=self]")
    page.select_option("select[name=pending_reason]", "needs_checking")
    page.check("input[name=deadline_mode][value=working_days]")
    page.fill("input[name=working_days]", "3")
    page.click("#intake-form button[type=submit]")

    page.wait_for_url(re.compile(r"/cases/SW-\d{8}-\d{4}/$"))
    case = Case.objects.get()
    main = page.locator("main").inner_text()
    assert "首問責任人" in main and "首问责任人" not in main
    assert "處理時限" in main

    visitor = page.context.browser.new_context(locale="zh-CN")
    anonymous = visitor.new_page()
    anonymous.goto(f"{base}/status/")
    assert anonymous.locator("html").get_attribute("lang") == "zh-hans"
    anonymous.click("#language-switch button[value=zh-hant]")
    anonymous.wait_for_selector("html[lang=zh-hant]")
    assert "查詢您的事項" in anonymous.locator("h1").inner_text() or "查詢" in anonymous.title()
    anonymous.fill("input[name=number]", case.number.lower())
    code = case.query_code
    anonymous.fill("input[name=query_code]", f"{code[:4]} {code[4:]}".lower())
    anonymous.click("#status-form button[type=submit]")
    anonymous.wait_for_selector("#status-result")
    assert anonymous.locator("#status-value").inner_text() == "辦理中"
    assert "監督電話" in anonymous.locator("#status-complaint").inner_text()
    assert "陳同學" not in anonymous.content()
    visitor.close()
