"""Every file the application hands out is sandboxed: should a browser ever render one (an
attachment, an export, a signature opened in a tab), it runs no script, submits no form and
reaches no origin. django-csp leaves a header already set alone."""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpResponseBase

Response = TypeVar("Response", bound=HttpResponseBase)

DOWNLOAD_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"


def sandboxed(response: Response) -> Response:
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response
