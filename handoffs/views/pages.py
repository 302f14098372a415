"""The directory with its referral slip (REF-1), the department inbox and the center-head desk."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Department
from cases.selectors import case_get_for_user
from firstask.typing import AuthedRequest

from .. import rules, selectors


@require_GET
def directory(request: AuthedRequest) -> HttpResponse:
    # A NUL cannot be stored nor searched for in PostgreSQL text: it is dropped, not a 500.
    query = request.GET.get("q", "")[:60].replace("\x00", "")
    number = request.GET.get("case", "")
    case = case_get_for_user(user=request.user, number=number) if number else None
    departments = selectors.departments_directory(query=query)
    context = {"departments": departments, "query": query, "case": case}
    template = "handoffs/directory.html#results" if request.htmx else "handoffs/directory.html"
    return render(request, template, context)


@require_GET
def slip(request: AuthedRequest, pk: int) -> HttpResponse:
    """转介单: what the visitor takes to the department."""
    department = Department.objects.filter(pk=pk, is_active=True).select_related("head").first()
    if department is None:
        raise Http404
    number = request.GET.get("case", "")
    case = case_get_for_user(user=request.user, number=number) if number else None
    return render(
        request,
        "handoffs/referral_slip.html",
        {"department": department, "case": case, "today": timezone.localdate()},
    )


@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    inbox = selectors.department_inbox(user=request.user)
    is_head = inbox.department is not None and rules.is_head_of(request.user, inbox.department)
    return render(request, "handoffs/inbox.html", {"inbox": inbox, "is_head": is_head})


DESK_ROWS, DESK_MAX_ROWS = 20, 500


@require_GET
def desk(request: AuthedRequest) -> HttpResponse:
    """HND-5. htmx reloads only the board after an in-place action (event ``desk-changed``)."""
    if not rules.can_coordinate(request.user):
        raise PermissionDenied
    template = "handoffs/desk.html#board" if request.htmx else "handoffs/desk.html"
    shown = _rows_shown(request.GET.get("shown"))
    context = {"desk": selectors.center_desk(limit=shown), "max_rows": DESK_MAX_ROWS}
    return render(request, template, context)


def _rows_shown(value: str | None) -> int:
    """How many rows each desk list shows: 20, or up to 500 after "show all" (?shown=N)."""
    try:
        return min(max(int(value or DESK_ROWS), DESK_ROWS), DESK_MAX_ROWS)
    except ValueError:
        return DESK_ROWS
