"""Accessibility (issue 17 item 9): the staff pages and the public pages pass axe-core with no
serious or critical violation (the keyboard-only intake: test_keyboard_intake_journey.py)."""

import pytest
from django.core.cache import cache

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STAFF_PAGES = [
    "/",  # the desk
    "/cases/new/",
    "/cases/",
    "{case}",
    "{case}receipt/",
    "/handoffs/",
    "/archive/",
    "/supervision/kpis/",
]
PUBLIC_PAGES = ["/status/", "/supervision/complaint/", "/accounts/login/"]


@pytest.fixture
def axe_page(browser, live_server, settings, work_calendar):
    """A page whose context lets axe's script in (add_script_tag writes it inline)."""
    settings.SITE_URL = live_server.url
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_page_has_no_serious_violation(axe_page, live_server, center_head, make_case, path):
    cache.clear()
    case = make_case()
    login(axe_page, live_server.url, center_head.username)
    axe_page.goto(live_server.url + path.format(case=case.get_absolute_url()))
    axe_page.wait_for_load_state("networkidle")
    assert axe_page.locator("main").count() == 1
    assert_accessible(axe_page)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_violation(axe_page, live_server, path):
    cache.clear()
    axe_page.goto(live_server.url + path)
    axe_page.wait_for_load_state("networkidle")
    assert axe_page.locator("main").count() == 1
    assert_accessible(axe_page)


def test_status_result_has_no_serious_violation(axe_page, live_server, make_case):
    cache.clear()
    case = make_case()
    axe_page.goto(f"{live_server.url}/status/")
    axe_page.fill("input[name=number]", case.number)
    axe_page.fill("input[name=query_code]", case.query_code)
    axe_page.click("#status-form button[type=submit]")
    axe_page.wait_for_selector("#status-result")
    assert_accessible(axe_page)


def test_intake_form_with_errors_has_no_serious_violation(axe_page, live_server, front_desk):
    cache.clear()
    login(axe_page, live_server.url, front_desk.username)
    axe_page.goto(f"{live_server.url}/cases/new/")
    axe_page.click("#intake-form button[type=submit]")
    axe_page.wait_for_selector("#intake-form .is-invalid")
    assert_accessible(axe_page)
