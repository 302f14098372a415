"""The center head's desk reaches every waiting form (issue 17 item 7): a list longer than the
20 rows shown links to all of them."""

import pytest

from cases import calendar
from handoffs.views.pages import _rows_shown
from tests.handoffs.factories import submit_handoff

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_forms(make_case, front_desk, department, third_department):
    return [
        submit_handoff(
            make_case(outcome="handoff", deadline=calendar.deadline_in_working_days(5)),
            front_desk,
            [department, third_department],
        )
        for _ in range(21)
    ]


def test_a_long_list_links_to_the_rest(client, center_head, waiting_forms):
    client.force_login(center_head)
    body = client.get("/handoffs/").content.decode()
    assert sum(form.number in body for form in waiting_forms) == 20
    more = body[body.index('id="more-waiting"') :]
    assert 'href="?shown=21"' in more[: more.index("</p>")]
    everything = client.get("/handoffs/", {"shown": "21"}).content.decode()
    assert all(form.number in everything for form in waiting_forms)
    assert 'id="more-waiting"' not in everything


def test_the_board_reloads_what_is_shown(client, center_head, waiting_forms):
    client.force_login(center_head)
    body = client.get("/handoffs/", {"shown": "21"}).content.decode()
    assert 'hx-get="/handoffs/?shown=21"' in body


@pytest.mark.parametrize(
    ("typed", "rows"), [(None, 20), ("", 20), ("5", 20), ("oops", 20), ("40", 40), ("9999", 500)]
)
def test_rows_shown_are_bounded(typed, rows):
    assert _rows_shown(typed) == rows
