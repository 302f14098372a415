from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from firstask.typing import AuthedRequest
from firstask.viewkit import refusals_on

from .. import selectors
from ..forms import FollowUpForm, MeasureForm, MeetingForm
from ..services import meetings as services
from .common import require, run


@require_GET
def meeting_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "supervision/meeting_list.html",
        {
            "meetings": selectors.meetings_visible(request.user).prefetch_related("measures"),
            "my_measures": selectors.open_measures_of(request.user),
            "can_record": permissions.can_record_meetings(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_record_meetings(request.user))
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            meeting = services.meeting_record(request.user, **form.cleaned_data)
            messages.success(request, _("Meeting recorded: now add the measures decided."))
            return redirect("supervision:meeting_detail", pk=meeting.pk)
    return render(request, "supervision/meeting_new.html", {"form": form})


@require_GET
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    can_record = permissions.can_record_meetings(request.user)
    measures = [
        (
            m,
            FollowUpForm(initial={"status": m.status, "follow_up": m.follow_up}, prefix=f"m{m.pk}"),
            can_record or m.owner_id == request.user.pk,
        )
        for m in meeting.measures.select_related("owner")
    ]
    return render(
        request,
        "supervision/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": meeting.attendees.select_related("department"),
            "measures": measures,
            "can_record": can_record,
            "measure_form": MeasureForm(),
        },
    )


@require_POST
def measure_add(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    if run(
        request,
        MeasureForm(request.POST),
        lambda data: services.measure_add(request.user, meeting=meeting, **data),
        back=reverse("supervision:meeting_detail", args=[pk]),
    ):
        messages.success(request, _("Measure added."))
    return redirect("supervision:meeting_detail", pk=pk)


@require_POST
def measure_follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_get_for_user(user=request.user, pk=pk)
    if request.POST.get("next", "") == "meetings":
        back = reverse("supervision:meeting_list")
    else:
        back = reverse("supervision:meeting_detail", args=[measure.meeting_id])
    if run(
        request,
        FollowUpForm(request.POST, prefix=f"m{measure.pk}"),
        lambda data: services.measure_follow_up(request.user, measure=measure, **data),
        back=back,
    ):
        messages.success(request, _("Follow-up saved."))
    return redirect(back)
