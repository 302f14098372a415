from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from firstask.typing import AuthedRequest
from firstask.viewkit import refusals_on

from .. import selectors
from ..forms import CompleteInspectionForm, InspectionForm, ScoreForm
from ..models import ChecklistItem, Inspection
from ..services import inspections as services
from .common import require, run


@require_GET
def inspection_list(request: AuthedRequest) -> HttpResponse:
    require(permissions.is_supervisor(request.user))
    return render(
        request,
        "supervision/inspection_list.html",
        {
            "inspections": selectors.inspections_visible(request.user),
            "can_run": permissions.can_run_inspections(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def inspection_new(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_run_inspections(request.user))
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            inspection = services.inspection_start(request.user, **form.cleaned_data)
            messages.success(request, _("Sample drawn: score each case below."))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    return render(request, "supervision/inspection_new.html", {"form": form})


@require_GET
def inspection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_user(user=request.user, pk=pk)
    items = list(selectors.inspection_items(inspection=inspection))
    can_score = (
        permissions.can_run_inspections(request.user)
        and inspection.status == Inspection.Status.OPEN
    )
    rows = [
        (
            item,
            ScoreForm(
                initial={name: getattr(item, name) for name in ChecklistItem.values}
                | {"notes": item.notes},
                prefix=f"item{item.pk}",
            ),
        )
        for item in items
    ]
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": rows,
            "checks": ChecklistItem.choices,
            "can_score": can_score,
            "complete_form": CompleteInspectionForm(),
        },
    )


@require_POST
def inspection_score(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_user(user=request.user, pk=pk)
    item = get_object_or_404(inspection.items, pk=item_pk)
    form = ScoreForm(request.POST, prefix=f"item{item.pk}")
    if run(
        request,
        form,
        lambda data: services.inspection_score_item(
            request.user,
            item=item,
            checks={name: data[name] for name in ChecklistItem.values},
            notes=data["notes"],
        ),
        back=f"{inspection_url(inspection)}#item-{item.pk}",
    ):
        messages.success(request, _("Score saved for %(case)s.") % {"case": item.case.number})
    return redirect(f"{inspection_url(inspection)}#item-{item.pk}")


def inspection_url(inspection: Inspection) -> str:
    from django.urls import reverse

    return reverse("supervision:inspection_detail", args=[inspection.pk])


@require_POST
def inspection_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_user(user=request.user, pk=pk)
    form = CompleteInspectionForm(request.POST)
    if run(
        request,
        form,
        lambda data: services.inspection_complete(
            request.user, inspection=inspection, findings=data["findings"]
        ),
        back=inspection_url(inspection),
    ):
        messages.success(request, _("Inspection completed."))
    return redirect("supervision:inspection_detail", pk=pk)


@require_GET
def inspection_report(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "supervision/inspection_report.html",
        {
            "inspection": inspection,
            "departments": selectors.inspection_department_scores(inspection=inspection),
            "items": selectors.inspection_items(inspection=inspection),
            "checks": ChecklistItem.choices,
        },
    )
