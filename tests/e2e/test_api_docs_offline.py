"""/api/docs/ renders from our own server alone: every request to another host is blocked, and
the page still shows the API's operations (Swagger UI vendored under static/vendor/), with no
CSP violation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_the_api_docs_render_offline(page, live_server, front_desk):
    outside = []

    def only_localhost(route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", only_localhost)
    page.add_init_script(WATCH_CSP)
    login(page, live_server.url, front_desk.username)
    page.goto(f"{live_server.url}/api/docs/")
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for()
    paths = set(operations.all_inner_texts())
    assert {"/api/v1/cases/", "/api/v1/cases/{number}/", "/api/v1/departments/"} <= {
        path.replace("\u200b", "") for path in paths
    }
    assert page.locator(".information-container .title").inner_text().startswith("firstask API")
    assert outside == []
    assert page.evaluate("window.__csp") == []
