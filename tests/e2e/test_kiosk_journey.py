"""The counter tablet as a kiosk (1024×768): a staff member turns it into a kiosk, the owner
hands it the signing screen from their own computer; the whole screen fits without scrolling,
a refused post keeps the drawn signature, the visitor signs, and the kiosk cannot reach any
staff page."""

import pytest

from cases.models import Case
from tests.closure.factories import record_result
from tests.e2e.conftest import login
from tests.e2e.test_closure_journey import sign_on_canvas

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_kiosk_signs_and_cannot_reach_staff_pages(
    page, browser, live_server, front_desk, make_case, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    case = make_case(subject="成绩复核")
    record_result(case, result="复核结果：成绩无误，维持原成绩。")

    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    kiosk = tablet.new_page()
    login(kiosk, base, front_desk.username)
    kiosk.goto(f"{base}/kiosk/start/")
    kiosk.fill("input[name=name]", "一号窗口")
    kiosk.click("#kiosk-start-form button[type=submit]")
    kiosk.wait_for_selector("#kiosk-waiting")

    login(page, base, front_desk.username)  # the owner's own computer
    page.goto(f"{base}/cases/{case.number}/")
    page.select_option("#kiosk-hand-form select[name=kiosk]", label="一号窗口")
    page.click("#kiosk-hand-form button[type=submit]")

    kiosk.wait_for_selector("#sign-result")  # the waiting screen polls and moves on
    assert kiosk.url == f"{base}/kiosk/sign/"
    assert kiosk.evaluate("document.documentElement.scrollHeight") <= 768
    assert kiosk.evaluate("document.documentElement.scrollWidth") <= 1024

    sign_on_canvas(kiosk)
    kiosk.click("#sign-submit")  # no rating chosen: the server refuses
    kiosk.wait_for_selector(".alert-danger, .text-danger:not([hidden])")
    assert kiosk.evaluate("document.getElementById('signature-data').value").startswith(
        "data:image/png;base64,"
    )
    kiosk.click("label[for=rating-1]")  # the reasons box opens: still no scrolling
    kiosk.wait_for_selector("#sign-reasons")
    assert kiosk.evaluate("document.documentElement.scrollHeight") <= 768
    kiosk.click("label[for=rating-4]")
    kiosk.click("#sign-submit")  # the kept signature is sent again, not redrawn
    kiosk.wait_for_selector("#signed-outcome")
    case.refresh_from_db()
    assert case.status in (Case.Status.CLOSED, Case.Status.ARCHIVED)

    for path in ("/", f"/cases/{case.number}/", "/cases/new/", "/audit/", "/kiosk/start/"):
        kiosk.goto(f"{base}{path}")
        kiosk.wait_for_selector("#kiosk-waiting")
        assert kiosk.url == f"{base}/kiosk/"
    tablet.close()
