"""Hostile text in every free-text field, opened in real Chromium under our CSP: no dialog ever
opens and the browser reports no CSP violation (a violation would mean something tried to run
inline script or style that the policy then had to block)."""

import re

import pytest
from django.core.cache import cache

from tests.e2e.conftest import login
from tests.security.payloads import hostile_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Collect violations in the page itself, before any page script runs.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _watch(page):
    dialogs, console = [], []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(WATCH_CSP)
    return dialogs, console


def _visit(page, url, seen):
    page.goto(url)
    page.wait_for_load_state("load")
    seen.extend(page.evaluate("window.__csp"))


def test_hostile_text_stays_inert_in_chromium(
    page, live_server, front_desk, center_head, category, department
):
    cache.clear()
    base = live_server.url
    case = hostile_world(category=category, department=department, owner=front_desk)
    dialogs, console = _watch(page)
    violations: list[str] = []

    login(page, base, center_head.username)
    for path in [
        "/",
        "/cases/",
        f"/cases/{case.number}/",
        f"/cases/{case.number}/receipt/",
        f"/status/t/{case.status_token}/",
    ]:
        _visit(page, base + path, violations)
        assert page.locator("main").count() == 1

    # htmx partials: the filtered list and the department card on the intake form.
    _visit(page, f"{base}/cases/", violations)
    page.fill("input[name=q]", "script")
    page.click("#case-search button[type=submit]")
    page.wait_for_url(re.compile(r"q=script"))
    page.wait_for_selector(f"#results a[href='/cases/{case.number}/']")
    _visit(page, f"{base}/cases/new/", violations)
    page.check("input[name=outcome][value=referral]")
    page.select_option("select[name=department]", str(department.pk))
    page.wait_for_selector("#department-contact")
    page.locator("input[name=phone]").press_sequentially("13812341234")
    page.wait_for_selector("#returning-visitor")
    violations.extend(page.evaluate("window.__csp"))

    assert "&lt;script&gt;" not in page.locator("#department-contact").inner_text()
    assert (
        "<script>alert('xss-script')</script>" in page.locator("#department-contact").inner_text()
    )
    assert dialogs == []
    assert violations == []
    assert console == []


def test_the_watch_does_see_a_blocked_inline_script(page, live_server):
    """Control: our CSP blocks an injected inline script and the watch reports it."""
    dialogs, _console = _watch(page)
    page.goto(f"{live_server.url}/status/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'alert(1)'; document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__csp.length > 0")
    assert dialogs == []
    assert "script-src" in page.evaluate("window.__csp")[0]
