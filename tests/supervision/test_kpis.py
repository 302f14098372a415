"""KPI numbers against hand-computed expectations on a small fixed data set (KPI-1)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import calendar
from cases import services as case_services
from supervision import kpis
from supervision.kpis import KpiScope
from supervision.services import inspections
from tests.factories import aware
from tests.supervision.factories import case_at, session_with, start_inspection, verified_complaint

pytestmark = pytest.mark.django_db

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
AS_OF = aware(2026, 11, 27, 12)


def report(scope=None, period=NOV, as_of=AS_OF):
    return kpis.kpi_report(start=period[0], end=period[1], scope=scope or KpiScope(), as_of=as_of)


def values(row):
    return {m.key: m.value(row.totals) for m in kpis.MEASURES}


def row_of(rows, pk):
    return next(r for r in rows if r.pk == pk)


@pytest.fixture
def dataset(make_case, front_desk, dept_member, department, center_head, auditor):
    """A (front desk, 财务室) has five November cases, B (dept member, 教务处) two."""
    a, b = front_desk, dept_member
    case_at(make_case, owner=a, at=aware(2026, 11, 2), outcome="on_the_spot", rating=5)
    a2 = case_at(
        make_case,
        owner=a,
        at=aware(2026, 11, 3),
        deadline=aware(2026, 11, 10, 17, 30),
        closed_at=aware(2026, 11, 9),
        satisfaction=4,
    )
    a3 = case_at(
        make_case,
        owner=a,
        at=aware(2026, 11, 4),
        deadline=aware(2026, 11, 12, 17, 30),
        closed_at=aware(2026, 11, 14),
        satisfaction=2,
        rework_count=1,
    )
    case_at(make_case, owner=a, at=aware(2026, 11, 5), deadline=aware(2026, 11, 20, 17, 30))
    a5 = case_at(
        make_case,
        owner=a,
        at=aware(2026, 11, 6),
        outcome="referral",
        department=department,
        deadline=aware(2026, 11, 30, 17, 30),
    )
    case_services.event_add(case=a5, actor=a, kind="referral_created")  # same case: counted once
    case_at(
        make_case,
        owner=b,
        at=aware(2026, 11, 9),
        outcome="handoff",
        deadline=aware(2026, 11, 25, 17, 30),
        closed_at=aware(2026, 11, 24),
        satisfaction=3,
        extension_count=2,
    )
    case_at(make_case, owner=b, at=aware(2026, 11, 10), deadline=aware(2026, 12, 1, 17, 30))
    # Outside the period: an October case, an October finding and an October session.
    case_at(make_case, owner=a, at=aware(2026, 10, 20), deadline=aware(2026, 10, 22, 17, 30))
    verified_complaint(center_head, staff=b, at=aware(2026, 11, 12))
    verified_complaint(center_head, staff=a, at=aware(2026, 11, 13), finding="unfounded")
    verified_complaint(center_head, staff=a, at=aware(2026, 10, 13))
    session_with(center_head, held_on=dt.date(2026, 11, 5), hours="2.5", attendees=[a, b])
    session_with(center_head, held_on=dt.date(2026, 10, 5), hours="4", attendees=[a])
    with time_machine.travel(aware(2026, 11, 26), tick=False):
        inspection = start_inspection(auditor, start=NOV[0], end=NOV[1], size=7)
    checks = {"reception_complete": True, "handled_in_time": True, "result_confirmed": True}
    item2 = inspection.items.get(case=a2)
    inspections.inspection_score_item(
        auditor, item=item2, checks={**checks, "archived_properly": False}
    )
    item3 = inspection.items.get(case=a3)
    inspections.inspection_score_item(
        auditor, item=item3, checks={**checks, "handled_in_time": False, "archived_properly": False}
    )
    return a, b


def test_staff_row_a(dataset):
    a, _b = dataset
    assert values(row_of(report().staff, a.pk)) == {
        "received": 5,
        "on_the_spot": 1,
        "closed_on_time": 2,  # the case answered on the spot is on time
        "overdue": 2,
        "on_time_rate": 50.0,
        "extensions": 0,
        "referrals": 1,
        "handoffs": 0,
        "rework": 1,
        "satisfaction_rate": 66.7,
        "average_rating": 3.67,
        "verified_complaints": 0,
        "training_hours": pytest.approx(2.5),
        "inspection_score": 62.5,
        "first_responsibility": 100.0,
    }


def test_staff_row_b(dataset):
    _a, b = dataset
    assert values(row_of(report().staff, b.pk)) == {
        "received": 2,
        "on_the_spot": 0,
        "closed_on_time": 1,
        "overdue": 0,
        "on_time_rate": 100.0,
        "extensions": 2,
        "referrals": 0,
        "handoffs": 1,
        "rework": 0,
        "satisfaction_rate": 0.0,
        "average_rating": 3.0,
        "verified_complaints": 1,
        "training_hours": pytest.approx(2.5),
        "inspection_score": None,
        "first_responsibility": 100.0,
    }


def test_department_rows_follow_the_owner_department(dataset, department, other_department):
    rows = report().departments
    assert values(row_of(rows, other_department.pk))["received"] == 5
    jw = values(row_of(rows, department.pk))
    assert (jw["received"], jw["verified_complaints"], jw["handoffs"]) == (2, 1, 1)


def test_center_row(dataset):
    center = values(report().center)
    assert center["received"] == 7
    assert center["on_time_rate"] == 60.0
    assert center["satisfaction_rate"] == 50.0
    assert center["average_rating"] == 3.5
    assert center["extensions"] == 2
    assert (center["referrals"], center["handoffs"]) == (1, 1)
    assert center["verified_complaints"] == 1
    assert center["training_hours"] == pytest.approx(5.0)
    assert center["inspection_score"] == 62.5


def test_staff_scope_sees_only_themselves(dataset):
    a, _b = dataset
    result = report(KpiScope(user_id=a.pk))
    assert [r.pk for r in result.staff] == [a.pk]
    assert result.departments == [] and result.center is None
    assert values(result.staff[0])["received"] == 5


def test_department_scope(dataset, department):
    _a, b = dataset
    result = report(KpiScope(department_id=department.pk))
    assert [r.pk for r in result.departments] == [department.pk]
    assert values(row_of(result.staff, b.pk))["received"] == 2
    assert result.center is None


def test_no_cases_gives_zero_counts_and_empty_rates(front_desk):
    row = row_of(report().staff, front_desk.pk)
    got = values(row)
    assert got["received"] == 0 and got["overdue"] == 0
    assert got["on_time_rate"] is None
    assert got["satisfaction_rate"] is None and got["average_rating"] is None
    assert got["inspection_score"] is None
    assert row.cells[4][2] == "—"


def test_all_overdue(make_case, front_desk):
    for day in (2, 3):
        case_at(
            make_case,
            at=aware(2026, 11, day),
            deadline=aware(2026, 11, day + 2, 17, 30),
            closed_at=aware(2026, 11, day + 5),
        )
    case_at(make_case, at=aware(2026, 11, 4), deadline=aware(2026, 11, 6, 17, 30))
    got = values(row_of(report().staff, front_desk.pk))
    assert (got["closed_on_time"], got["overdue"], got["on_time_rate"]) == (0, 3, 0.0)


def test_rework_rounds_add_up(make_case, front_desk):
    case_at(make_case, at=aware(2026, 11, 2), rework_count=2)
    case_at(make_case, at=aware(2026, 11, 3), rework_count=1)
    assert values(row_of(report().staff, front_desk.pk))["rework"] == 3


def test_extension_across_national_day(make_case, front_desk):
    """Promised 30 Sep, extended on 30 Sep by two working days: the holiday week is skipped,
    so the new deadline is 9 Oct; closed on 9 Oct is on time, on the adjusted working day
    10 Oct is late."""
    sept = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    closings = [aware(2026, 10, 9, 10), aware(2026, 10, 10, 10)]
    for closed in closings:
        case = case_at(make_case, at=aware(2026, 9, 29), deadline=aware(2026, 9, 30, 17, 30))
        with time_machine.travel(aware(2026, 9, 30, 9), tick=False):
            new = calendar.deadline_in_working_days(2)
            case = case_services.case_extend_deadline(
                front_desk,
                case=case,
                new_deadline=new,
                reason="需教务处核实",
                visitor_informed="电话告知",
                version=case.version,
            )
        assert case.deadline == aware(2026, 10, 9, 17, 30)
        type(case).objects.filter(pk=case.pk).update(closed_at=closed, status="closed")
    got = values(row_of(report(period=sept).staff, front_desk.pk))
    assert (got["extensions"], got["closed_on_time"], got["overdue"]) == (2, 1, 1)
    assert got["on_time_rate"] == 50.0


def selects(captured):
    """The data queries (not the savepoint and the work_mem setting around them)."""
    return [
        q["sql"] for q in captured if q["sql"].startswith("SELECT") and "set_config" not in q["sql"]
    ]


def test_one_query_per_family(dataset):
    # 6 families (the case family also gives the trend) + staff names + department names
    with CaptureQueriesContext(connection) as captured:
        report()
    assert len(selects(captured)) == 8


def test_query_count_does_not_grow_with_cases(make_case, front_desk):
    case_at(make_case, at=aware(2026, 11, 2))
    with CaptureQueriesContext(connection) as few:
        report()
    for day in range(3, 12):
        case_at(make_case, at=aware(2026, 11, day))
    with CaptureQueriesContext(connection) as many:
        report()
    assert len(many) == len(few)
    assert len(selects(many)) == len(selects(few))


def test_trend_by_month(dataset):
    trend = report(period=(dt.date(2026, 10, 1), NOV[1])).trend
    assert [month for month, _t in trend] == [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    assert [t.received for _m, t in trend] == [1, 7]


def test_sorting_puts_empty_values_last(dataset, center_head):
    rows = kpis.sort_rows(report().staff, "on_time_rate", descending=True)
    rates = [r.value("on_time_rate") for r in rows]
    assert rates[:2] == [100.0, 50.0]
    assert all(rate is None for rate in rates[2:])


def test_every_measure_has_a_definition():
    assert len({m.key for m in kpis.MEASURES}) == len(kpis.MEASURES) == 15
    assert all(m.definition and m.help for m in kpis.MEASURES)
