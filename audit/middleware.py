import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import context


class RequestIdMiddleware:
    """Gives every request an id, echoed in X-Request-ID and stamped on its audit rows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = uuid.uuid4().hex
        token = context.request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        response["X-Request-ID"] = rid
        return response
