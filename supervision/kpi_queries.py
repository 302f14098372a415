"""The KPI queries: one aggregate query per measure family, grouped by (staff member,
department). ``kpis`` defines the measures and rolls these groups up into rows."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, models
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    F,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from cases.models import ACTIVE_STATUSES, Case, CaseEvent, Outcome
from closure.models import ResultRound
from handoffs.models import Answer, Referral, ReturnGround

from .models import Complaint, InspectionItem, TrainingSession
from .periods import period_bounds

REFERRAL_KINDS = ("referral_requested", "referral_created")
HANDOFF_KINDS = ("handoff_requested", "handoff_submitted")


@dataclass(frozen=True)
class KpiScope:
    """Whose figures: one staff member, one department, or (neither) the whole center."""

    user_id: int | None = None
    department_id: int | None = None

    @property
    def is_center(self) -> bool:
        return self.user_id is None and self.department_id is None


Group = tuple[int | None, int | None]  # (user id, department id)
Row = dict[str, Any]  # a grouped values() row: its group's keys are popped, the figures merged


def _rows(grouped: QuerySet[Any, Any]) -> list[Row]:
    """The rows of a grouped ``values()`` query, which are plain dicts: django-stubs types them
    as TypedDicts, whose keys cannot be popped."""
    return cast(list[Row], list(grouped))


# The attributed departments are computed per row from columns kpi_case_created_idx holds
# (supervision 0002); the COALESCE itself costs nothing measurable (the case family grouped on
# the bare columns takes as long). Their NULLs are not filled at write time because they mean
# something: no result yet, or never flagged, follows the case to where it is now.
def received_department(prefix: str = "") -> Coalesce:
    """The department that received the case (kpis, "Departments"); before it was kept, the
    owner's."""
    return Coalesce(F(f"{prefix}received_department_id"), F(f"{prefix}owner_department_id"))


def result_department(prefix: str = "") -> Coalesce:
    """The department that held the case when its latest result was given; with no result
    yet (or before it was kept), the one holding it now."""
    return Coalesce(F(f"{prefix}result_department_id"), F(f"{prefix}owner_department_id"))


def late_department(prefix: str = "") -> Coalesce:
    """The department that held the case when the overdue scan flagged it; not flagged (a
    result given late between two scans), the one that gave the result or holds it now."""
    return Coalesce(
        F(f"{prefix}overdue_department_id"),
        F(f"{prefix}result_department_id"),
        F(f"{prefix}owner_department_id"),
    )


# Which department each case measure counts for (kpis, "Departments"): where the case was
# received, where it lapsed, or (the rest) where its result was given.
RECEIVED_MEASURES = ("received", "on_the_spot")
LATE_MEASURES = ("overdue",)


def _case_filter(scope: KpiScope, prefix: str = "") -> dict:
    """A staff member's cases: those they own. (A department's are chosen per measure.)"""
    rules: dict = {}
    if scope.user_id is not None:
        rules[f"{prefix}owner_id"] = scope.user_id
    return rules


def _received_by(scope: KpiScope, rows, prefix: str = ""):
    if scope.department_id is None:
        return rows
    return rows.alias(received_by=received_department(prefix)).filter(
        received_by=scope.department_id
    )


