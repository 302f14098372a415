from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from firstask.downloads import sandboxed
from firstask.typing import AuthedRequest

from .. import exports, kpis, selectors
from ..forms import MonthForm
from ..models import Complaint
from ..periods import month_bounds
from .common import period_form, require

SORT_KEYS = {"name", *(m.key for m in kpis.MEASURES)}


def _chart_data(report: kpis.KpiReport, trend) -> dict:
    by_key = kpis.MEASURE_BY_KEY
    return {
        "labels": {key: str(by_key[key].label) for key in by_key},
        "trend": {
            "months": [month.strftime("%Y-%m") for month, _totals in trend],
            "received": [by_key["received"].value(t) for _m, t in trend],
            "on_time_rate": [by_key["on_time_rate"].value(t) for _m, t in trend],
            "satisfaction_rate": [by_key["satisfaction_rate"].value(t) for _m, t in trend],
        },
        "departments": {
            "names": [row.name for row in report.departments],
            "on_time_rate": [row.value("on_time_rate") for row in report.departments],
            "satisfaction_rate": [row.value("satisfaction_rate") for row in report.departments],
        },
    }


def _scope(request: AuthedRequest) -> kpis.KpiScope:
    scope = selectors.kpi_scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


@require_GET
def kpi_overview(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    form = period_form(request)
    context: dict = {"form": form, "scope": scope, "measures": kpis.MEASURES}
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        sort = request.GET.get("sort", "name")
        sort = sort if sort in SORT_KEYS else "name"
        descending = request.GET.get("dir") == "desc"
        report = kpis.kpi_report(start=start, end=end, scope=scope)
        report.staff = kpis.sort_rows(report.staff, sort, descending)
        report.departments = kpis.sort_rows(report.departments, sort, descending)
        context |= {
            "report": report,
            "center_rows": [report.center] if report.center else [],
            "period_query": urlencode({"start": start.isoformat(), "end": end.isoformat()}),
            "sort": sort,
            "descending": descending,
            "chart_data": _chart_data(report, report.trend),
            "can_pdf": permissions.sees_all_kpis(request.user),
            "refresh_minutes": -(-settings.KPI_CACHE_SECONDS // 60),
        }
    return render(request, "supervision/kpi_overview.html", context)


def _export_report(request: AuthedRequest) -> kpis.KpiReport | HttpResponse:
    scope = _scope(request)
    form = period_form(request)
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    return kpis.kpi_report(
        start=form.cleaned_data["start"], end=form.cleaned_data["end"], scope=scope
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return sandboxed(response)


@require_GET
def kpi_export_csv(request: AuthedRequest) -> HttpResponse:
    report = _export_report(request)
    if isinstance(report, HttpResponse):
        return report
    name = f"kpi-{report.start:%Y%m%d}-{report.end:%Y%m%d}.csv"
    return _download(exports.to_csv(report), "text/csv; charset=utf-8", name)


@require_GET
def kpi_export_xlsx(request: AuthedRequest) -> HttpResponse:
    report = _export_report(request)
    if isinstance(report, HttpResponse):
        return report
    name = f"kpi-{report.start:%Y%m%d}-{report.end:%Y%m%d}.xlsx"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(exports.to_xlsx(report), xlsx, name)


@require_GET
def kpi_report_pdf(request: AuthedRequest) -> HttpResponse:
    """The report for the center head (auditors may read it too): the period on screen
    (``start``/``end``, as the KPI page links it), or a whole ``month``, this month by default."""
    require(permissions.sees_all_kpis(request.user))
    month = None
    if "start" in request.GET or "end" in request.GET:
        form = period_form(request)
        if not form.is_valid():
            return HttpResponseBadRequest(_("Give the period as two dates, YYYY-MM-DD."))
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        name = f"kpi-report-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
        if (start, end) == month_bounds(start.year, start.month):  # a whole month on screen
            month = start
    else:
        today = timezone.localdate()
        month_form = MonthForm(
            request.GET if "month" in request.GET else {"month": f"{today:%Y-%m}"}
        )
        if not month_form.is_valid():
            return HttpResponseBadRequest(_("Give the month as YYYY-MM."))
        month = month_form.cleaned_data["month"]
        start, end = month_bounds(month.year, month.month)
        name = f"kpi-report-{month:%Y-%m}.pdf"
    report = kpis.kpi_report(start=start, end=end, scope=kpis.KpiScope())
    low_high = {"received_at__date__range": (start, end)}
    context = {
        "month": month,
        "complaints_received": Complaint.objects.filter(**low_high).count(),
        "generated": timezone.localtime(report.as_of),
    }
    return _download(exports.to_pdf(report, context=context), "application/pdf", name)


@require_GET
def kpi_staff(request: AuthedRequest, pk: int) -> HttpResponse:
    """A staff member's own page: KPIs, complaints found against them, rewards and penalties,
    training record."""
    staff = selectors.staff_get_for_user(viewer=request.user, pk=pk)
    form = period_form(request)
    context: dict = {"staff": staff, "form": form, "measures": kpis.MEASURES}
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        report = kpis.kpi_report(start=start, end=end, scope=kpis.KpiScope(user_id=staff.pk))
        context["row"] = next(r for r in report.staff if r.pk == staff.pk)
        context["report"] = report
        context["period_query"] = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    context |= {
        "complaints": selectors.complaints_visible(request.user).filter(
            staff_concerned=staff, status=Complaint.Status.CONCLUDED
        ),
        "records": selectors.rewards_visible(request.user).filter(staff=staff),
        "sessions": selectors.training_record(staff=staff)[:20],
    }
    return render(request, "supervision/kpi_staff.html", context)
