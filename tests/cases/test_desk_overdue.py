"""Overdue first, with how long overdue (OWN-4, HND-5's overdue cases for the center head)."""

import pytest
import time_machine

from cases import selectors
from tests.factories import aware
from tests.notifications.factories import due_cases

pytestmark = pytest.mark.django_db


def test_center_head_desk_lists_every_overdue_case_longest_first(
    front_desk, colleague, center_head, category
):
    older = due_cases(1, owner=front_desk, category=category, deadline=aware(2026, 11, 24, 17, 30))
    newer = due_cases(1, owner=colleague, category=category, deadline=aware(2026, 11, 26, 17, 30))
    due_cases(1, owner=colleague, category=category, deadline=aware(2026, 12, 2, 17, 30))

    with time_machine.travel(aware(2026, 11, 27, 10), tick=False):
        desk = selectors.desk_for_user(user=center_head)

    assert [c.pk for c in desk.center_overdue] == [older[0].pk, newer[0].pk]
    assert desk.center_overdue_count == 2


def test_staff_desk_has_no_center_section(front_desk, category):
    due_cases(1, owner=front_desk, category=category, deadline=aware(2026, 11, 24, 17, 30))

    with time_machine.travel(aware(2026, 11, 27, 10), tick=False):
        desk = selectors.desk_for_user(user=front_desk)

    assert desk.center_overdue == []
    assert len(desk.overdue) == 1


def test_desk_shows_how_long_a_case_is_overdue(client, front_desk, category):
    due_cases(1, owner=front_desk, category=category, deadline=aware(2026, 11, 25, 17, 30))
    client.force_login(front_desk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    with time_machine.travel(aware(2026, 11, 27, 20, 30), tick=False):
        body = client.get("/").content.decode()

    assert "Overdue by 2\xa0days, 3\xa0hours" in body


def test_center_head_desk_page_shows_the_center_section(client, front_desk, center_head, category):
    case = due_cases(1, owner=front_desk, category=category, deadline=aware(2026, 11, 25, 17, 30))
    client.force_login(center_head)

    with time_machine.travel(aware(2026, 11, 27, 10), tick=False):
        body = client.get("/").content.decode()

    assert 'id="center-overdue"' in body
    assert case[0].number in body