def period_months(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month the period touches."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_of_registration(start: dt.date, end: dt.date) -> models.Case:
    """The local month a case was registered in, as a date, found by comparing ``created_at``
    with the month boundaries (local midnight, worked out here with zoneinfo). PostgreSQL's
    ``date_trunc('month', created_at AT TIME ZONE …)`` converts every row's time; on a year
    of 240,000 cases that was a third of the case family's time."""
    zone = ZoneInfo(settings.TIME_ZONE)
    months = period_months(start, end)
    boundaries = [
        models.When(
            created_at__lt=dt.datetime.combine(following, dt.time.min, tzinfo=zone),
            then=models.Value(month),
        )
        for month, following in itertools.pairwise(months)
    ]
    return models.Case(*boundaries, default=models.Value(months[-1]), output_field=DateField())


def case_late(as_of: dt.datetime, since: dt.datetime | None = None) -> Q:
    """The cases not answered on time (``kpis.closed_on_time`` has the definition): a result
    given after the deadline in force when it was given; a deadline that lapsed before it was
    extended; still the owner's work past the deadline at ``as_of``; or — cases with no result
    round that kept its deadline (from before rounds kept it, archived ones) — closed after it.

    ``since``: the start of the period (no round or extension of its cases is older). The
    rounds and extensions are read once each as uncorrelated ``IN`` lists, from the indexes of
    0001_squashed, instead of three probes per case of the period."""
    rounds = ResultRound.objects.all()
    extended = CaseEvent.objects.filter(kind="deadline_extended")
    if since is not None:
        rounds = rounds.filter(recorded_at__gte=since)
        extended = extended.filter(created_at__gte=since)
    given_late = rounds.filter(deadline__isnull=False, recorded_at__gt=F("deadline"))
    lapsed = extended.annotate(old=Cast(KT("data__old"), DateTimeField())).filter(
        old__lt=F("created_at")
    )
    return Q(deadline__isnull=False) & (
        Q(pk__in=given_late.values("case_id"))
        | Q(pk__in=lapsed.values("case_id"))
        | Q(status__in=ACTIVE_STATUSES, deadline__lt=as_of)
        | (
            ~Q(pk__in=rounds.filter(deadline__isnull=False).values("case_id"))
            & ~Q(outcome=Outcome.ON_THE_SPOT)
            & Q(closed_at__gt=F("deadline"))
        )
    )


def case_on_time(as_of: dt.datetime, since: dt.datetime | None = None) -> Q:
    """Answered (a result given, or answered on the spot) and never late; cases still the
    owner's work and not yet late are neither on time nor late."""
    answered = ~Q(status__in=ACTIVE_STATUSES)
    counted = Q(deadline__isnull=False) | Q(outcome=Outcome.ON_THE_SPOT)
    return answered & counted & ~case_late(as_of, since)


def _case_family(start, end, as_of, scope: KpiScope) -> list[Row]:
    """Grouped by month of registration too, so that one scan of the period's cases gives
    both the rows and the trend chart."""
    low, high = period_bounds(start, end)
    rows = Case.objects.filter(created_at__gte=low, created_at__lt=high, **_case_filter(scope))
    if scope.department_id is not None:
        rows = rows.alias(
            received_by=received_department(),
            answered_by=result_department(),
            late_by=late_department(),
        ).filter(
            Q(received_by=scope.department_id)
            | Q(answered_by=scope.department_id)
            | Q(late_by=scope.department_id)
        )
    return _rows(
        rows.annotate(
            month=_month_of_registration(start, end),
            received_by=received_department(),
            answered_by=result_department(),
            late_by=late_department(),
        )
        .values("owner_id", "received_by", "answered_by", "late_by", "month")
        .annotate(
            received=Count("pk"),
            on_the_spot=Count("pk", filter=Q(outcome=Outcome.ON_THE_SPOT)),
            closed_on_time=Count("pk", filter=case_on_time(as_of, low)),
            overdue=Count("pk", filter=case_late(as_of, low)),
            extensions=Sum("extension_count"),
            rework=Sum("rework_count"),
            rated=Count("satisfaction"),
            satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
            rating_sum=Sum("satisfaction"),
            first_case=Min("pk"),
        )
        .order_by()
    )


def _handoff_family(low, high, scope: KpiScope, first_case: int | None) -> dict[Group, dict]:
    """``first_case`` is the smallest id of the period's cases (the case family's
    ``first_case``). It changes no figure, but case ids grow with registration, so it lets
    PostgreSQL read only the period's stretch of the events index (0001_squashed) and hash
    those events, instead of hashing every case of the period to join them with all the
    referral and handoff events since the first year."""
    rows = CaseEvent.objects.filter(
        kind__in=REFERRAL_KINDS + HANDOFF_KINDS,
        case__created_at__gte=low,
        case__created_at__lt=high,
        **_case_filter(scope, "case__"),
    )
    if first_case is not None:
        rows = rows.filter(case_id__gte=first_case)
    rows = (
        _received_by(scope, rows, "case__")
        .annotate(received_by=received_department("case__"))
        .values("case__owner_id", "received_by")
        .annotate(
            referrals=Count("case_id", distinct=True, filter=Q(kind__in=REFERRAL_KINDS)),
            handoffs=Count("case_id", distinct=True, filter=Q(kind__in=HANDOFF_KINDS)),
        )
        .order_by()
    )
    return {(r.pop("case__owner_id"), r.pop("received_by")): r for r in _rows(rows)}


def _accountability_family(low, high, scope: KpiScope) -> dict[Group, dict]:
    """``breached``: the period's cases whose first responder did not stay accountable (see
    ``kpis.first_responsibility``). Few cases are referred or disputed, so both kinds are read
    once as uncorrelated id lists (hashed by PostgreSQL, like ``case_late``'s). As correlated
    EXISTS the planner costed a probe per case and chose to read the whole table instead of
    ``kpi_case_created_idx`` alone."""
    shirked = Referral.objects.filter(return_ground=ReturnGround.OWNER_SHOULD_ANSWER)
    # A dispute the case's first responder raised and lost: the ruling upheld the answer.
    overruled = Answer.objects.filter(upheld_by__raised_by=F("assignment__handoff__case__owner_id"))
    rows = Case.objects.filter(created_at__gte=low, created_at__lt=high, **_case_filter(scope))
    rows = (
        _received_by(scope, rows)
        .filter(
            Q(pk__in=shirked.values("case_id"))
            | Q(pk__in=overruled.values("assignment__handoff__case_id"))
        )
        .annotate(received_by=received_department())
        .values("owner_id", "received_by")
        .annotate(breached=Count("pk"))
        .order_by()
    )
    return {(r.pop("owner_id"), r.pop("received_by")): r for r in _rows(rows)}


def _complaint_family(low, high, scope: KpiScope) -> dict[Group, dict]:
    rows = Complaint.objects.filter(
        finding=Complaint.Finding.VERIFIED, concluded_at__gte=low, concluded_at__lt=high
    ).annotate(
        group_department=Coalesce(
            F("staff_concerned__department_id"), F("case__owner_department_id")
        )
    )
    if scope.user_id is not None:
        rows = rows.filter(staff_concerned_id=scope.user_id)
    if scope.department_id is not None:
        rows = rows.filter(group_department=scope.department_id)
    grouped = (
        rows.values("staff_concerned_id", "group_department")
        .annotate(verified_complaints=Count("pk"))
        .order_by()
    )
    by_staff = _rows(grouped)
    return {(r.pop("staff_concerned_id"), r.pop("group_department")): r for r in by_staff}


def _training_family(start, end, scope: KpiScope) -> dict[Group, dict]:
    attendance = TrainingSession.attendees.through.objects.filter(
        trainingsession__held_on__gte=start, trainingsession__held_on__lte=end
    )
    if scope.user_id is not None:
        attendance = attendance.filter(user_id=scope.user_id)
    if scope.department_id is not None:
        attendance = attendance.filter(user__department_id=scope.department_id)
    rows = (
        attendance.values("user_id", "user__department_id")
        .annotate(training_hours=Sum("trainingsession__hours"))
        .order_by()
    )
    return {(r.pop("user_id"), r.pop("user__department_id")): r for r in _rows(rows)}


def _inspection_family(low, high, scope: KpiScope) -> dict[Group, dict]:
    rows = InspectionItem.objects.filter(
        score__isnull=False,
        case__created_at__gte=low,
        case__created_at__lt=high,
        **_case_filter(scope, "case__"),
    )
    rows = (
        _received_by(scope, rows, "case__")
        .annotate(received_by=received_department("case__"))
        .values("case__owner_id", "received_by")
        .annotate(inspection_points=Sum("score"), inspected=Count("pk"))
        .order_by()
    )
    return {(r.pop("case__owner_id"), r.pop("received_by")): r for r in _rows(rows)}


def _add(target: dict, values: dict) -> None:
    for key, value in values.items():
        if value is not None:
            target[key] = target.get(key, 0) + value


def group_totals(
    *, start: dt.date, end: dt.date, as_of: dt.datetime, scope: KpiScope
) -> tuple[dict[Group, dict], dict[dt.date, dict]]:
    """All families for the period, merged per (staff member, department); and the case
    family per month of registration."""
    with _reporting_memory():
        return _group_totals(start=start, end=end, as_of=as_of, scope=scope)


@contextmanager
def _reporting_memory() -> Iterator[None]:
    """Give the report's aggregates more sort/hash memory: with the default
    4 MB a year of cases is sorted on disk instead of hashed in memory (820 against 590 ms on
    the bench). Set for the session and reset after, two statements where a transaction with
    SET LOCAL took three (BEGIN, set, COMMIT) of the page's twelve."""
    connection = connections[Case.objects.db]  # the replica's, when the report reads it
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, false)", [settings.KPI_WORK_MEM])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET work_mem")


