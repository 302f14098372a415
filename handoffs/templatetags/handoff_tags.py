"""One-line hooks into the cases templates: case page sections and actions, desk blocks."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from accounts import permissions

from .. import panels, selectors

register = template.Library()


def _base(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    return {
        "request": request,
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
        "can_coordinate": context.get("can_coordinate"),
        "next": request.get_full_path() if request else "",
    }


@register.inclusion_tag("handoffs/_case_sections.html", takes_context=True)
def handoff_case_sections(context: template.Context) -> dict[str, Any]:
    case = context["case"]
    return {
        **_base(context),
        "case": case,
        "panels": panels.case_panels(user=context["user"], case=case),
        "now": timezone.now(),
    }


@register.inclusion_tag("handoffs/_case_actions.html", takes_context=True)
def handoff_case_actions(context: template.Context) -> dict[str, Any]:
    case = context["case"]
    return {
        **_base(context),
        "case": case,
        "actions": panels.case_actions(user=context["user"], case=case),
    }


@register.inclusion_tag("handoffs/_desk_blocks.html", takes_context=True)
def handoff_desk_blocks(context: template.Context) -> dict[str, Any]:
    user = context["user"]
    inbox = (
        selectors.department_inbox(
            user=user, limit=10, with_members=permissions.is_department_head(user)
        )
        if user.department_id
        else None
    )
    waiting = (
        selectors.handoffs_waiting_meeting(limit=10) if permissions.can_coordinate(user) else None
    )
    meetings = selectors.meetings_invited(user=user)
    return {**_base(context), "inbox": inbox, "waiting": waiting, "meetings": meetings}


@register.filter
def assignment_late(assignment) -> bool:
    """Overdue while it is the department's turn (an answer waiting for review is not late)."""
    return bool(assignment.department_turn and assignment.deadline < timezone.now())


_BADGES = {
    "sent": "warning",
    "submitted": "warning",
    "open": "danger",
    "accepted": "success",
    "completed": "success",
    "ruled": "secondary",
    "answered": "info",
    "in_progress": "primary",
    "assigned": "primary",
    "returned": "danger",
    "withdrawn": "secondary",
    "pending": "info",
}


@register.simple_tag
def handoff_badge(status: str) -> str:
    return _BADGES.get(status, "secondary")
