import datetime as dt

import pytest
import time_machine

from cases import calendar
from cases.models import WorkCalendarDay
from tests.factories import aware

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 1, 26), True),  # Sunday worked before Spring Festival 2025
        (D(2025, 1, 29), False),  # Spring Festival
        (D(2025, 2, 8), True),  # Saturday worked after Spring Festival 2025
        (D(2025, 9, 28), True),  # Sunday worked before National Day 2025
        (D(2025, 10, 3), False),
        (D(2025, 10, 8), False),
        (D(2025, 10, 11), True),  # Saturday worked after National Day 2025
        (D(2026, 2, 14), True),  # Saturday worked before Spring Festival 2026
        (D(2026, 2, 16), False),
        (D(2026, 2, 23), False),
        (D(2026, 2, 28), True),  # Saturday worked after Spring Festival 2026
        (D(2026, 9, 20), True),  # Sunday worked before National Day 2026
        (D(2026, 10, 5), False),
        (D(2026, 10, 10), True),  # Saturday worked after National Day 2026
        (D(2026, 11, 28), False),  # an ordinary Saturday
        (D(2026, 11, 27), True),  # an ordinary Friday
    ],
)
def test_is_workday_follows_the_seeded_calendar(day, expected):
    assert calendar.is_workday(day) is expected


def test_three_working_days_skip_national_day_2026():
    # Wednesday 30 Sep 2026: holiday 1–7 Oct, Sat 10 Oct worked.
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_working_days_cross_spring_festival_2026():
    # Friday 13 Feb 2026: Sat 14 worked, 15–23 holiday.
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_national_day_2025_adjusted_days():
    assert calendar.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert calendar.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)


def test_deadline_ends_at_end_of_working_day():
    with time_machine.travel(aware(2026, 11, 27, 10), tick=False):
        deadline = calendar.deadline_in_working_days(3)
    assert deadline == aware(2026, 12, 2, 17, 30)


def test_workday_end_is_configurable(settings):
    settings.WORKDAY_END = "18:00"
    assert calendar.workday_end(D(2026, 12, 1)) == aware(2026, 12, 1, 18, 0)


def test_admin_edit_changes_the_computation():
    WorkCalendarDay.objects.create(date=D(2026, 12, 1), is_workday=False, name="校庆")
    assert calendar.add_working_days(D(2026, 11, 30), 1) == D(2026, 12, 2)