def _group_totals(
    *, start: dt.date, end: dt.date, as_of: dt.datetime, scope: KpiScope
) -> tuple[dict[Group, dict], dict[dt.date, dict]]:
    low, high = period_bounds(start, end)
    groups: dict[Group, dict] = {}
    months: dict[dt.date, dict] = {}
    first_case = None
    for row in _case_family(start, end, as_of, scope):
        owner, month = row.pop("owner_id"), row.pop("month")
        first = row.pop("first_case")
        first_case = first if first_case is None else min(first_case, first)
        parts = [
            (row.pop("received_by"), {key: row.pop(key) for key in RECEIVED_MEASURES}),
            (row.pop("late_by"), {key: row.pop(key) for key in LATE_MEASURES}),
        ]
        parts.append((row.pop("answered_by"), row))
        # A department's scope reads the cases it received, answered or let lapse; each part
        # of a row counts only for the department where it happened.
        for department, values in parts:
            if scope.department_id in (None, department):
                _add(groups.setdefault((owner, department), {}), values)
                _add(months.setdefault(month, {}), values)
    families = [
        _handoff_family(low, high, scope, first_case),
        _accountability_family(low, high, scope),
        _complaint_family(low, high, scope),
        _training_family(start, end, scope),
        _inspection_family(low, high, scope),
    ]
    for family in families:
        for group, values in family.items():
            _add(groups.setdefault(group, {}), values)
    return groups, months
