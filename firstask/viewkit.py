"""Thin views, one answer to a refusal.

Views call a service and let its domain error go: ``DomainErrorMiddleware`` turns it into the
same response in every app.

- ``NotAllowed``: the 403 page (the user sees the object but may not act on it).
- ``StaleVersion``: the 409 page "someone else changed this", with a link back to reload.
- any other ``CaseError`` (``WrongState``, ``ArchivedCase``, ``BadInput``…) or a Django
  ``ValidationError`` from a service: the message, and back to where the user was.

htmx requests get the same decision in a form htmx acts on: the message is queued, the page
reloads (``HX-Refresh``) and ``HX-Trigger: {"domain-error": {"message", "status"}}`` tells any
listener. A view that shows a form on its own page catches the refusals a form can show with
``attempt`` (a form error, the page re-rendered); NotAllowed and StaleVersion still go to the
middleware. "Back" is the form's ``next`` field when it is on this site, else the fallback the
view named with ``back_to`` (``post_action`` names it), else the referring page, else "/".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.urls import get_resolver
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from cases.errors import CaseError, NotAllowed, StaleVersion

_BACK = "_viewkit_back"
HX_EVENT = "domain-error"


def back_to(request: HttpRequest, fallback: Any) -> None:
    """Where a refusal raised later in this request sends the user back to (a model with
    ``get_absolute_url``, a URL name or a URL)."""
    setattr(request, _BACK, fallback)


def _safe(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def back_url(request: HttpRequest, fallback: Any = None) -> str:
    # A path on this site only: some forms use ``next`` for a keyword ("meetings").
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and _safe(request, target):
        return target
    fallback = fallback if fallback is not None else getattr(request, _BACK, None)
    if fallback is not None:
        return resolve_url(fallback)
    referer = request.META.get("HTTP_REFERER", "")
    return referer if _safe(request, referer) else "/"


def back(request: HttpRequest, fallback: Any) -> HttpResponseRedirect:
    """To the page the form came from (its ``next`` field), else to ``fallback``."""
    return HttpResponseRedirect(back_url(request, fallback))


def form_errors(request: HttpRequest, form: Form) -> None:
    """A form posted from a page that does not show it: its errors as messages."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error)


@contextmanager
def refusals_on(form: Form) -> Iterator[None]:
    """Around a service called for a form shown on this page: a refusal the user can correct
    becomes a form error and the block is left (the view goes on to render the form again).
    NotAllowed and StaleVersion are not the form's business: they go on to the middleware."""
    try:
        yield
    except (NotAllowed, StaleVersion):
        raise
    except (CaseError, ValidationError) as error:
        form.add_error(None, error_text(error))


def attempt(action: Callable[[], Any], *, form: Form) -> bool:
    """``refusals_on`` for one call: True when the service did its work."""
    with refusals_on(form):
        action()
        return True
    return False


def post_action(
    request: HttpRequest,
    form: Form,
    action: Callable[[dict[str, Any]], Any],
    *,
    fallback: Any,
    success: str | None = None,
) -> HttpResponse:
    """A button on another page: validate, run the service, say it was done, go back."""
    back_to(request, fallback)
    if not form.is_valid():
        form_errors(request, form)
    else:
        action(form.cleaned_data)
        messages.success(request, success or _("Saved."))
    return back(request, fallback)


def _htmx(request: HttpRequest, text: str, status: int) -> HttpResponse:
    messages.error(request, text)
    response = HttpResponse(status=status)
    response["HX-Trigger"] = json.dumps({HX_EVENT: {"message": text, "status": status}})
    response["HX-Refresh"] = "true"
    return response


def refusal_response(request: HttpRequest, error: Exception) -> HttpResponse:
    """The one answer to a domain error (also usable by a view that catches one itself)."""
    text = error_text(error)
    htmx = bool(getattr(request, "htmx", False))
    if isinstance(error, NotAllowed):
        if htmx:
            return _htmx(request, text, 403)
        handler = get_resolver().resolve_error_handler(403)
        return handler(request, exception=error)  # type: ignore[call-arg]  # stubs: handler403(request, exception)
    if isinstance(error, StaleVersion):
        if htmx:
            return _htmx(request, text, 409)
        page = render_to_string(
            "409.html", {"message": text, "reload": back_url(request)}, request=request
        )
        return HttpResponse(page, status=409)
    if htmx:
        return _htmx(request, text, 200)
    messages.error(request, text)
    return HttpResponseRedirect(back_url(request))


class DomainErrorMiddleware:
    """Maps the domain errors a view lets through (see the module docstring). The REST API
    answers its own errors as JSON (api/)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, CaseError | ValidationError):
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and "api" in match.namespaces:
            return None
        return refusal_response(request, exception)
