from __future__ import annotations

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from firstask.typing import AuthedRequest
from firstask.viewkit import refusals_on

from .. import selectors
from ..forms import AttendanceForm, TeachingCaseForm, TrainingForm
from ..services import training as services
from .common import require, run


@require_GET
def training_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "supervision/training_list.html",
        {
            "sessions": selectors.training_sessions_visible(request.user),
            "teaching_cases": selectors.teaching_cases_visible(request.user),
            "can_manage": permissions.can_manage_training(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def training_new(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_manage_training(request.user))
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            session = services.training_record(request.user, **form.cleaned_data)
            messages.success(request, _("Training session recorded: now record who attended."))
            return redirect("supervision:training_detail", pk=session.pk)
    return render(request, "supervision/training_new.html", {"form": form})


@require_GET
def training_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.training_sessions_visible(request.user), pk=pk)
    attendees = session.attendees.select_related("department").order_by("department__code")
    return render(
        request,
        "supervision/training_detail.html",
        {
            "session": session,
            "attendees": attendees,
            "teaching_cases": session.teaching_cases.all(),
            "can_manage": permissions.can_manage_training(request.user),
            "attendance_form": AttendanceForm(initial={"attendees": list(attendees)}),
        },
    )


@require_POST
def training_attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.training_sessions_visible(request.user), pk=pk)
    if run(
        request,
        AttendanceForm(request.POST),
        lambda data: services.training_set_attendance(
            request.user, session=session, attendees=data["attendees"]
        ),
        back=reverse("supervision:training_detail", args=[pk]),
    ):
        messages.success(request, _("Attendance saved."))
    return redirect("supervision:training_detail", pk=pk)


@require_GET
def training_record(request: AuthedRequest, pk: int) -> HttpResponse:
    staff = selectors.staff_get_for_user(viewer=request.user, pk=pk)
    sessions = selectors.training_record(staff=staff)
    return render(
        request,
        "supervision/training_record.html",
        {
            "staff": staff,
            "sessions": sessions,
            "total_hours": sessions.aggregate(total=Sum("hours"))["total"] or 0,
        },
    )


@require_http_methods(["GET", "POST"])
def teaching_case_new(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_manage_training(request.user))
    form = TeachingCaseForm(request.POST or request.GET or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            teaching = services.teaching_case_mark(request.user, **form.cleaned_data)
            messages.success(request, _("Marked as a teaching case."))
            return redirect("supervision:teaching_case_detail", pk=teaching.pk)
    return render(request, "supervision/teaching_case_new.html", {"form": form})


@require_GET
def teaching_case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    teaching = get_object_or_404(selectors.teaching_cases_visible(request.user), pk=pk)
    return render(request, "supervision/teaching_case_detail.html", {"teaching": teaching})
