"""The KPI queries against a plain recount in Python of the same cases and events.

The queries are shaped for speed (month of registration from boundaries worked out in Python,
the handoff family bounded by the period's smallest case id); these tests hold them to the
definitions, on cases registered either side of month and period boundaries and registered
out of id order.
"""

import datetime as dt
import random
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services as case_services
from cases.models import ACTIVE_STATUSES, Case, CaseEvent
from supervision.kpi_queries import (
    HANDOFF_KINDS,
    REFERRAL_KINDS,
    KpiScope,
    group_totals,
    period_months,
)
from supervision.periods import period_bounds
from tests.factories import aware
from tests.supervision.factories import case_at

pytestmark = pytest.mark.django_db

PERIOD = (dt.date(2026, 10, 1), dt.date(2026, 11, 30))
AS_OF = aware(2026, 11, 27, 12)


def recount(start, end, scope: KpiScope):
    """Each case of the period, one at a time, by the measure definitions in kpis.py: each
    measure for the department where it happened (kpis, "Departments")."""
    low, high = period_bounds(start, end)
    zone = ZoneInfo(settings.TIME_ZONE)
    groups: dict = {}
    months: dict = {}
    for case in Case.objects.filter(created_at__gte=low, created_at__lt=high):
        if scope.user_id is not None and case.owner_id != scope.user_id:
            continue
        kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
        closed, deadline = case.closed_at, case.deadline
        # No late rounds and no late extensions here: the rule of kpis.closed_on_time for
        # cases closed by hand (test_on_time.py covers rounds and extensions).
        active, spot = case.status in ACTIVE_STATUSES, case.outcome == "on_the_spot"
        late = deadline is not None and (
            (active and deadline < AS_OF)
            or (
                not spot
                and not case.result_rounds.exists()
                and closed is not None
                and closed > deadline
            )
        )
        received_by = case.received_department_id or case.owner_department_id
        answered_by = case.result_department_id or case.owner_department_id
        late_by = case.overdue_department_id or answered_by
        parts: list[tuple[int | None, dict[str, int], bool]] = [
            (received_by, {"received": 1, "on_the_spot": spot}, True),
            (late_by, {"overdue": late}, False),
            (
                answered_by,
                {
                    "closed_on_time": not active and (deadline is not None or spot) and not late,
                    "extensions": case.extension_count,
                    "rework": case.rework_count,
                    "rated": case.satisfaction is not None,
                    "satisfied": (case.satisfaction or 0) >= 4,
                    "rating_sum": case.satisfaction or 0,
                },
                False,
            ),
        ]
        month = case.created_at.astimezone(zone).date().replace(day=1)
        for department, values, received in parts:
            if scope.department_id is not None and department != scope.department_id:
                continue
            _add(months.setdefault(month, {}), values)
            if received:
                values = {
                    **values,
                    "referrals": bool(kinds & set(REFERRAL_KINDS)),
                    "handoffs": bool(kinds & set(HANDOFF_KINDS)),
                }
            _add(groups.setdefault((case.owner_id, department), {}), values)
    return groups, months


def _add(target: dict, values: dict) -> None:
    for key, value in values.items():
        target[key] = target.get(key, 0) + int(value)


def nonzero(table: dict) -> dict:
    return {key: {k: v for k, v in row.items() if v} for key, row in table.items()}


@pytest.fixture
def cases(make_case, front_desk, colleague, dept_member, department, center_head):
    """Thirty cases from mid-September to early December, several on the very first or last
    minute of a month; some referred or handed off (with repeated events), some moved to
    another department after registration."""
    rng = random.Random(20261127)  # test data
    owners = [front_desk, colleague, dept_member]
    edges = [
        aware(2026, 9, 30, 23, 59),
        aware(2026, 10, 1, 0, 0),
        aware(2026, 10, 31, 23, 59),
        aware(2026, 11, 1, 0, 0),
        aware(2026, 11, 30, 23, 59),
        aware(2026, 12, 1, 0, 0),
    ]
    moments = edges + [
        aware(2026, 9, 15) + dt.timedelta(hours=rng.randrange(0, 80 * 24)) for _ in range(24)
    ]
    # A case of the period registered first, so ids do not follow registration time.
    moments.insert(0, aware(2026, 11, 20))
    made = []
    for at in moments:
        outcome = rng.choice(["on_the_spot", "self", "self", "referral", "handoff"])
        fields: dict = {"outcome": outcome}
        if outcome == "referral":
            fields["department"] = department
        if outcome != "on_the_spot":
            # Set after registration (case_at updates it), which would refuse a weekend.
            fields["promised"] = at + dt.timedelta(days=rng.choice([1, 3, 10, 40]))
            if rng.random() < 0.7:
                fields["closed_at"] = at + dt.timedelta(days=rng.choice([0, 2, 5, 20]))
        if rng.random() < 0.7:
            fields["satisfaction"] = rng.randint(1, 5)
        fields["extension_count"] = rng.choice([0, 0, 1, 2])
        fields["rework_count"] = rng.choice([0, 0, 0, 1])
        promised = fields.pop("promised", None)
        case = case_at(make_case, owner=rng.choice(owners), at=at, **fields)
        if promised is not None:
            Case.objects.filter(pk=case.pk).update(deadline=promised)
        made.append(case)
    for case in rng.sample(made, 10):
        kind = rng.choice(REFERRAL_KINDS + HANDOFF_KINDS + ("closed", "callback_logged"))
        case_services.event_add(case=case, actor=center_head, kind=kind)
    moved = rng.sample(made, 4)
    Case.objects.filter(pk__in=[c.pk for c in moved]).update(owner_department_id=department.pk)
    return made


