"""Department figures follow the department that held the case when each measured thing
happened (kpis, "Departments"): a case received by one department, reassigned to another, is
received by the first; its lapse counts where it lapsed; its result and rating where they were
given. Built through the real services only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cases import calendar, overdue
from cases import services as case_services
from cases.models import Case
from closure import services as closure
from supervision import kpis
from supervision.kpis import KpiScope
from tests.closure.factories import sign
from tests.factories import aware

pytestmark = pytest.mark.django_db

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
AS_OF = aware(2026, 11, 27, 12)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def at(moment, step):
    with time_machine.travel(moment, tick=False):
        return step()


def reassign(center_head, case, new_owner):
    case.refresh_from_db()
    return case_services.case_reassign_owner(
        center_head, case=case, new_owner=new_owner, reason="原责任人调岗", version=case.version
    )


def give_and_sign(owner, case, rating):
    case.refresh_from_db()
    round_ = closure.result_record(owner, case=case, result="已办理", how_given="phone")
    return sign(round_, owner, rating=rating)


@pytest.fixture
def moved(make_case, front_desk, dept_member, center_head, work_calendar):
    """Both received by 财务室 (front desk) on 2 Nov and moved to 教务处 (dept member)."""

    def new():
        return make_case(deadline=calendar.deadline_in_working_days(3))

    on_time = at(aware(2026, 11, 2), new)
    lapsed = at(aware(2026, 11, 2, 11), new)
    at(aware(2026, 11, 3), lambda: reassign(center_head, on_time, dept_member))
    at(aware(2026, 11, 4), lambda: give_and_sign(dept_member, on_time, 5))
    # The deadline lapses with 财务室 (the scan flags it), then it moves and is answered late.
    day = aware(2026, 11, 2, 18)
    while day <= aware(2026, 11, 8, 18):
        at(day, lambda day=day: overdue.flag_overdue(now=day))
        day += dt.timedelta(days=1)
    at(aware(2026, 11, 9), lambda: reassign(center_head, lapsed, dept_member))
    at(aware(2026, 11, 10), lambda: give_and_sign(dept_member, lapsed, 4))
    return on_time, lapsed


def department_values(scope, pk):
    report = kpis.kpi_report(start=NOV[0], end=NOV[1], scope=scope, as_of=AS_OF)
    row = next(r for r in report.departments if r.pk == pk)
    keys = ("received", "closed_on_time", "overdue", "satisfaction_rate")
    return {**{key: row.value(key) for key in keys}, "rated": row.totals.rated}


def test_the_cases_moved_and_were_flagged_where_they_lapsed(moved, front_desk, dept_member):
    on_time, lapsed = (Case.objects.get(pk=case.pk) for case in moved)
    assert on_time.owner_department_id == lapsed.owner_department_id == dept_member.department_id
    assert lapsed.overdue_department_id == front_desk.department_id
    assert on_time.overdue_department_id is None


def test_receiving_department_keeps_the_intake_and_the_lapse(moved, front_desk):
    expected = {
        "received": 2,
        "closed_on_time": 0,
        "overdue": 1,
        "rated": 0,
        "satisfaction_rate": None,
    }
    pk = front_desk.department_id
    assert department_values(KpiScope(), pk) == expected
    assert department_values(KpiScope(department_id=pk), pk) == expected


def test_answering_department_gets_the_results_and_ratings(moved, dept_member):
    expected = {
        "received": 0,
        "closed_on_time": 1,
        "overdue": 0,
        "rated": 2,
        "satisfaction_rate": 100.0,
    }
    pk = dept_member.department_id
    assert department_values(KpiScope(), pk) == expected
    assert department_values(KpiScope(department_id=pk), pk) == expected


def test_the_center_counts_each_case_once(moved):
    report = kpis.kpi_report(start=NOV[0], end=NOV[1], scope=KpiScope(), as_of=AS_OF)
    center = report.center
    assert center is not None
    assert (center.value("received"), center.value("closed_on_time")) == (2, 1)
    assert (center.value("overdue"), center.totals.rated) == (1, 2)
