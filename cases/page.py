"""The case page, built once per request: what the signed-in user may do on it, the timeline, and
the sections every app above contributes (``extensions.CaseSections``). The view renders it; the
templates read its flags and loop over its sections, and name no app above this one.

Read-only: selectors and rules, never a write. Nothing is kept on the case object: what several
sections share, an app reads once in its own ``build`` and hands to each of its sections."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts import permissions
from accounts.models import User
from firstask.typing import AuthedRequest

from . import extensions, notes, selectors
from .extensions import Section
from .models import Case, CaseEvent


@dataclass
class CasePage:
    request: AuthedRequest
    user: User
    case: Case
    show_personal: bool
    events: list[CaseEvent] = field(default_factory=list)
    # The owner or the center head (who acts for any owner), whatever the case's state.
    acts_for_owner: bool = False
    can_act: bool = False  # acts_for_owner on an active case: extend the deadline
    can_reassign: bool = False
    can_reveal: bool = False
    can_manage_personal: bool = False
    can_note: bool = False
    main: list[Section] = field(default_factory=list)
    actions: list[Section] = field(default_factory=list)


def case_page_build(*, request: AuthedRequest, case: Case, show_personal: bool) -> CasePage:
    user = request.user
    erased = case.visitor.erased_at is not None
    acts_for_owner = permissions.acts_for_owner(user, case)
    page = CasePage(
        request=request,
        user=user,
        case=case,
        show_personal=show_personal,
        events=list(selectors.case_timeline(case=case)),
        acts_for_owner=acts_for_owner,
        can_act=case.is_active and acts_for_owner,
        can_reassign=permissions.can_reassign_owner(user)
        and case.status not in (Case.Status.CLOSED, Case.Status.ARCHIVED),
        can_reveal=not show_personal and permissions.can_reveal_personal_data(user) and not erased,
        can_manage_personal=permissions.can_manage_personal_data(user) and not erased,
        can_note=notes.can_write_notes(user) and case.status != Case.Status.ARCHIVED,
    )
    for contributor in extensions.registered(extensions.CaseSections):
        parts = contributor.build(page)
        page.main += parts.main
        page.actions += parts.actions
    return page
