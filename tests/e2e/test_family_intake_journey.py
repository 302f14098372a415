"""Front-desk journey (VIS-1, VIS-2): a family shares one phone. The clerk types the phone, the
second family member is recognised among the people on file and picked from the list; then the
clerk finds the family's cases by the phone from the case list's one search box, and the number
never shows in the address bar."""

import re

import pytest
from django.core.cache import cache

from cases.models import Case, Visitor
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"


def test_second_family_member_is_recognised_and_picked(
    page, live_server, front_desk, category, make_case
):
    cache.clear()
    student = make_case(visitor_name="王小明", phone=PHONE, subject="调课")
    parent = make_case(visitor_name="王建国", phone=PHONE, subject="退费")
    base = live_server.url
    login(page, base, front_desk.username)

    page.goto(f"{base}/cases/new/")
    page.locator("input[name=phone]").press_sequentially("139 1234 5678")
    page.wait_for_selector("#returning-visitor")
    panel = page.locator("#returning-visitor")
    assert "王小明" in panel.inner_text() and "王建国" in panel.inner_text()
    assert parent.number in page.locator(f"[data-person='{parent.visitor_id}']").inner_text()
    page.check(f"#person-{parent.visitor_id}")
    assert page.input_value("input[name=visitor_name]") == "王建国"
    page.select_option("select[name=visitor_type]", "parent")
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=subject]", "家长会时间")
    page.fill("textarea[name=question]", "下次家长会什么时候？")
    page.check("input[name=outcome][value=self]")
    page.select_option("select[name=pending_reason]", "needs_checking")
    page.check("input[name=deadline_mode][value=working_days]")
    page.fill("input[name=working_days]", "3")
    page.click("#intake-form button[type=submit]")

    page.wait_for_url(re.compile(r"/cases/SW-\d{8}-\d{4}/$"))
    case = Case.objects.get(subject="家长会时间")
    assert case.visitor_id == parent.visitor_id
    assert Visitor.objects.filter(phone=PHONE).count() == 2
    assert page.locator("#visitor-name").inner_text().startswith("王建国")

    page.goto(f"{base}/cases/")
    page.fill("input[name=q]", PHONE)
    page.click("#case-search button[type=submit]")
    page.wait_for_url(re.compile(r"qs="))
    page.wait_for_selector(f"#results a[href='/cases/{case.number}/']")
    results = page.locator("#results").inner_text()
    assert student.number in results and parent.number in results
    assert PHONE not in page.url
