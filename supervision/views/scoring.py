"""KPI-3: the scoring standard and the periodic assessments (§5.1)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from firstask.typing import AuthedRequest
from firstask.viewkit import back_to, form_errors, refusals_on

from .. import kpis, scoring, selectors
from ..forms import PeriodChoiceForm, SignOffForm, StandardForm
from ..services import scoring as services
from .common import require


@require_GET
def standard_list(request: AuthedRequest) -> HttpResponse:
    standards = selectors.scoring_standards_visible(request.user)
    require(bool(permissions.roles_of(request.user)))
    in_force = scoring.standard_in_force(timezone.localdate())
    return render(
        request,
        "supervision/standard_list.html",
        {
            "standards": [(s, scoring.standard_lines(s)) for s in standards],
            "in_force": in_force,
            "can_edit": permissions.can_record_rewards(request.user),
        },
    )


def _initial_from(standard) -> dict:
    if standard is None:
        return {"effective_from": timezone.localdate()}
    initial = {
        "effective_from": timezone.localdate(),
        "excellent_from": standard.excellent_from,
        "good_from": standard.good_from,
        "pass_from": standard.pass_from,
    }
    for measure, weight, target in scoring.standard_lines(standard):
        initial |= {f"weight_{measure.key}": weight, f"target_{measure.key}": target}
    return initial


@require_http_methods(["GET", "POST"])
def standard_new(request: AuthedRequest) -> HttpResponse:
    """Editing the standard: the form starts from the version in force and saves a new one."""
    require(permissions.can_record_rewards(request.user))
    current = scoring.standard_in_force(timezone.localdate())
    form = StandardForm(
        request.POST or None, measures=scoring.SCORABLE, initial=_initial_from(current)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form):
            standard = services.scoring_standard_create(
                request.user,
                effective_from=data["effective_from"],
                lines=form.lines(),
                excellent_from=data["excellent_from"],
                good_from=data["good_from"],
                pass_from=data["pass_from"],
                note=data["note"],
            )
            messages.success(
                request,
                _("Scoring standard version %(version)s saved, in force from %(date)s.")
                % {"version": standard.version, "date": standard.effective_from.isoformat()},
            )
            return redirect("supervision:standard_list")
    return render(request, "supervision/standard_new.html", {"form": form})


def _period_from(request: AuthedRequest) -> tuple[PeriodChoiceForm, tuple | None]:
    """The period asked for in the query string; last month when none is given."""
    if "kind" in request.GET:
        form = PeriodChoiceForm(request.GET)
    else:
        last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
        form = PeriodChoiceForm({"kind": "month", "year": last.year, "number": last.month})
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    return form, (d["kind"], *scoring.period_of(d["kind"], d["year"], d["number"] or 1))


@require_GET
def periodic_list(request: AuthedRequest) -> HttpResponse:
    require(bool(permissions.roles_of(request.user)))
    form, period = _period_from(request)
    rows = selectors.periodic_assessments_visible(request.user).none()
    if period is not None:
        kind, start, _end = period
        rows = selectors.periodic_assessments_visible(request.user).filter(
            period_kind=kind, period_start=start
        )
    return render(
        request,
        "supervision/periodic_list.html",
        {
            "form": form,
            "period": period,
            "assessments": rows,
            "can_compute": permissions.can_record_rewards(request.user),
        },
    )


@require_POST
def periodic_compute(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_record_rewards(request.user))
    form = PeriodChoiceForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("supervision:periodic_list")
    d = form.cleaned_data
    start, end = scoring.period_of(d["kind"], d["year"], d["number"] or 1)
    query = urlencode({"kind": d["kind"], "year": d["year"], "number": d["number"] or ""})
    back_to(request, f"{reverse('supervision:periodic_list')}?{query}")
    computed, frozen = services.assessment_compute_period(
        request.user, kind=d["kind"], start=start, end=end
    )
    messages.success(
        request,
        _("%(computed)s assessments computed; %(frozen)s already signed off left unchanged.")
        % {"computed": len(computed), "frozen": frozen},
    )
    return redirect(f"{reverse('supervision:periodic_list')}?{query}")


@require_GET
def periodic_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = selectors.periodic_assessment_get_for_user(user=request.user, pk=pk)
    by_key = kpis.MEASURE_BY_KEY
    lines = [(by_key.get(line["measure"]), line) for line in assessment.lines]
    may_sign = (
        permissions.can_record_rewards(request.user)
        and not assessment.is_frozen
        and assessment.period_end < timezone.localdate()
    )
    return render(
        request,
        "supervision/periodic_detail.html",
        {
            "assessment": assessment,
            "lines": lines,
            "sign_form": SignOffForm(initial={"version": assessment.version}) if may_sign else None,
        },
    )


@require_POST
def periodic_sign_off(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = selectors.periodic_assessment_get_for_user(user=request.user, pk=pk)
    require(permissions.can_record_rewards(request.user))
    form = SignOffForm(request.POST)
    back_to(request, reverse("supervision:periodic_detail", args=[pk]))
    if not form.is_valid():
        form_errors(request, form)
    else:
        services.assessment_sign_off(
            request.user,
            assessment=assessment,
            review_note=form.cleaned_data["review_note"],
            version=form.cleaned_data["version"],
        )
        messages.success(request, _("Assessment signed off. It is now frozen."))
    return redirect("supervision:periodic_detail", pk=pk)
