"""Front desk by keyboard alone (issue 17 items 4 and 9): N opens a new visit with the cursor in
the name, Enter moves from field to field and registers on the last one, the receipt is the next
step (Enter again); / reaches the case search from anywhere; ? lists the shortcuts."""

import re

import pytest
from django.core.cache import cache

from cases import calendar
from cases.models import Case
from tests.e2e.conftest import login
from tests.handoffs.factories import PNG_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def focused(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.name || ''")


def test_intake_by_keyboard_only_then_receipt(page, live_server, front_desk, category):
    cache.clear()
    base = live_server.url
    login(page, base, front_desk.username)

    page.keyboard.press("n")
    page.wait_for_url(f"{base}/cases/new/")
    assert focused(page) == "visitor_name"
    page.keyboard.type("张同学")
    page.keyboard.press("Enter")
    assert page.url == f"{base}/cases/new/"  # Enter moved on, it posted nothing
    assert focused(page) == "phone"
    page.keyboard.type("13812345678")
    page.keyboard.press("Enter")
    assert focused(page) == "notify_visitor"
    page.keyboard.press("Enter")
    assert focused(page) == "visitor_email"
    page.keyboard.press("Enter")
    assert focused(page) == "visitor_type"
    page.keyboard.press("Enter")
    assert focused(page) == "channel"
    page.keyboard.press("Enter")
    assert focused(page) == "visit_time"
    page.keyboard.press("Enter")
    assert focused(page) == "category"
    page.keyboard.press("ArrowDown")  # from "---------" to the first category
    page.keyboard.press("Enter")
    assert focused(page) == "subject"
    page.keyboard.type("调课咨询")
    page.keyboard.press("Enter")
    assert focused(page) == "question"
    page.keyboard.type("下周二的课")
    page.keyboard.press("Enter")  # a text area keeps its new lines
    page.keyboard.type("能否调到周四？")
    assert focused(page) == "question"
    page.keyboard.press("Tab")
    assert focused(page) == "document"
    page.keyboard.press("Tab")
    assert focused(page) == "outcome"  # the checked radio: "handled by me"
    page.keyboard.press("Enter")
    assert focused(page) == "pending_reason"  # §2.1.2: why not on the spot
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert focused(page) == "pending_note"
    page.keyboard.press("Enter")
    assert focused(page) == "deadline_mode"
    page.keyboard.press("Enter")
    assert focused(page) == "working_days"
    page.keyboard.press("Enter")
    assert focused(page) == "deadline_at"
    page.keyboard.press("Enter")
    assert focused(page) == "print_receipt"
    page.keyboard.press("Enter")  # the last field: registers the visit

    page.wait_for_url(re.compile(r"/cases/SW-\d{8}-\d{4}/$"))
    case = Case.objects.get()
    assert case.question.splitlines() == ["下周二的课", "能否调到周四？"]
    assert case.category == category
    assert case.deadline == calendar.deadline_in_working_days(3)
    # The receipt is the next step: its link holds the focus.
    assert page.evaluate("() => document.activeElement.id") == "receipt-next"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/cases/{case.number}/receipt/")
    assert page.locator("#receipt-number").inner_text() == case.number
    assert page.locator("[data-autoprint]").count() == 0

    # The next visit starts on the category used last.
    page.keyboard.press("n")
    page.wait_for_url(f"{base}/cases/new/")
    assert page.locator("select[name=category]").input_value() == str(category.pk)


def test_print_preference_opens_the_print_dialog_once(
    page, live_server, front_desk, category, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    base = live_server.url
    page.add_init_script(
        "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"
    )
    login(page, base, front_desk.username)
    page.goto(f"{base}/cases/new/")
    page.fill("input[name=visitor_name]", "李家长")
    page.fill("input[name=phone]", "13912345678")
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=subject]", "学费")
    page.fill("textarea[name=question]", "学费何时缴纳？")
    page.select_option("select[name=pending_reason]", "needs_checking")
    page.set_input_files(
        "input[name=document]",
        files=[{"name": "证件.png", "mimeType": "image/png", "buffer": PNG_BYTES}],
    )
    page.check("input[name=print_receipt]")
    page.click("#intake-form button[type=submit]")

    case_number = re.compile(r"/cases/(SW-\d{8}-\d{4})/receipt/$")
    page.wait_for_url(case_number)
    page.wait_for_function("() => window.__printed === 1")
    page.reload()
    page.wait_for_selector("#receipt-number")
    assert page.locator("[data-autoprint]").count() == 0
    assert page.evaluate("() => window.__printed || 0") == 0

    # The document came along with the form (multipart) and is listed on the case page.
    page.click("a.btn-link")
    page.wait_for_selector("#case-attachments")
    assert page.locator("#case-attachments a").inner_text() == "证件.png"


def test_slash_reaches_the_case_search_from_any_staff_page(page, live_server, front_desk):
    cache.clear()
    base = live_server.url
    login(page, base, front_desk.username)

    page.keyboard.press("/")
    page.wait_for_url(f"{base}/cases/#search")
    page.wait_for_function("() => document.activeElement && document.activeElement.name === 'q'")
    # Typing in the search box is typing, not shortcuts.
    page.keyboard.type("n/")
    assert page.url == f"{base}/cases/#search"
    assert page.locator("#case-search [name=q]").input_value() == "n/"

    # On the list itself "/" focuses the box without leaving the page.
    page.locator("h1").click()
    page.keyboard.press("/")
    assert focused(page) == "q"


def test_question_mark_lists_the_shortcuts(page, live_server, front_desk):
    cache.clear()
    login(page, live_server.url, front_desk.username)
    page.keyboard.press("?")
    help_dialog = page.locator("#shortcuts-help")
    help_dialog.wait_for(state="visible")
    assert "N" in help_dialog.inner_text()
    assert "/" in help_dialog.inner_text()


KEYDOWN = """([key, options, selector]) => {
    const target = selector ? document.querySelector(selector) : document.body;
    const event = new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true, ...options});
    return target.dispatchEvent(event) === false;  // true: a shortcut took the key
}"""


def test_shortcuts_ignore_modifier_keys_and_fields(page, live_server, front_desk):
    cache.clear()
    login(page, live_server.url, front_desk.username)
    page.goto(f"{live_server.url}/cases/")
    assert page.evaluate(KEYDOWN, ["/", {}, None]) is True  # the control: a bare "/" is taken
    assert page.evaluate(KEYDOWN, ["n", {"altKey": True}, None]) is False
    assert page.evaluate(KEYDOWN, ["n", {"ctrlKey": True}, None]) is False
    assert page.evaluate(KEYDOWN, ["/", {"metaKey": True}, None]) is False
    assert page.evaluate(KEYDOWN, ["n", {}, "#case-search [name=q]"]) is False
    assert page.evaluate(KEYDOWN, ["/", {}, "#case-search select"]) is False


def test_no_shortcuts_on_public_pages(page, live_server):
    base = live_server.url
    page.goto(f"{base}/status/")
    page.locator("main").click()
    page.keyboard.press("n")
    page.keyboard.press("/")
    assert page.locator("#shortcuts").count() == 0
    assert page.url == f"{base}/status/"
