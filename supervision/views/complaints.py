from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from accounts.security import client_ip
from cases import throttle as lookup_throttle
from cases.throttle import throttled_context
from firstask.typing import AuthedRequest
from firstask.viewkit import refusals_on

from .. import selectors, throttle
from ..forms import (
    ComplaintLogForm,
    ComplaintStatusForm,
    FindingForm,
    InvestigateForm,
    PublicComplaintForm,
)
from ..models import Complaint
from ..services import complaints as services
from .common import require, run

# Session key: the reference and query code of the complaint just sent, shown once.
JUST_SENT = "supervision.complaint_sent"


def _contact() -> dict[str, str]:
    return {"hotline": settings.SUPERVISION_HOTLINE, "mailbox": settings.SUPERVISION_MAILBOX}


def _public(request: HttpRequest, template: str, context: dict, status: int = 200):
    response = render(request, template, {**_contact(), **context}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def public_complaint(request: HttpRequest) -> HttpResponse:
    """SUP-1: anyone may complain; nothing they typed is shown back to them."""
    ip = request.META.get("REMOTE_ADDR", "")
    template = "supervision/complaint_public.html"
    if request.method == "POST" and throttle.is_blocked(ip=ip):
        seconds = throttle.retry_after(ip=ip)
        context = {"form": PublicComplaintForm(), "throttled": throttled_context(seconds)}
        response = _public(request, template, context, 429)
        response["Retry-After"] = str(seconds)
        return response
    form = PublicComplaintForm(request.POST or None)
    if request.method == "POST":
        throttle.record_submission(ip=ip)
        if form.is_valid():
            complaint = services.complaint_submit_public(**form.cleaned_data)
            # Shown on the next page only, never in a URL (the code is the complainant's key).
            request.session[JUST_SENT] = [complaint.reference, complaint.query_code]
            return redirect("supervision:complaint_thanks")
    return _public(request, template, {"form": form})


@login_not_required
@never_cache
@require_GET
def public_thanks(request: HttpRequest) -> HttpResponse:
    sent = request.session.pop(JUST_SENT, None)
    context = {"reference": sent[0], "query_code": sent[1]} if sent else {}
    return _public(request, "supervision/complaint_thanks.html", context)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def public_status(request: HttpRequest) -> HttpResponse:
    """SUP-4: a complaint's progress by reference and query code; a wrong code answers as an
    unknown reference, guesses are throttled as on the case status page, and the page never
    says who investigates."""
    ip = client_ip(request)
    template = "supervision/complaint_status.html"
    form = ComplaintStatusForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _public(request, template, {"form": form})
    reference = form.cleaned_data["reference"]
    if lookup_throttle.is_blocked(ip=ip, number=reference):
        seconds = lookup_throttle.retry_after(ip=ip, number=reference)
        context = {"form": form, "throttled": throttled_context(seconds)}
        response = _public(request, template, context, 429)
        response["Retry-After"] = str(seconds)
        return response
    complaint = selectors.complaint_for_status_lookup(
        reference=reference, query_code=form.cleaned_data["query_code"]
    )
    if complaint is None:
        lookup_throttle.record_failure(ip=ip, number=reference)
        return _public(request, template, {"form": form, "not_found": True})
    return _public(request, template, {"form": ComplaintStatusForm(), "found": complaint})


@require_GET
def complaint_list(request: AuthedRequest) -> HttpResponse:
    complaints = selectors.complaints_visible(request.user)
    status = request.GET.get("status", "")
    if status in Complaint.Status.values:
        complaints = complaints.filter(status=status)
    page = Paginator(complaints, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/complaint_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Complaint.Status.choices,
            "can_handle": permissions.can_handle_complaints(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def complaint_new(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_handle_complaints(request.user))
    form = ComplaintLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            complaint = services.complaint_log(request.user, **form.cleaned_data)
            messages.success(request, _("Complaint %(ref)s logged.") % {"ref": complaint})
            return redirect("supervision:complaint_detail", pk=complaint.pk)
    return render(request, "supervision/complaint_new.html", {"form": form})


@require_GET
def complaint_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get_for_user(user=request.user, pk=pk)
    can_handle = permissions.can_handle_complaints(request.user)
    initial = {
        "staff_concerned": complaint.staff_concerned_id,
        "case": complaint.case.number if complaint.case else "",
    }
    return render(
        request,
        "supervision/complaint_detail.html",
        {
            "complaint": complaint,
            "show_complainant": selectors.complaint_shows_complainant(
                user=request.user, complaint=complaint
            ),
            "can_handle": can_handle and complaint.status != Complaint.Status.CONCLUDED,
            "can_record_penalty": permissions.can_record_rewards(request.user)
            and complaint.finding == Complaint.Finding.VERIFIED
            and complaint.staff_concerned_id is not None,
            "investigate_form": InvestigateForm(initial=initial),
            "finding_form": FindingForm(),
            "sanctions": complaint.sanctions.all() if can_handle else [],
        },
    )


@require_POST
def complaint_investigate(request: AuthedRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get_for_user(user=request.user, pk=pk)
    form = InvestigateForm(request.POST)
    if run(
        request,
        form,
        lambda data: services.complaint_investigate(
            request.user,
            complaint=complaint,
            staff_concerned=data["staff_concerned"],
            case=data["case"],
        ),
        back=reverse("supervision:complaint_detail", args=[pk]),
    ):
        messages.success(request, _("You are investigating this complaint."))
    return redirect("supervision:complaint_detail", pk=pk)


@require_POST
def complaint_finding(request: AuthedRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_get_for_user(user=request.user, pk=pk)
    form = FindingForm(request.POST)
    if run(
        request,
        form,
        lambda data: services.complaint_record_finding(
            request.user,
            complaint=complaint,
            finding=data["finding"],
            finding_text=data["finding_text"],
            violation=data["violation"],
            severity=data["severity"],
        ),
        back=reverse("supervision:complaint_detail", args=[pk]),
    ):
        messages.success(request, _("Finding recorded."))
    return redirect("supervision:complaint_detail", pk=pk)
