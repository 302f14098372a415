from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from cases.errors import CaseError
from firstask.typing import AuthedRequest
from firstask.viewkit import attempt

from . import selectors, services
from .forms import AnswerForm


def _category_id(request: AuthedRequest) -> int | None:
    value = request.GET.get("category", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@require_GET
def answer_list(request: AuthedRequest) -> HttpResponse:
    answers = selectors.answers_for_list(user=request.user, category_id=_category_id(request))
    rows = [(a, services.can_manage(request.user, a.department_id)) for a in answers]
    context = {"rows": rows, "can_create": services.can_manage_any(request.user)}
    return render(request, "answers/answer_list.html", context)


def _data(request: AuthedRequest):
    """The posted data, even when empty (an empty post is a form with errors, not a blank form)."""
    return request.POST if request.method == "POST" else None


def _save(request: AuthedRequest, form: AnswerForm, perform) -> HttpResponse | None:
    if request.method != "POST" or not form.is_valid():
        return None
    if not attempt(lambda: perform(form.cleaned_data), form=form):
        return None
    messages.success(request, _("Saved."))
    return redirect("answers:list")


@require_http_methods(["GET", "POST"])
def answer_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not services.can_manage_any(user):
        raise PermissionDenied
    fixed = not permissions.is_center_head(user)
    form = AnswerForm(_data(request), department_fixed=fixed)
    done = _save(
        request,
        form,
        lambda d: services.answer_create(
            user,
            department=user.department if fixed else d["department"],
            category=d["category"],
            title=d["title"],
            body=d["body"],
        ),
    )
    return done or render(request, "answers/answer_form.html", {"form": form, "answer": None})


@require_http_methods(["GET", "POST"])
def answer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    answer = selectors.answer_get_for_manager(user=request.user, pk=pk)
    initial = {
        "category": answer.category_id,
        "title": answer.title,
        "body": answer.body,
        "is_active": answer.is_active,
    }
    form = AnswerForm(_data(request), initial=initial, department_fixed=True)
    done = _save(
        request,
        form,
        lambda d: services.answer_update(
            request.user,
            answer=answer,
            category=d["category"],
            title=d["title"],
            body=d["body"],
            is_active=d["is_active"],
        ),
    )
    return done or render(request, "answers/answer_form.html", {"form": form, "answer": answer})


@require_GET
def answer_search(request: AuthedRequest) -> HttpResponse:
    """The intake form's search box (htmx): matching answers, most used first."""
    found = selectors.answers_search(
        q=request.GET.get("canned_q", ""), category_id=_category_id(request)
    )
    return render(request, "answers/_search_results.html", {"answers": found})


@require_POST
def answer_use(request: AuthedRequest, pk: int) -> HttpResponse:
    """Insert an answer at intake: counted, and its text handed to the form by an event."""
    answer = selectors.answer_get_active(pk=pk)
    try:
        services.answer_use(request.user, answer=answer)
    except CaseError as error:
        raise PermissionDenied from error
    response = HttpResponse(status=204)
    response["HX-Trigger"] = json.dumps({"canned-answer-insert": {"text": answer.body}})
    return response
