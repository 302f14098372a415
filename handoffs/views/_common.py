"""Thin-view helpers: turn domain errors into 403 or a message, and go back where the user was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from cases.errors import CaseError, NotAllowed
from firstask.typing import AuthedRequest


def back(request: AuthedRequest, fallback: Any) -> HttpResponseRedirect:
    """To the page the form came from (its ``next`` field), else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = resolve_url(fallback)
    return HttpResponseRedirect(target)


def run(request: AuthedRequest, action: Callable[[], Any], *, form: Form | None = None) -> bool:
    """Call a service. NotAllowed is a 403 (the user sees the object but may not act); other
    refusals become a form error, or a message when there is no form to show them on."""
    try:
        action()
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except (CaseError, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        if form is not None:
            form.add_error(None, text)
        else:
            messages.error(request, text)
        return False
    return True


def form_errors(request: AuthedRequest, form: Form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def post_action(
    request: AuthedRequest,
    form: Form,
    action: Callable[[dict[str, Any]], Any],
    *,
    fallback: Any,
    success: str | None = None,
) -> HttpResponse:
    """Validate, run the service, report, and go back."""
    if not form.is_valid():
        form_errors(request, form)
    elif run(request, lambda: action(form.cleaned_data)):
        messages.success(request, success or _("Saved."))
    return back(request, fallback)


def desk_changed() -> HttpResponse:
    """htmx answer to an in-place action on the center-head desk: the board reloads itself."""
    response = HttpResponse(status=204)
    response["HX-Trigger"] = "desk-changed"
    return response
