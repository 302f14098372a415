from __future__ import annotations

import json
import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("firstask.csp")
MAX_REPORT_BYTES = 8192


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
