from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import permissions
from firstask.typing import AuthedRequest
from firstask.viewkit import refusals_on

from .. import selectors
from ..forms import RewardPenaltyForm
from ..models import Complaint
from ..services import assessments as services
from .common import require


@require_GET
def assessment_list(request: AuthedRequest) -> HttpResponse:
    records = selectors.rewards_visible(request.user).prefetch_related("complaints", "cases")
    return render(
        request,
        "supervision/assessment_list.html",
        {"records": records, "can_record": permissions.can_record_rewards(request.user)},
    )


def _initial(request: AuthedRequest) -> dict:
    """Prefill from a verified complaint (the link from the complaint page)."""
    complaint_id = request.GET.get("complaint", "")
    complaint = (
        Complaint.objects.filter(pk=complaint_id, finding=Complaint.Finding.VERIFIED).first()
        if complaint_id.isdigit()
        else None
    )
    if complaint is None or complaint.staff_concerned_id is None:
        return {}
    return {
        "staff": complaint.staff_concerned_id,
        "complaints": [complaint.pk],
        "kind": "criticism",
        "violation": complaint.violation,
        "severity": complaint.severity,
        "case_numbers": complaint.case.number if complaint.case else "",
    }


@require_http_methods(["GET", "POST"])
def assessment_new(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_record_rewards(request.user))
    form = RewardPenaltyForm(request.POST or None, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form):
            record = services.reward_penalty_record(
                request.user,
                staff=data["staff"],
                kind=data["kind"],
                decided_on=data["decided_on"],
                reason=data["reason"],
                amount=data["amount"],
                complaints=data["complaints"],
                cases=data["case_numbers"],
                kpi_start=data["kpi_start"],
                kpi_end=data["kpi_end"],
                violation=data["violation"],
                severity=data["severity"],
                reward_ground=data["reward_ground"],
            )
            messages.success(
                request,
                _("%(kind)s recorded for %(staff)s.")
                % {"kind": record.get_kind_display(), "staff": record.staff.display_name},
            )
            return redirect("supervision:kpi_staff", pk=record.staff_id)
    return render(request, "supervision/assessment_new.html", {"form": form})
