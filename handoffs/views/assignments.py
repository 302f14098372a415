"""Assignment actions (HND-3) and the answer attachment download."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from firstask.downloads import sandboxed
from firstask.typing import AuthedRequest
from firstask.viewkit import attempt, post_action

from .. import rules, services
from ..forms import AnswerForm, DeadlineForm, GiveToMemberForm, ReviewForm
from ..selectors import answer_get_for_user, assignment_get_for_user
from ._common import desk_changed


@require_POST
def answer(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = assignment_get_for_user(user=request.user, pk=pk)
    return post_action(
        request,
        AnswerForm(request.POST, request.FILES),
        lambda data: services.assignment_answer(
            request.user,
            assignment=assignment,
            text=data["text"],
            upload=data["attachment"],
            token=data["token"],
        ),
        fallback=assignment.handoff.case,
    )


@require_POST
def review(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = assignment_get_for_user(user=request.user, pk=pk)

    def perform(data: dict) -> None:
        reviewed = assignment.answers.filter(pk=data["answer"]).first()
        if reviewed is None:
            raise PermissionDenied
        services.assignment_review(
            request.user,
            answer=reviewed,
            accept=data["decision"] == ReviewForm.ACCEPT,
            comment=data["comment"],
        )

    return post_action(request, ReviewForm(request.POST), perform, fallback=assignment.handoff.case)


@require_POST
def give(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = assignment_get_for_user(user=request.user, pk=pk)
    return post_action(
        request,
        GiveToMemberForm(request.POST, department=assignment.department),
        lambda data: services.assignment_give_to_member(
            request.user, assignment=assignment, member=data["member"]
        ),
        fallback=assignment.handoff.case,
    )


@require_http_methods(["GET", "POST"])
def deadline(request: AuthedRequest, pk: int) -> HttpResponse:
    """In place on the center-head desk: move one assignment's deadline."""
    assignment = assignment_get_for_user(user=request.user, pk=pk)
    if not rules.can_coordinate(request.user):
        raise PermissionDenied
    form = DeadlineForm(request.POST or None, initial={"deadline": assignment.deadline})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            lambda: services.assignment_change_deadline(
                request.user,
                assignment=assignment,
                deadline=data["deadline"],
                reason=data["reason"],
            ),
            form=form,
        )
        if done:
            return desk_changed()
    return render(request, "handoffs/_deadline_form.html", {"form": form, "assignment": assignment})


@require_GET
def attachment(request: AuthedRequest, pk: int) -> FileResponse:
    """Only for those who may see the case; always a download, never rendered inline."""
    stored = answer_get_for_user(user=request.user, pk=pk)
    if not stored.attachment:
        raise Http404
    response = FileResponse(
        stored.attachment.open("rb"),
        as_attachment=True,
        filename=stored.attachment_name,
        content_type=stored.attachment_type or "application/octet-stream",
    )
    sandboxed(response)
    response["Cache-Control"] = "private, no-store"
    return response
