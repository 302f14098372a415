from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.utils import timezone

from cases.errors import CaseError
from firstask.typing import AuthedRequest

from ..forms import KpiPeriodForm


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def form_errors_to_messages(request: AuthedRequest, form: Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def run(request: AuthedRequest, form: Form, perform) -> bool:
    """Call the service when the form is valid; a refusal becomes an error message."""
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return False
    try:
        perform(form.cleaned_data)
    except CaseError as error:
        messages.error(request, str(error))
        return False
    return True


def default_period() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today.replace(day=1), today


def period_form(request: AuthedRequest) -> KpiPeriodForm:
    """The period from the query string; this month to date when none is given."""
    if "start" in request.GET or "end" in request.GET:
        return KpiPeriodForm(request.GET)
    start, end = default_period()
    return KpiPeriodForm({"start": start.isoformat(), "end": end.isoformat()})
