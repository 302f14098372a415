"""The case page's internal notes and links (cases.notes)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from firstask.typing import AuthedRequest
from firstask.viewkit import back_to, post_action

from . import notes, selectors, visitor_messages
from .notes_forms import LinkForm, NoteForm


def _perform(request: AuthedRequest, number: str, form, perform) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, number=number)
    return post_action(request, form, lambda data: perform(case, data), fallback=case)


@require_POST
def note_add(request: AuthedRequest, number: str) -> HttpResponse:
    return _perform(
        request,
        number,
        NoteForm(request.POST),
        lambda case, d: notes.note_add(request.user, case=case, text=d["text"]),
    )


@require_POST
def messages_stop(request: AuthedRequest, number: str) -> HttpResponse:
    """The visitor asked for no more SMS or e-mail about this case."""
    case = selectors.case_get_for_user(user=request.user, number=number)
    back_to(request, case)
    visitor_messages.contact_stop(request.user, case=case)
    messages.success(request, _("No more messages go to the visitor about this case."))
    return redirect(case)


@require_POST
def link_add(request: AuthedRequest, number: str) -> HttpResponse:
    return _perform(
        request,
        number,
        LinkForm(request.POST),
        lambda case, d: notes.link_add(request.user, case=case, other_number=d["number"]),
    )
