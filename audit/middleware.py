from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

from . import context

if TYPE_CHECKING:
    from firstask.typing import AppRequest

# An id set by a proxy or a calling system is kept (so one id follows a request across systems)
# when it is short and plain enough to store and log as is: at most 36 characters (a UUID).
INCOMING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,35}")


class RequestIdMiddleware:
    """Gives every request an id, echoed in X-Request-ID and stamped on its audit rows and log
    lines; a well-formed X-Request-ID sent with the request is propagated instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: AppRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = rid  # for log records that carry the request (django.request)
        token = context.request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        response["X-Request-ID"] = rid
        return response
