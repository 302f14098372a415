"""The rows of the coordination desk (handoffs/desk.html), written in Python like
``cases.templatetags.case_tags.case_rows``: through the template language each row cost about
half a millisecond, and a busy center's desk lists 50 forms, 50 disputes and 200 assignments."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import quote

from django import template
from django.db.models import Choices
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from cases.calendar import local_moment

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


def _truncate(text: str, length: int) -> str:
    """``truncatechars``, skipping Truncator for a text already short enough (most tasks and
    positions): Truncator was a fifth of a row's cost."""
    return text if len(text) <= length else Truncator(text).chars(length)


@register.simple_tag
def waiting_rows(forms: Iterable[HandoffForm]) -> SafeString:
    print_url = _url_maker("handoffs:handoff_print")
    meeting_url = _url_maker("handoffs:meeting")
    case_url = _url_maker("cases:detail")
    urgency = _labels(Urgency)
    record = gettext("Record the meeting")
    return format_html_join(
        "\n",
        '<tr id="waiting-{0}"><td><a href="{1}">{0}</a></td>'
        '<td><a href="{2}">{3}</a> · {4}</td>'
        '<td><span class="badge text-bg-{5}">{6}</span></td><td>{7}</td><td>{8} · {9}</td>'
        '<td><button class="btn btn-sm btn-primary" type="button" hx-get="{10}" '
        'hx-target="#slot-meeting-{11}" data-action="record-meeting">{12}</button></td></tr>\n'
        '<tr class="slot-row"><td colspan="6" class="p-0"><div id="slot-meeting-{11}"></div>'
        "</td></tr>",
        (
            (
                h.number,
                print_url(h.number),
                case_url(h.case.number),
                h.case.number,
                h.case.subject,
                "secondary" if h.urgency == Urgency.NORMAL else "danger",
                urgency.get(h.urgency, h.urgency),
                "、".join(str(d) for d in h.departments.all()),
                local_moment(h.submitted_at),
                h.submitted_by.display_name,
                meeting_url(h.number),
                h.pk,
                record,
            )
            for h in forms
        ),
    )


@register.simple_tag
def dispute_rows(disputes: Iterable[Dispute]) -> SafeString:
    rule_url = _url_maker("handoffs:dispute_rule")
    case_url = _url_maker("cases:detail")
    rule = gettext("Rule")
    return format_html_join(
        "\n",
        '<tr id="dispute-row-{0}"><td>{1}</td><td><a href="{2}">{3}</a></td><td>{4}</td>'
        '<td class="small">{5}</td><td>{6} · {7}</td>'
        '<td><button class="btn btn-sm btn-warning" type="button" hx-get="{8}" '
        'hx-target="#slot-dispute-{0}" data-action="rule">{9}</button></td></tr>\n'
        '<tr class="slot-row"><td colspan="6" class="p-0"><div id="slot-dispute-{0}"></div>'
        "</td></tr>",
        (
            (
                d.pk,
                d.handoff.number,
                case_url(d.handoff.case.number),
                d.handoff.case.number,
                d.assignment.department.name if d.assignment else "—",
                _truncate(d.positions, 120),
                local_moment(d.raised_at),
                d.raised_by.display_name,
                rule_url(d.pk),
                rule,
            )
            for d in disputes
        ),
    )


@register.simple_tag
def department_loads(loads: Iterable[DepartmentLoad]) -> SafeString:
    # Made once for the page's rows rather than once per department.
    row = _AssignmentRow()
    return format_html_join("\n", "{}", ((_load(load, row),) for load in loads))


def _load(load: DepartmentLoad, row: _AssignmentRow) -> SafeString:
    overdue = ""
    if load.overdue:
        label = ngettext("%(counter)s overdue", "%(counter)s overdue", load.overdue)
        overdue = format_html(
            ' <span class="badge text-bg-danger">{}</span>', label % {"counter": load.overdue}
        )
    more = ""
    if load.open > len(load.assignments):  # the rest: the department's cases being coordinated
        text = gettext("Showing the first %(shown)s of %(total)s · see them all in the case list")
        more = format_html(
            '<p class="small mb-0 more-assignments"><a href="{}?department={}&amp;status={}">{}</a>'
            "</p>",
            reverse("cases:list"),
            load.department.pk,
            "coordinating",
            text % {"shown": len(load.assignments), "total": load.open},
        )
    return format_html(
        '<div class="mb-2 department-load" id="load-{}">'
        '<div class="fw-semibold">{} <span class="badge text-bg-secondary">{}</span>{}</div>'
        '<div class="table-responsive"><table class="table table-sm align-middle mb-1"><tbody>\n'
        "{}\n</tbody></table></div>{}</div>",
        load.department.code,
        load.department.name,
        load.open,
        overdue,
        format_html_join("\n", _AssignmentRow.TEMPLATE, map(row, load.assignments)),
        more,
    )


class _AssignmentRow:
    """The format_html arguments of one assignment row, with what every row shares made once."""

    TEMPLATE = (
        '<tr class="{0}" id="desk-assignment-{1}"><td><a href="{2}">{3}</a></td>'
        '<td>{4} · {5}</td><td class="small">{6}</td><td>{7}{8}</td>'
        '<td><span class="badge text-bg-{9}">{10}</span></td>'
        '<td><button class="btn btn-sm btn-outline-secondary" type="button" hx-get="{11}" '
        'hx-target="#slot-assignment-{1}">{12}</button></td></tr>\n'
        '<tr class="slot-row"><td colspan="6" class="p-0"><div id="slot-assignment-{1}"></div>'
        "</td></tr>"
    )

    def __init__(self) -> None:
        self.deadline_url = _url_maker("handoffs:assignment_deadline")
        self.case_url = _url_maker("cases:detail")
        self.role = _labels(Assignment.Role)
        self.status = _labels(Assignment.Status)
        self.late = format_html(' <span class="badge text-bg-danger">{}</span>', gettext("Overdue"))
        self.move = gettext("Move deadline")

    def __call__(self, a: Assignment) -> tuple:
        return (
            "case-overdue" if a.is_late else "",
            a.pk,
            self.case_url(a.handoff.case.number),
            a.handoff.case.number,
            a.handoff.number,
            self.role.get(a.role, a.role),
            _truncate(a.task, 80),
            local_moment(a.deadline),
            self.late if a.is_late else "",
            handoff_badge(a.status),
            self.status.get(a.status, a.status),
            self.deadline_url(a.pk),
            self.move,
        )
