"""/audit/: the trail and the personal-data access log for auditors and the center head
(AUD-2). Every page and export of them is itself an audit event."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import can_read_audit_trail
from firstask.downloads import sandboxed
from firstask.typing import AuthedRequest

from . import selectors, services
from .chain import canonical
from .forms import AccessFilterForm, TrailFilterForm
from .models import AuditEvent, PersonalDataAccess

EXPORT_MAX_ROWS = 100_000


def _require_reader(request: AuthedRequest) -> None:
    if not can_read_audit_trail(request.user):
        raise PermissionDenied


def _filters(form: Any) -> dict[str, Any] | None:
    return (
        {k: v for k, v in form.cleaned_data.items() if k != "before"} if form.is_valid() else None
    )


def _next_link(request: AuthedRequest, before: int | None) -> str | None:
    if before is None:
        return None
    query = request.GET.copy()
    query["before"] = str(before)
    return f"?{query.urlencode()}"


@require_GET
def trail(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    form = TrailFilterForm(request.GET)
    filters = _filters(form)
    rows: list[AuditEvent] = []
    before: int | None = None
    if filters is not None:
        services.audit_trail_viewed(request.user, what="trail", filters=filters)
        rows, before = selectors.page_of(selectors.audit_trail_filtered(filters=form.cleaned_data))
    return render(
        request,
        "audit/trail_list.html",
        {"form": form, "rows": rows, "next_link": _next_link(request, before)},
    )


@require_GET
def access_log(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    form = AccessFilterForm(request.GET)
    filters = _filters(form)
    rows: list[PersonalDataAccess] = []
    before: int | None = None
    if filters is not None:
        services.audit_trail_viewed(request.user, what="access_log", filters=filters)
        rows, before = selectors.page_of(selectors.audit_access_filtered(filters=form.cleaned_data))
    return render(
        request,
        "audit/access_list.html",
        {"form": form, "rows": rows, "next_link": _next_link(request, before)},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    """Text a spreadsheet would run as a formula is quoted (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(name: str, header: list[str], rows: Iterable[list[Any]]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # the BOM makes Excel read the Chinese
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return sandboxed(response)


def _export_refused(request: AuthedRequest, form: Any, *, what: str) -> HttpResponse | None:
    """None when the reader may export with these filters (the export is then recorded as a view
    of the trail); else the answer: 403 by exception, or 400 naming the invalid filter."""
    _require_reader(request)
    filters = _filters(form)
    if filters is None:
        return HttpResponse(
            _("Invalid filter: %(errors)s") % {"errors": form.errors.as_text()},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    services.audit_trail_viewed(request.user, what=what, filters=filters)
    return None


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@require_GET
def trail_export(request: AuthedRequest) -> HttpResponseBase:
    form = TrailFilterForm(request.GET)
    refused = _export_refused(request, form, what="trail_export")
    if refused:
        return refused
    events = selectors.audit_trail_filtered(filters=form.cleaned_data)[:EXPORT_MAX_ROWS]
    header = [
        _("Id"),
        _("Time"),
        _("Actor"),
        _("Action"),
        _("Object type"),
        _("Object"),
        _("Before"),
        _("After"),
        _("Request id"),
        _("Hash"),
    ]
    rows = (
        [
            e.id,
            timezone.localtime(e.created_at).isoformat(),
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id,
            _json(e.before),
            _json(e.after),
            e.request_id,
            e.hash,
        ]
        for e in events.iterator(chunk_size=2000)
    )
    return _csv(f"audit-trail-{_stamp()}.csv", header, rows)


@require_GET
def access_export(request: AuthedRequest) -> HttpResponseBase:
    form = AccessFilterForm(request.GET)
    refused = _export_refused(request, form, what="access_log_export")
    if refused:
        return refused
    accesses = selectors.audit_access_filtered(filters=form.cleaned_data)[:EXPORT_MAX_ROWS]
    header = [
        _("Id"),
        _("Time"),
        _("Staff member"),
        _("Kind"),
        _("Case number"),
        _("Visitor id"),
        _("Reason"),
        _("Request id"),
    ]
    rows = (
        [
            a.id,
            timezone.localtime(a.created_at).isoformat(),
            a.actor.username,
            a.get_kind_display(),
            a.case_number,
            a.visitor_id,
            a.reason,
            a.request_id,
        ]
        for a in accesses.iterator(chunk_size=2000)
    )
    return _csv(f"personal-data-access-{_stamp()}.csv", header, rows)


def _json(value: Any) -> str:
    return "" if value is None else canonical(value)


@require_http_methods(["GET", "POST"])
def verify(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    if request.method == "POST":
        services.audit_verification_request(request.user)
        return redirect("audit:verify")
    return render(
        request,
        "audit/verify.html",
        {"verifications": selectors.audit_verifications_recent()},
    )
