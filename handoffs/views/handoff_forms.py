"""The handoff form (HND-1), its printable page, the meeting (HND-2) and disputes (HND-4)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from cases.selectors import case_get_for_user, case_shows_personal_data
from firstask.typing import AuthedRequest
from firstask.viewkit import attempt, post_action

from .. import rules, selectors, services
from ..forms import DisputeForm, HandoffSubmitForm, MeetingForm, MeetingScheduleForm, RulingForm
from ._common import desk_changed


@require_http_methods(["GET", "POST"])
def new(request: AuthedRequest, number: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, number=number)
    if not permissions.acts_for_owner(request.user, case):
        raise PermissionDenied
    form = HandoffSubmitForm(request.POST or None, initial={"summary": case.question})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            lambda: services.handoff_submit(
                request.user,
                case=case,
                summary=data["summary"],
                departments=list(data["departments"]),
                posts=list(data["posts"]),
                urgency=data["urgency"],
                done_so_far=data["done_so_far"],
                token=data["token"],
            ),
            form=form,
        ):
            return redirect(case)
    return render(request, "handoffs/handoff_new.html", {"case": case, "form": form})


@require_GET
def printable(request: AuthedRequest, number: str) -> HttpResponse:
    handoff = selectors.handoff_get_for_user(user=request.user, number=number)
    full = selectors.handoffs_of_case(case=handoff.case)
    handoff = next(h for h in full if h.pk == handoff.pk)
    context = {
        "handoff": handoff,
        "case": handoff.case,
        "show_personal": case_shows_personal_data(user=request.user, case=handoff.case),
    }
    return render(request, "handoffs/handoff_print.html", context)


@require_http_methods(["GET", "POST"])
def meeting(request: AuthedRequest, number: str) -> HttpResponse:
    """Full page, or in place on the desk when htmx asks for it."""
    handoff = selectors.handoff_get_for_user(user=request.user, number=number)
    if not rules.can_coordinate(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, handoff=handoff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            lambda: services.meeting_record(
                request.user,
                handoff=handoff,
                held_at=data["held_at"],
                place=data["place"],
                attendees=list(data["attendees"]),
                minutes=data["minutes"],
                decision=data["decision"],
                plans=data["plans"],
                token=data["token"],
            ),
            form=form,
        ):
            return desk_changed() if request.htmx else redirect(handoff.case)
    template = "handoffs/_meeting_form.html" if request.htmx else "handoffs/meeting.html"
    return render(request, template, {"handoff": handoff, "form": form})


@require_http_methods(["GET", "POST"])
def meeting_schedule(request: AuthedRequest, number: str) -> HttpResponse:
    """§2.1.2(d): the owner (or the center head) convenes the coordination meeting."""
    handoff = selectors.handoff_get_for_user(user=request.user, number=number)
    if not permissions.acts_for_owner(request.user, handoff.case):
        raise PermissionDenied
    form = MeetingScheduleForm(request.POST or None, handoff=handoff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            lambda: services.meeting_schedule(
                request.user,
                handoff=handoff,
                at=data["at"],
                place=data["place"],
                invitees=list(data["invitees"]),
                token=data["token"],
            ),
            form=form,
        ):
            return redirect(handoff.case)
    return render(request, "handoffs/meeting_schedule.html", {"handoff": handoff, "form": form})


@require_POST
def dispute_raise(request: AuthedRequest, number: str) -> HttpResponse:
    handoff = selectors.handoff_get_for_user(user=request.user, number=number)
    return post_action(
        request,
        DisputeForm(request.POST, handoff=handoff),
        lambda data: services.dispute_raise(
            request.user,
            handoff=handoff,
            assignment=data["assignment"],
            positions=data["positions"],
            token=data["token"],
        ),
        fallback=handoff.case,
    )


@require_http_methods(["GET", "POST"])
def dispute_rule(request: AuthedRequest, pk: int) -> HttpResponse:
    dispute = selectors.dispute_get_for_user(user=request.user, pk=pk)
    if not rules.can_coordinate(request.user):
        raise PermissionDenied
    form = RulingForm(request.POST or None, handoff=dispute.handoff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            lambda: services.dispute_rule(
                request.user,
                dispute=dispute,
                ruling=data["ruling"],
                on_answer=data["on_answer"],
                deadline=data["deadline"],
                new_lead=data["new_lead"],
                withdraw=data["withdraw"],
                add=data["add"],
            ),
            form=form,
        ):
            return desk_changed() if request.htmx else redirect(dispute.handoff.case)
    template = "handoffs/_ruling_form.html" if request.htmx else "handoffs/ruling.html"
    return render(request, template, {"dispute": dispute, "form": form})
