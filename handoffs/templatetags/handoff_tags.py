"""Filters and tags of the handoffs templates."""

from __future__ import annotations

from django import template
from django.utils import timezone

register = template.Library()


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
