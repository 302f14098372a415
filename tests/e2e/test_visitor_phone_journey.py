"""The visitor's phone: intake with messages ticked → the receipt SMS reaches a loopback Aliyun
gateway carrying the status link → the result is recorded → the "result ready" SMS carries the
signing link → on a 390×844 phone, with no staff session, the visitor rates and signs → the
case closes."""

import pytest

from cases.models import Case
from notifications import delivery
from tests.e2e.conftest import login
from tests.e2e.test_closure_journey import give_result, sign_on_canvas
from tests.notifications.sms_gateways import AliyunGateway, configure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gateway(settings):
    server = AliyunGateway()
    configure(settings, "aliyun", server)
    yield server
    server.close()


def test_visitor_signs_on_their_phone_from_the_sms_link(
    page, browser, live_server, front_desk, category, gateway, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    login(page, base, front_desk.username)
    page.goto(f"{base}/cases/new/")
    page.fill("input[name=visitor_name]", "张三")
    page.fill("input[name=phone]", "13812341234")
    page.select_option("select[name=visitor_type]", "student")
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=subject]", "证书领取")
    page.fill("textarea[name=question]", "毕业证书什么时候可以领？")
    page.check("input[name=notify_visitor]")
    page.select_option("select[name=pending_reason]", "needs_checking")
    page.click("#intake-form button[type=submit]")
    page.wait_for_selector("#case-status")
    case = Case.objects.get()

    delivery.notifications_deliver_due()
    (receipt,) = gateway.messages
    assert receipt["params"]["link"] == f"{base}/status/t/{case.status_token}/"

    give_result(page, "证书周五上午可在服务大厅领取。")
    delivery.notifications_deliver_due()
    ready = gateway.messages[-1]
    assert ready["template"] == "SMS_100003"
    link = ready["params"]["link"]
    assert link.startswith(f"{base}/sign/")

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    visitor = phone.new_page()
    visitor.goto(link)
    visitor.wait_for_selector("#sign-result")
    # Nothing wider than the phone: no sideways scrolling.
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
    visitor.click("label[for=rating-5]")
    sign_on_canvas(visitor)
    visitor.click("#sign-submit")
    visitor.wait_for_selector("#signed-outcome")
    assert visitor.locator("#back-to-case").count() == 0
    case.refresh_from_db()
    assert case.status in (Case.Status.CLOSED, Case.Status.ARCHIVED)
    visitor.goto(link)  # used once
    visitor.wait_for_selector("#sign-expired")
    phone.close()
