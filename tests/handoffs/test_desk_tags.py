import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from handoffs import selectors, services
from handoffs.templatetags import desk_tags
from tests.handoffs.factories import record_meeting, submit_handoff

pytestmark = pytest.mark.django_db


def test_waiting_row_links_the_form_and_the_meeting_slot(handoff):
    html = desk_tags.waiting_rows(selectors.center_desk().waiting_meeting)

    assert f'<tr id="waiting-{handoff.number}">' in html
    assert reverse("handoffs:handoff_print", args=[handoff.number]) in html
    assert f'hx-get="{reverse("handoffs:meeting", args=[handoff.number])}"' in html
    assert f'<div id="slot-meeting-{handoff.pk}"></div>' in html
    assert "、".join(str(d) for d in handoff.departments.all()) in html


def test_dispute_row_names_the_assignment_and_the_ruling_slot(returned, front_desk):
    dispute = services.dispute_raise(
        front_desk, handoff=returned.handoff, assignment=returned, positions="双方意见不一"
    )

    html = desk_tags.dispute_rows(selectors.center_desk().disputes)

    assert f'<tr id="dispute-row-{dispute.pk}">' in html
    assert f"<td>{returned.department.name}</td>" in html
    assert f'hx-get="{reverse("handoffs:dispute_rule", args=[dispute.pk])}"' in html


def test_dispute_without_an_assignment_shows_a_dash(returned, third_head):
    services.dispute_raise(third_head, handoff=returned.handoff, positions="我部已完成")

    html = desk_tags.dispute_rows(selectors.center_desk().disputes)

    assert "<td>—</td>" in html


def test_late_assignment_row_is_marked_overdue(assisting):
    with time_machine.travel(assisting.deadline + dt.timedelta(hours=1)):
        html = desk_tags.department_loads(selectors.center_desk().by_department)

    assert f'<tr class="case-overdue" id="desk-assignment-{assisting.pk}">' in html
    assert '<span class="badge text-bg-danger">Overdue</span>' in html
    assert '<span class="badge text-bg-danger">1 overdue</span>' in html


def test_assignment_row_before_its_deadline_is_not_marked(assisting):
    html = desk_tags.department_loads(selectors.center_desk().by_department)

    assert f'<tr class="" id="desk-assignment-{assisting.pk}">' in html
    assert "overdue" not in html.lower()


def test_desk_page_queries_do_not_grow_with_its_rows(
    client, center_head, make_case, front_desk, department, third_department
):
    def build():
        handoff = submit_handoff(make_case(), front_desk, [department, third_department])
        record_meeting(handoff, center_head, department, [third_department])
        submit_handoff(make_case(), front_desk, [department, third_department])

    build()
    client.force_login(center_head)
    client.get(reverse("handoffs:desk"))  # sessions and per-process caches warmed
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("handoffs:desk"))
    for _ in range(3):
        build()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("handoffs:desk"))

    assert len(many) == len(few) <= 12


def test_long_task_is_cut_like_truncatechars(assisting):
    assisting.task = "核" * 100
    assisting.save(update_fields=["task"])

    html = desk_tags.department_loads(selectors.center_desk().by_department)

    assert f'<td class="small">{"核" * 79}…</td>' in html


HOSTILE = '<script>alert("x")</script>'


def test_desk_rows_escape_hostile_values(front_desk, department, third_department, make_case):
    """The rows are Jinja2 templates (handoffs/jinja2/handoffs/): every value is escaped."""
    handoff = submit_handoff(make_case(subject=HOSTILE), front_desk, [department, third_department])
    department.name = HOSTILE
    department.save(update_fields=["name"])
    desk = selectors.center_desk()

    waiting = str(desk_tags.waiting_rows(desk.waiting_meeting))
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    assert f"</a> · {escaped}</td>" in waiting  # the case's subject
    assert waiting.count(escaped) == 2  # and the department's name
    assert f'<tr id="waiting-{handoff.number}">' in waiting
    assert "<script>" not in waiting


def test_dispute_and_assignment_rows_escape_hostile_values(returned, front_desk):
    services.dispute_raise(
        front_desk, handoff=returned.handoff, assignment=returned, positions=HOSTILE
    )
    returned.task = HOSTILE
    returned.save(update_fields=["task"])
    desk = selectors.center_desk()

    disputes = str(desk_tags.dispute_rows(desk.disputes))
    loads = str(desk_tags.department_loads(desk.by_department))

    assert '<td class="small">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</td>' in disputes
    assert "&lt;script&gt;" in loads
    assert "<script>" not in disputes + loads


def test_row_templates_escape_by_default_and_refuse_unknown_names():
    import jinja2
    from django.template import engines
    from django.template.backends.jinja2 import Jinja2

    engine = engines["jinja2"]
    assert isinstance(engine, Jinja2)
    env = engine.env
    assert env.autoescape is True
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing.name }}").render()
