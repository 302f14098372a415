from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.utils import timezone

from firstask.typing import AuthedRequest
from firstask.viewkit import back_to, form_errors

from ..forms import KpiPeriodForm


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def run(request: AuthedRequest, form: Form, perform: Callable[[dict], Any], *, back: Any) -> bool:
    """Call the service when the form is valid (its errors become messages). A refusal goes to
    firstask.viewkit's middleware, which shows it and returns to ``back``."""
    back_to(request, back)
    if not form.is_valid():
        form_errors(request, form)
        return False
    perform(form.cleaned_data)
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
