"""The rows of the coordination desk (handoffs/desk.html), from the Jinja2 templates
handoffs/jinja2/handoffs/_*.html (firstask/jinja2.py): through Django's template language each
row cost about half a millisecond, and a busy center's desk lists 50 forms, 50 disputes and 200
assignments. These tags only gather what every row shares: links resolved once, labels
translated once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import quote

from django import template
from django.db.models import Choices
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from cases.calendar import local_moment
from firstask.jinja2 import render_rows

from ..models import Assignment, Dispute, HandoffForm, Urgency
from ..selectors import DepartmentLoad
from .handoff_tags import handoff_badge

register = template.Library()

_SENTINEL = 987654321


def _url_maker(viewname: str) -> Callable[[object], str]:
    """``reverse(viewname, args=[x])`` for many rows: the pattern is resolved once."""
    prefix, suffix = reverse(viewname, args=[_SENTINEL]).split(str(_SENTINEL))
    return lambda arg: prefix + quote(str(arg), safe="") + suffix


def _labels(choices: type[Choices]) -> dict[str, str]:
    """Choice labels translated once per table rather than once per row."""
    return {value: str(label) for value, label in choices.choices}


@register.simple_tag
def waiting_rows(forms: Iterable[HandoffForm]) -> SafeString:
    return render_rows(
        "handoffs/_waiting_rows.html",
        {
            "forms": forms,
            "moment": local_moment,
            "print_url": _url_maker("handoffs:handoff_print"),
            "meeting_url": _url_maker("handoffs:meeting"),
            "case_url": _url_maker("cases:detail"),
            "urgency": _labels(Urgency),
            "normal": Urgency.NORMAL,
            "record": gettext("Record the meeting"),
        },
    )


@register.simple_tag
def dispute_rows(disputes: Iterable[Dispute]) -> SafeString:
    return render_rows(
        "handoffs/_dispute_rows.html",
        {
            "disputes": disputes,
            "moment": local_moment,
            "rule_url": _url_maker("handoffs:dispute_rule"),
            "case_url": _url_maker("cases:detail"),
            "rule": gettext("Rule"),
        },
    )


@register.simple_tag
def department_loads(loads: Iterable[DepartmentLoad]) -> SafeString:
    def overdue_count(counter: int) -> str:
        return ngettext("%(counter)s overdue", "%(counter)s overdue", counter) % {
            "counter": counter
        }

    def showing(shown: int, total: int) -> str:
        text = gettext("Showing the first %(shown)s of %(total)s · see them all in the case list")
        return text % {"shown": shown, "total": total}

    return render_rows(
        "handoffs/_department_loads.html",
        {
            "loads": loads,
            "moment": local_moment,
            "case_url": _url_maker("cases:detail"),
            "deadline_url": _url_maker("handoffs:assignment_deadline"),
            "list_url": reverse("cases:list"),
            "roles": _labels(Assignment.Role),
            "statuses": _labels(Assignment.Status),
            "badge": handoff_badge,
            "overdue": gettext("Overdue"),
            "overdue_count": overdue_count,
            "move": gettext("Move deadline"),
            "showing": showing,
        },
    )