def scopes(front_desk, department):
    return [KpiScope(), KpiScope(user_id=front_desk.pk), KpiScope(department_id=department.pk)]


@pytest.mark.parametrize("scope_index", [0, 1, 2])
@pytest.mark.parametrize(
    "period",
    [PERIOD, (dt.date(2026, 11, 1), dt.date(2026, 11, 30)), (dt.date(2026, 10, 15), PERIOD[1])],
)
def test_groups_and_months_match_a_recount(cases, front_desk, department, scope_index, period):
    scope = scopes(front_desk, department)[scope_index]
    groups, months = group_totals(start=period[0], end=period[1], as_of=AS_OF, scope=scope)
    expected_groups, expected_months = recount(period[0], period[1], scope)
    assert expected_groups  # the data set reaches every scope and period
    assert nonzero(groups) == nonzero(expected_groups)
    assert nonzero(months) == nonzero(expected_months)


def test_a_case_registered_at_local_midnight_counts_in_the_new_month(make_case, front_desk):
    case_at(make_case, owner=front_desk, at=aware(2026, 10, 31, 23, 59))
    case_at(make_case, owner=front_desk, at=aware(2026, 11, 1, 0, 0))
    _groups, months = group_totals(start=PERIOD[0], end=PERIOD[1], as_of=AS_OF, scope=KpiScope())
    assert {m: v["received"] for m, v in months.items()} == {
        dt.date(2026, 10, 1): 1,
        dt.date(2026, 11, 1): 1,
    }


def test_period_months_cross_the_year():
    assert period_months(dt.date(2026, 11, 15), dt.date(2027, 2, 1)) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
    ]


def test_event_index_covers_the_kinds_the_handoff_family_counts():
    """For other kinds PostgreSQL cannot use the partial index and reads every event."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(indpred, indrelid) FROM pg_index "
            "WHERE indexrelid = 'kpi_caseevent_referral_handoff_idx'::regclass"
        )
        (predicate,) = cursor.fetchone()
    named = {kind for kind in REFERRAL_KINDS + HANDOFF_KINDS if f"'{kind}'" in predicate}
    assert named == set(REFERRAL_KINDS + HANDOFF_KINDS)
    assert predicate.count("'") == 2 * len(named)


def test_the_report_has_its_own_work_mem_and_gives_it_back(db):
    """The KPI queries run with KPI_WORK_MEM; the connection, kept for the next request, is
    back on the server's setting afterwards, even when the report fails."""
    from supervision import kpi_queries

    def work_mem():
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            return cursor.fetchone()[0]

    before = work_mem()
    seen = []
    with kpi_queries._reporting_memory():
        seen.append(work_mem())
    assert seen == [settings.KPI_WORK_MEM]
    assert work_mem() == before
    with pytest.raises(RuntimeError), kpi_queries._reporting_memory():
        raise RuntimeError("report failed")
    assert work_mem() == before


@pytest.mark.parametrize("family", ["received", "referrals", "breached"])
def test_the_kpi_index_holds_every_case_column_the_case_scans_read(family):
    """The case, handoff and accountability families read every case of the period; each is
    an index-only scan of kpi_case_created_idx (supervision 0002) only while the index holds
    every column of cases_case the query reads. A column added to a query but not to the index
    turns that scan into a read of the whole table: slower, not wrong, so only this test sees
    it."""
    with CaptureQueriesContext(connection) as captured:
        group_totals(start=PERIOD[0], end=PERIOD[1], as_of=AS_OF, scope=KpiScope())
    (sql,) = [query["sql"] for query in captured if f'AS "{family}"' in query["sql"]]
    read = set(re.findall(r'"cases_case"\."(\w+)"', sql))  # the scanned table, not a subquery's
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_index JOIN pg_attribute "
            "ON attrelid = indrelid AND attnum = ANY(indkey) "
            "WHERE indexrelid = 'kpi_case_created_idx'::regclass"
        )
        indexed = {name for (name,) in cursor.fetchall()}
    assert "received_department_id" in read
    assert read <= indexed, read - indexed
