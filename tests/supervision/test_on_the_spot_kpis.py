"""Answers given on the spot count in 及时率 and 满意度 like any other case (§5.1.1, INT-5).
Every case is built through the real services — intake, the signing screen, the confirmation
in words, the rework — and no field is set by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cases import overdue
from cases.models import Case, CaseEvent
from closure import services as closure
from closure.models import ResultRound
from supervision import kpis
from supervision.kpi_queries import case_on_time
from supervision.kpis import KpiScope
from tests.closure.factories import sign
from tests.factories import aware

pytestmark = pytest.mark.django_db

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
AS_OF = aware(2026, 11, 27, 12)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def spot(make_case, **confirmation):
    return make_case(outcome="on_the_spot", answer="当场答复：周四上午有课。", **confirmation)


@pytest.fixture
def spot_cases(make_case, front_desk, work_calendar):
    made = {}
    with time_machine.travel(aware(2026, 11, 2, 9), tick=False):
        # Signed on the signing screen at the counter.
        made["signed"] = spot(make_case)
        sign(ResultRound.objects.get(case=made["signed"]), rating=5)
        # Confirmed on the phone of the call, fairly satisfied.
        made["phone"] = spot(
            make_case, confirmation_method="phone_call", rating=3, confirmation_note="电话中确认"
        )
        # Not satisfied in words: reworked, then answered again and signed.
        made["rework"] = spot(
            make_case, confirmation_method="verbal", rating=1, confirmation_note="没有解决"
        )
        # The visitor left before signing: answered, not rated.
        made["unsigned"] = spot(make_case)
    with time_machine.travel(aware(2026, 11, 3, 10), tick=False):
        case = Case.objects.get(pk=made["rework"].pk)
        again = closure.result_record(
            front_desk, case=case, result="已调到周四下午", how_given="phone"
        )
        sign(again, rating=4)
    day = aware(2026, 11, 2, 18)
    while day <= AS_OF:
        with time_machine.travel(day, tick=False):
            overdue.flag_overdue(now=day)
        day += dt.timedelta(days=1)
    return {name: Case.objects.get(pk=case.pk) for name, case in made.items()}


def staff_row(front_desk):
    report = kpis.kpi_report(start=NOV[0], end=NOV[1], scope=KpiScope(), as_of=AS_OF)
    return next(r for r in report.staff if r.pk == front_desk.pk)


def test_on_the_spot_answers_count_as_on_time(spot_cases, front_desk):
    row = staff_row(front_desk)
    assert row.value("on_the_spot") == 4
    assert (row.value("closed_on_time"), row.value("overdue")) == (4, 0)
    assert row.value("on_time_rate") == 100.0
    on_time = set(Case.objects.filter(case_on_time(AS_OF)).values_list("pk", flat=True))
    assert on_time == {case.pk for case in spot_cases.values()}
    assert not CaseEvent.objects.filter(kind="overdue_flagged").exists()


def test_on_the_spot_answers_count_in_satisfaction(spot_cases, front_desk):
    row = staff_row(front_desk)
    # Rated: signed 5, phone 3, the rework's second round 4; the unsigned one is not rated.
    assert [spot_cases[k].satisfaction for k in ("signed", "phone", "rework", "unsigned")] == [
        5,
        3,
        4,
        None,
    ]
    assert row.value("satisfaction_rate") == 66.7
    assert row.value("average_rating") == 4.0
    assert row.value("rework") == 1


def test_the_department_row_counts_them_too(spot_cases, front_desk):
    report = kpis.kpi_report(start=NOV[0], end=NOV[1], scope=KpiScope(), as_of=AS_OF)
    row = next(r for r in report.departments if r.pk == front_desk.department_id)
    assert (row.value("on_the_spot"), row.value("closed_on_time")) == (4, 4)
    assert row.value("satisfaction_rate") == 66.7
