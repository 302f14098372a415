from __future__ import annotations

import json
import logging

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .permissions import roles_of

logger = logging.getLogger("firstask.csp")
MAX_REPORT_BYTES = 8192

# The first page of a role whose work is not on the case desk, by URL name; apps above accounts
# register theirs in AppConfig.ready (the archive for auditors), as accounts may not name them.
LANDING_PAGES: dict[str, str] = {}


class SignInView(LoginView):
    """Sign in, then land on the role's first page unless the request asked for one (?next=)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        roles = roles_of(self.request.user)
        # Only a user with that role alone: an auditor who also works cases keeps the desk.
        if len(roles) == 1 and (landing := LANDING_PAGES.get(next(iter(roles)))):
            return resolve_url(landing)
        return super().get_default_redirect_url()

    # django-stubs has Django 6.0's signature (a request argument); Django 5.2 takes none.
    def get_redirect_url(self) -> str:  # type: ignore[override]
        # ?next= naming the sign-in page itself would send a signed-in user round in a loop
        # (Django refuses it with an error): such a next is ignored.
        url = super().get_redirect_url()
        return "" if url and url.split("?")[0] == self.request.path else url


@csrf_exempt  # browsers post reports without our token; the view only logs
@login_not_required
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log a Content-Security-Policy violation report (the browser's report-uri)."""
    body = request.body[:MAX_REPORT_BYTES]
    try:
        report = json.loads(body or b"{}").get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if isinstance(report, dict):
        logger.warning(
            "CSP violation: %s blocked %s on %s",
            str(report.get("violated-directive", ""))[:100],
            str(report.get("blocked-uri", ""))[:200],
            str(report.get("document-uri", ""))[:200],
        )
    return HttpResponse(status=204)
