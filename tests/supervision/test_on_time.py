"""One definition of "on time" (kpis.closed_on_time): the overdue scan and the KPI agree on
the same cases, every one built through the real services — no field set by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cases import calendar, overdue
from cases import services as case_services
from cases.models import Case, CaseEvent
from closure import services as closure
from closure.models import ResultRound
from supervision import kpis
from supervision.kpi_queries import case_late, case_on_time
from supervision.kpis import KpiScope
from tests.factories import aware

pytestmark = pytest.mark.django_db

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
AS_OF = aware(2026, 11, 27, 12)


def register_now(make_case, **fields) -> Case:
    """Registered now, promised in three working days (or answered on the spot)."""
    if fields.get("outcome") == "on_the_spot":
        return make_case(answer="当场答复", confirmation_note="来访人当面确认", **fields)
    return make_case(deadline=calendar.deadline_in_working_days(3), **fields)


def give(owner, case):
    case.refresh_from_db()
    return closure.result_record(owner, case=case, result="已电话告知处理结果", how_given="phone")


def confirm_by_phone(owner, round_, rating=5, reasons=""):
    return closure.confirmation_other_record(
        owner, round_=round_, method="phone_call", detail="电话确认", rating=rating, reasons=reasons
    )


@pytest.fixture
def cases(make_case, front_desk, center_head):
    """What happens to each case, played in time order with the overdue scan running every
    evening as beat runs it."""
    owner = front_desk
    made: dict[str, Case] = {}
    rounds: dict[str, ResultRound] = {}

    def new(name, **fields):
        return lambda: made.__setitem__(name, register_now(make_case, **fields))

    def result(name, then=None):
        def step():
            rounds[name] = give(owner, made[name])
            if then:
                then()

        return step

    def extend(name, until):
        def step():
            case = made[name]
            case.refresh_from_db()
            case_services.case_extend_deadline(
                owner,
                case=case,
                new_deadline=until,
                reason="需教务处核实",
                visitor_informed="电话告知",
                version=case.version,
            )

        return step

    steps = [
        # Result given on time by phone; the center head approves the closure days after the
        # deadline (5 Nov): on time — the closure's date is not the owner's.
        (aware(2026, 11, 2), new("late_approval")),
        (aware(2026, 11, 4), result("late_approval")),
        (aware(2026, 11, 4, 11), lambda: confirm_by_phone(owner, rounds["late_approval"])),
        (
            aware(2026, 11, 10),
            lambda: closure.confirmation_other_approve(
                center_head, round_=rounds["late_approval"], reason="电话录音核实"
            ),
        ),
        # Result given the day after the deadline.
        (aware(2026, 11, 2), new("late")),
        (aware(2026, 11, 6, 15), result("late")),
        # Nothing given, the deadline long past.
        (aware(2026, 11, 3), new("waiting")),
        # Not yet due at the time of the report: neither on time nor late.
        (aware(2026, 11, 26), new("not_due")),
        # On time, then dissatisfied: the rework's new round is judged against the new
        # deadline (three working days later), and given two weeks later.
        (aware(2026, 11, 2), new("rework_late")),
        (aware(2026, 11, 3), result("rework_late")),
        (
            aware(2026, 11, 3, 11),
            lambda: confirm_by_phone(owner, rounds["rework_late"], rating=1, reasons="没有解决"),
        ),
        (aware(2026, 11, 17), result("rework_late")),
        # The deadline lapsed, then was extended; the result came before the new deadline:
        # late — the extension does not undo the lapse.
        (aware(2026, 11, 2), new("lapsed")),
        (aware(2026, 11, 6, 9), extend("lapsed", aware(2026, 11, 13, 17, 30))),
        (aware(2026, 11, 10), result("lapsed")),
        # Extended before the deadline, answered before the new one: on time.
        (aware(2026, 11, 2), new("extended")),
        (aware(2026, 11, 4), extend("extended", aware(2026, 11, 13, 17, 30))),
        (aware(2026, 11, 12), result("extended")),
        # Answered on the spot: on time.
        (aware(2026, 11, 5), new("on_the_spot", outcome="on_the_spot")),
    ]
    day = aware(2026, 11, 2, 18)
    while day <= AS_OF:
        steps.append((day, lambda day=day: overdue.flag_overdue(now=day)))
        day += dt.timedelta(days=1)
    for moment, step in sorted(steps, key=lambda item: item[0]):
        with time_machine.travel(moment, tick=False):
            step()
    return made


def flagged_by_the_scan() -> set[int]:
    return set(CaseEvent.objects.filter(kind="overdue_flagged").values_list("case_id", flat=True))


def test_scan_and_kpi_agree_on_the_late_cases(cases):
    late = set(Case.objects.filter(case_late(AS_OF)).values_list("pk", flat=True))
    assert late == flagged_by_the_scan()
    assert late == {cases[k].pk for k in ("late", "waiting", "rework_late", "lapsed")}


def test_on_time_cases_are_those_answered_and_never_flagged(cases):
    on_time = set(Case.objects.filter(case_on_time(AS_OF)).values_list("pk", flat=True))
    assert on_time == {cases[k].pk for k in ("late_approval", "extended", "on_the_spot")}
    assert not on_time & flagged_by_the_scan()


def test_the_kpi_row_counts_the_same_cases(cases, front_desk):
    report = kpis.kpi_report(start=NOV[0], end=NOV[1], scope=KpiScope(), as_of=AS_OF)
    row = next(r for r in report.staff if r.pk == front_desk.pk)
    assert (row.value("closed_on_time"), row.value("overdue")) == (3, 4)
    assert row.value("on_time_rate") == 42.9


def test_a_late_approval_is_not_counted_against_the_owner(cases):
    case = Case.objects.get(pk=cases["late_approval"].pk)
    assert case.closed_at is not None and case.deadline is not None
    assert case.closed_at > case.deadline  # closed after the deadline …
    assert Case.objects.filter(case_on_time(AS_OF), pk=case.pk).exists()  # … yet on time
    assert case.pk not in flagged_by_the_scan()


def test_on_the_spot_answer_counts_in_the_on_time_rate(cases, front_desk):
    report = kpis.kpi_report(start=NOV[0], end=NOV[1], scope=KpiScope(), as_of=AS_OF)
    row = next(r for r in report.staff if r.pk == front_desk.pk)
    assert row.value("on_the_spot") == 1
    assert Case.objects.filter(case_on_time(AS_OF), pk=cases["on_the_spot"].pk).exists()
