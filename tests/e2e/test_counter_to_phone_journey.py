"""Issue 17's whole journey in one browser run: the clerk registers a visit by keyboard alone
(messages ticked) → the receipt is the next step → the receipt SMS reaches a loopback Aliyun
gateway carrying the status link → the result is recorded → the "result ready" SMS carries the
signing link → the visitor signs on a 390×844 phone with no staff session → the case closes."""

import re

import pytest
from django.core.cache import cache

from cases.models import Case
from notifications import delivery
from tests.e2e.conftest import login
from tests.e2e.test_closure_journey import give_result, sign_on_canvas
from tests.e2e.test_keyboard_intake_journey import focused
from tests.notifications.sms_gateways import AliyunGateway, configure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gateway(settings):
    server = AliyunGateway()
    configure(settings, "aliyun", server)
    yield server
    server.close()


def register_by_keyboard(page) -> None:
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/cases/new/$"))  # loaded, its scripts too
    assert focused(page) == "visitor_name"
    page.keyboard.type("王同学")
    page.keyboard.press("Enter")
    assert focused(page) == "phone"
    page.keyboard.type("13812349876")
    page.keyboard.press("Enter")
    assert focused(page) == "notify_visitor"
    page.keyboard.press("Space")  # the visitor wants to be told
    for _field in ("notify_visitor", "visitor_email", "visitor_type", "channel", "visit_time"):
        page.keyboard.press("Enter")
    assert focused(page) == "category"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.type("证书领取")
    page.keyboard.press("Enter")
    page.keyboard.type("毕业证书什么时候可以领？")
    page.keyboard.press("Tab")  # out of the text area
    page.keyboard.press("Tab")  # past the optional document
    assert focused(page) == "outcome"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")  # a reason it could not be answered on the spot
    for _field in ("pending_reason", "pending_note", "deadline_mode", "working_days"):
        page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # deadline_at
    assert focused(page) == "print_receipt"
    page.keyboard.press("Enter")  # the last field registers the visit


def test_from_the_counter_keyboard_to_the_visitor_s_phone(
    page, browser, live_server, front_desk, category, gateway, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    base = live_server.url
    login(page, base, front_desk.username)

    register_by_keyboard(page)
    page.wait_for_url(re.compile(r"/cases/SW-\d{8}-\d{4}/$"))
    case = Case.objects.get()
    assert case.visitor_name == "王同学"
    page.keyboard.press("Enter")  # the receipt holds the focus: the next step
    page.wait_for_url(f"{base}/cases/{case.number}/receipt/")
    assert page.locator("#receipt-number").inner_text() == case.number

    delivery.notifications_deliver_due()
    (receipt,) = gateway.messages
    assert receipt["phone"] == "13812349876"
    assert receipt["params"]["link"] == f"{base}/status/t/{case.status_token}/"

    page.goto(f"{base}/cases/{case.number}/")
    give_result(page, "证书周五上午可在服务大厅领取。")
    delivery.notifications_deliver_due()
    link = gateway.messages[-1]["params"]["link"]
    assert link.startswith(f"{base}/sign/")

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    visitor = phone.new_page()
    visitor.goto(link)
    visitor.wait_for_selector("#sign-result")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
    visitor.click("label[for=rating-5]")
    sign_on_canvas(visitor)
    visitor.click("#sign-submit")
    visitor.wait_for_selector("#signed-outcome")
    case.refresh_from_db()
    assert case.status in (Case.Status.CLOSED, Case.Status.ARCHIVED)
    assert case.satisfaction == 5
    phone.close()
