"""The 500 handler: a database that went away answers 503 with Retry-After, not 500; so does a
media bucket (MEDIA_STORAGE=s3) that does not answer.

A handler rather than a middleware's ``process_exception``: the first database touch of a
signed-in request is the session and user load inside the middleware chain, and exceptions
raised there never reach ``process_exception``; every uncaught exception, wherever it was
raised, reaches ``handler500``. Nothing is half-written: every service that writes runs in a
transaction (``@transaction.atomic``), which the lost connection rolls back.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER_SECONDS = 10


def _store_unavailable(error: BaseException | None) -> bool:
    """The S3-compatible store refused the connection, timed out or answered 5xx (its own
    "slow down" included): passing, like a database restart. Bad keys or a missing bucket stay a
    500, an operator's error."""
    try:
        from botocore import exceptions
    except ImportError:  # pragma: no cover - django-storages[s3] is a dependency
        return False
    if isinstance(error, exceptions.ConnectionError | exceptions.HTTPClientError):
        return True
    if isinstance(error, exceptions.ClientError):
        return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    store = _store_unavailable(error)
    if not (store or isinstance(error, OperationalError | InterfaceError)):
        return defaults.server_error(request)
    # No request context: its processors (roles, the user) would ask the database again.
    page = render_to_string("503.html", {"seconds": RETRY_AFTER_SECONDS, "store": store})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
