"""The front desk answers on the spot with a canned answer: search from the intake form, insert,
register; the use is counted. The visitor confirms the answer (§3.4.1): in words with the
rating they gave (the case closes at once), or on the signing screen."""

import re

import pytest
from playwright.sync_api import expect

from answers import services
from answers.models import CannedAnswer
from cases.models import Case
from tests.e2e.conftest import login
from tests.e2e.test_closure_journey import visitor_signs

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
    page.select_option("select[name=confirmation_method]", "verbal")
    page.select_option("select[name=rating]", "4")
    page.fill("input[name=confirmation_note]", "访客表示明白")
    page.click("#intake-form button[type=submit]")
    page.wait_for_selector("#case-status")
    case = Case.objects.get()
    assert "自助打印机" in case.answer
    assert case.closed_at is not None and case.satisfaction == 4  # closed (then archived)
    assert CannedAnswer.objects.get(pk=answer.pk).usage_count == 1


def test_an_answer_on_the_spot_is_signed_on_the_signing_screen(
    page, live_server, front_desk, category
):
    base = live_server.url
    login(page, base, front_desk.username)
    page.goto(f"{base}/cases/new/")
    page.fill("input[name=visitor_name]", "王五")
    page.fill("input[name=phone]", "13912345679")
    page.select_option("select[name=visitor_type]", "parent")
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=subject]", "开学时间")
    page.fill("textarea[name=question]", "什么时候开学？")
    page.check("input[name=outcome][value=on_the_spot]")
    page.fill("#intake-form [name=answer]", "九月一日开学。")
    expect(page.locator("select[name=confirmation_method]")).to_have_value("signature")
    page.click("#intake-form button[type=submit]")
    page.wait_for_selector("#sign-start-form")  # the case waits for the visitor's signature
    visitor_signs(page, rating=5)
    case = Case.objects.get()
    assert case.closed_at is not None and case.satisfaction == 5
    assert case.result_rounds.get().signature_sha256
