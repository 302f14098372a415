"""A visitor's page, the typo fix, and the center head's duplicate finder, merge and undo
(VIS-1)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from firstask.typing import AuthedRequest
from firstask.viewkit import back_to, form_errors, post_action

from . import visitor_selectors, visitors
from .models import Visitor, VisitorMerge
from .privacy_forms import VisitorExportForm
from .visitor_forms import MergeUndoForm, VisitorMergeForm, VisitorRenameForm


@require_GET
def visitor_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    visitor = visitor_selectors.visitor_get_for_user(user=request.user, pk=pk)
    page = visitor_selectors.visitor_page(user=request.user, visitor=visitor)
    latest = page.rows[0][0] if page.rows else None
    context = {
        "page": page,
        "visitor": visitor,
        "can_rename": visitor.erased_at is None
        and visitor.merged_into_id is None
        and (page.person.full or permissions.can_manage_personal_data(request.user)),
        "rename_form": VisitorRenameForm(initial={"name": page.person.name}),
        # The access-request export (cases.privacy.visitor_export) goes through a case of theirs.
        "export_case": latest
        if latest and permissions.can_manage_personal_data(request.user)
        else None,
        "export_form": VisitorExportForm(auto_id="export_%s"),
        "undo_form": MergeUndoForm(auto_id="undo_%s"),
        "can_merge": permissions.can_manage_personal_data(request.user),
    }
    response = render(request, "cases/visitor_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def visitor_rename(request: AuthedRequest, pk: int) -> HttpResponse:
    visitor = visitor_selectors.visitor_get_for_user(user=request.user, pk=pk)
    return post_action(
        request,
        VisitorRenameForm(request.POST),
        lambda data: visitors.visitor_rename(request.user, visitor=visitor, **data),
        fallback=reverse("cases:visitor", kwargs={"pk": visitor.pk}),
        success=_("The name was corrected."),
    )


@require_GET
def visitor_duplicates(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_manage_personal_data(request.user):
        raise PermissionDenied
    candidates = visitor_selectors.duplicate_candidates()
    response = render(
        request,
        "cases/visitor_duplicates.html",
        {"candidates": candidates, "form": VisitorMergeForm()},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def visitor_merge(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_manage_personal_data(request.user):
        raise PermissionDenied
    form = VisitorMergeForm(request.POST)
    back_to(request, "cases:visitor_duplicates")
    if not form.is_valid():
        form_errors(request, form)
        return redirect("cases:visitor_duplicates")
    data = form.cleaned_data
    found = Visitor.objects.in_bulk([data["source"], data["target"]])
    if data["source"] not in found or data["target"] not in found:
        messages.error(request, _("This visitor record does not exist."))
        return redirect("cases:visitor_duplicates")
    visitors.visitor_merge(
        request.user,
        source=found[data["source"]],
        target=found[data["target"]],
        reason=data["reason"],
    )
    messages.success(request, _("The two records are merged; the merge can be undone here."))
    return redirect(reverse("cases:visitor", kwargs={"pk": data["target"]}))


@require_POST
def visitor_merge_undo(request: AuthedRequest, pk: int) -> HttpResponse:
    if not permissions.can_manage_personal_data(request.user):
        raise PermissionDenied
    merge = VisitorMerge.objects.filter(pk=pk).first()
    if merge is None:
        raise Http404
    return post_action(
        request,
        MergeUndoForm(request.POST),
        lambda data: visitors.visitor_merge_undo(request.user, merge=merge, **data),
        fallback=reverse("cases:visitor", kwargs={"pk": merge.target_id}),
        success=_("The merge is undone."),
    )
