"""KPI-1: every performance measure of policy §5, defined once.

Each measure is a function of the period's ``Totals`` with a docstring that is its definition.
The totals come from the database in one aggregate query per measure family (cases, referrals
and handoffs, complaints, training, inspections), grouped by (staff member, department); staff,
department and center rows are sums of those groups, so every figure is the same on the page, in
the CSV and XLSX exports and in the monthly PDF.

Period: calendar dates in Asia/Shanghai, both ends included. Case measures count the cases
*registered* in the period and what has become of them by ``as_of`` (the time of the report).

Departments: a case may change hands (the center head reassigns it to a first responder of
another department, OWN-1), so a department's figures follow the department that held the case
*when each measured thing happened*, recorded on the case at that moment
(``kpi_queries.received_department`` and its siblings):

- received, answered on the spot, referrals, handoffs, first responsibility kept and inspection
  scores count for the department that *received* the case (``Case.received_department``, the
  owner's at intake);
- overdue counts for the department that held the case when the overdue scan flagged it
  (``Case.overdue_department``), even if the case moved on and was answered elsewhere; a case
  given its result late between two scans, for the department that gave it;
- answered on time, extensions, rework rounds and the visitor's rating count for the
  department that held the case when its latest result was given (``Case.result_department``,
  set by closure and cleared by a rework); a case still waiting for its result, for the
  department holding it now.

Cases from before these were recorded count everything for ``Case.owner_department``. A staff
member's figures are those of the cases they own now (a reassignment makes the new first
responder accountable for the case, OWN-1); verified complaints count for the staff member
concerned and their department.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .kpi_queries import KpiScope

__all__ = ["MEASURES", "KpiReport", "KpiRow", "KpiScope", "Totals", "kpi_report"]


@dataclass
class Totals:
    """Additive aggregates of one group; measures are computed from these."""

    received: int = 0
    on_the_spot: int = 0
    closed_on_time: int = 0
    overdue: int = 0
    extensions: int = 0
    referrals: int = 0
    handoffs: int = 0
    rework: int = 0
    breached: int = 0
    rated: int = 0
    satisfied: int = 0
    rating_sum: int = 0
    verified_complaints: int = 0
    training_hours: Decimal = field(default_factory=Decimal)
    inspection_points: int = 0
    inspected: int = 0

    def add(self, values: dict) -> None:
        for name in TOTAL_NAMES:
            value = values.get(name)
            if value is not None:
                setattr(self, name, getattr(self, name) + value)


# Once, not per call: a large center's report adds some 1,500 groups into its rows, and
# ``dataclasses.fields`` on every call was most of the time that took.
TOTAL_NAMES = tuple(item.name for item in fields(Totals))


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str  # count | percent | rating | hours | score
    compute: Callable[[Totals], int | float | Decimal | None]
    definition: str
    help: str
    # For a scoring standard: "higher" or "lower" is better; None: not a score (a volume).
    better: str | None = None

    def value(self, totals: Totals) -> int | float | Decimal | None:
        return self.compute(totals)

    def display(self, value: int | float | Decimal | None) -> str:
        if value is None:
            return "—"
        if self.unit == "percent":
            return f"{value:.1f}%"
        if self.unit == "rating":
            return f"{value:.2f}"
        if self.unit in ("score", "hours"):
            return f"{value:.1f}"
        return str(value)


MEASURES: list[Measure] = []


def measure(key: str, label, unit: str, help_text, better: str | None = None):
    """Register a measure; its docstring is the definition, ``help_text`` the short UI text,
    ``better`` whether a scoring standard rewards a higher or a lower value."""

    def register(function: Callable[[Totals], int | float | Decimal | None]):
        doc = (function.__doc__ or "").strip()
        MEASURES.append(Measure(key, label, unit, function, doc, help_text, better))
        return function

    return register


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@measure(
    "received",
    _("Cases received"),
    "count",
    _("Cases registered in the period with this person as first responder."),
)
def received(t: Totals) -> int:
    """Cases registered in the period with the staff member as first responder (owner)."""
    return t.received


@measure(
    "on_the_spot",
    _("Answered on the spot"),
    "count",
    _("Cases answered on the spot at intake."),
)
def on_the_spot(t: Totals) -> int:
    """Of the cases received, those answered on the spot at intake (outcome ``on_the_spot``)."""
    return t.on_the_spot


@measure(
    "closed_on_time",
    _("Answered on time"),
    "count",
    _("Results given to the visitor before the deadline in force at that moment."),
)
def closed_on_time(t: Totals) -> int:
    """ON TIME — the one definition, shared by the overdue scan (cases.overdue), the desk and
    these figures: a case is on time when the result was given to the visitor before the
    promised deadline in force at that moment, and that deadline never lapsed with the case
    still waiting for its result. "Given" is the owner recording the result round
    (closure.result_record), not the visitor's confirmation or the center head's approval
    that may follow days later; a rework's new round is judged against the new deadline. An
    extension granted before the deadline moves it; one granted after it lapsed does not undo
    the lapse (the scan had flagged the case). A case answered on the spot is given its
    result at the moment it is registered: on time. For a department's assignment the same
    rule reads "answered" for "given". Counted here: the cases received that are answered
    and on time."""
    return t.closed_on_time


@measure(
    "overdue",
    _("Overdue"),
    "count",
    _("Result given after the deadline, or still waiting past it."),
    better="lower",
)
def overdue(t: Totals) -> int:
    """Cases with a promised deadline that are not on time (see ``closed_on_time``): a result
    given after the deadline in force at that moment, a deadline that lapsed before it was
    extended, or still waiting for a result past the deadline at the time of the report —
    exactly the cases the overdue scan flags."""
    return t.overdue


@measure(
    "on_time_rate",
    _("On-time rate"),
    "percent",
    _("Answered on time ÷ (answered on time + overdue)."),
    better="higher",
)
def on_time_rate(t: Totals) -> float | None:
    """answered on time / (answered on time + overdue), in percent; empty when neither
    occurred. Cases still waiting for a result and not yet due are left out; cases answered
    on the spot count as on time."""
    return _share(t.closed_on_time, t.closed_on_time + t.overdue)


@measure(
    "extensions",
    _("Deadline extensions"),
    "count",
    _("Number of deadline extensions."),
    better="lower",
)
def extensions(t: Totals) -> int:
    """Sum of ``Case.extension_count`` (OWN-3) over the cases received."""
    return t.extensions


@measure(
    "referrals",
    _("Referrals raised"),
    "count",
    _("Cases referred to a department."),
)
def referrals(t: Totals) -> int:
    """Cases received that were referred to a department: distinct cases with a timeline event
    ``referral_requested`` or ``referral_created``."""
    return t.referrals


@measure(
    "handoffs",
    _("Handoffs raised"),
    "count",
    _("Cases that needed a multi-department handoff."),
)
def handoffs(t: Totals) -> int:
    """Cases received that needed a multi-department handoff: distinct cases with a timeline
    event ``handoff_requested`` or ``handoff_submitted``."""
    return t.handoffs


@measure(
    "rework",
    _("Rework rounds"),
    "count",
    _("Rounds reopened because the visitor was not satisfied."),
    better="lower",
)
def rework(t: Totals) -> int:
    """Sum of ``Case.rework_count`` (CLO-2: the visitor was dissatisfied and the case reopened)."""
    return t.rework


@measure(
    "satisfaction_rate",
    _("Satisfaction rate"),
    "percent",
    _("Share of rated cases rated 4 or 5 (of 5)."),
    better="higher",
)
def satisfaction_rate(t: Totals) -> float | None:
    """Share of rated cases whose closing rating is 4 or 5 (the two top levels of 1–5), in
    percent; cases without a rating are left out."""
    return _share(t.satisfied, t.rated)


@measure(
    "average_rating",
    _("Average rating"),
    "rating",
    _("Mean rating (1–5) of the rated cases."),
    better="higher",
)
def average_rating(t: Totals) -> float | None:
    """Mean of ``Case.satisfaction`` (1–5) over the rated cases, two decimals."""
    return round(t.rating_sum / t.rated, 2) if t.rated else None


@measure(
    "verified_complaints",
    _("Verified complaints"),
    "count",
    _("Complaints found verified (查实) in the period."),
    better="lower",
)
def verified_complaints(t: Totals) -> int:
    """Complaints found verified (查实) during the period about the staff member; a department's
    are those about its staff (or, naming no one, about its cases)."""
    return t.verified_complaints


@measure(
    "training_hours",
    _("Training hours"),
    "hours",
    _("Hours of training attended in the period."),
    better="higher",
)
def training_hours(t: Totals) -> Decimal:
    """Hours of the training sessions held in the period that the staff member attended."""
    return t.training_hours


@measure(
    "inspection_score",
    _("Inspection score"),
    "score",
    _("Mean inspection score (0–100) of the cases received in the period."),
    better="higher",
)
def inspection_score(t: Totals) -> float | None:
    """Mean score (0–100, share of the four §4.2.1 checks passed) of the scored inspection
    items whose case was received in the period; empty when none was inspected."""
    return round(t.inspection_points / t.inspected, 1) if t.inspected else None


@measure(
    "first_responsibility",
    _("First responsibility kept"),
    "percent",
    _("Cases received whose first responder stayed accountable to the end."),
    better="higher",
)
def first_responsibility(t: Totals) -> float | None:
    """首问责任落实情况 (§5.1.1): of the cases received, the share whose first responder stayed
    accountable to the end — no referral of the case was returned by a department as one the
    first responder could have answered (推诿), and no dispute the first responder raised on it
    ended with the center head upholding the department's answer. In percent; empty
    when no case was received."""
    return _share(t.received - t.breached, t.received)


MEASURE_BY_KEY = {item.key: item for item in MEASURES}


@dataclass
class KpiRow:
    level: str  # staff | department | center
    pk: int | None
    name: str
    department: str = ""
    totals: Totals = field(default_factory=Totals)

    def value(self, key: str):
        return MEASURE_BY_KEY[key].value(self.totals)

    @property
    def cells(self) -> list[tuple[Measure, object, str]]:
        return [(m, m.value(self.totals), m.display(m.value(self.totals))) for m in MEASURES]


@dataclass
class KpiReport:
    start: dt.date
    end: dt.date
    as_of: dt.datetime
    staff: list[KpiRow]
    departments: list[KpiRow]
    center: KpiRow | None
    trend: list[tuple[dt.date, Totals]] = field(default_factory=list)

    @property
    def rows(self) -> list[KpiRow]:
        return [*self.staff, *self.departments, *([self.center] if self.center else [])]


def sort_rows(rows: list[KpiRow], key: str, descending: bool) -> list[KpiRow]:
    """Sort by a measure (or ``name``); empty values always last."""
    if key == "name":
        return sorted(rows, key=lambda r: r.name, reverse=descending)
    if key not in MEASURE_BY_KEY:
        return rows
    present = [r for r in rows if r.value(key) is not None]
    missing = [r for r in rows if r.value(key) is None]
    return sorted(present, key=lambda r: r.value(key), reverse=descending) + missing


# --- rolling the groups up into rows ---

STAFF_ROLES = ("staff", "department_head", "center_head")


def _totals(values: dict) -> Totals:
    totals = Totals()
    totals.add(values)
    return totals


def _people(scope: KpiScope, ids):
    """The staff rows' people, with only what a row shows: whole users and their departments
    for a large center's 500 rows took 16 ms (9 of them PostgreSQL's DISTINCT over every column
    of both tables, 7 building 1,000 model instances); this takes 8."""
    from django.db.models import F, Q

    from accounts.models import User

    rule = Q(pk__in=list(ids))
    if scope.user_id is not None:
        rule |= Q(pk=scope.user_id)
    elif scope.department_id is not None:
        rule |= Q(is_active=True, department_id=scope.department_id, groups__name__in=STAFF_ROLES)
    else:
        rule |= Q(is_active=True, groups__name__in=STAFF_ROLES)
    return (
        User.objects.filter(rule)
        .only("username", "name", "first_name", "last_name")
        .annotate(department_name=F("department__name"))
        .distinct()
    )


def _departments(scope: KpiScope, ids):
    from django.db.models import Q

    from accounts.models import Department

    if scope.user_id is not None:
        return Department.objects.none()
    if scope.department_id is not None:
        return Department.objects.filter(pk=scope.department_id)
    return Department.objects.filter(Q(is_active=True) | Q(pk__in=[i for i in ids if i]))


def kpi_report(
    *, start: dt.date, end: dt.date, scope: KpiScope, as_of: dt.datetime | None = None
) -> KpiReport:
    """Staff, department and (for the whole center) center rows for the period, and the case
    measures per month of the period (``trend``)."""
    from .kpi_queries import group_totals, period_months

    if as_of is None:
        as_of, groups, months = _recent_totals(start=start, end=end, scope=scope)
    else:
        groups, months = group_totals(start=start, end=end, as_of=as_of, scope=scope)
    by_staff: dict[int, Totals] = {}
    by_department: dict[int | None, Totals] = {}
    center = Totals()
    for (user_id, department_id), values in groups.items():
        if user_id is not None:
            by_staff.setdefault(user_id, Totals()).add(values)
        by_department.setdefault(department_id, Totals()).add(values)
        center.add(values)
    staff = [
        KpiRow(
            "staff",
            user.pk,
            user.display_name,
            user.department_name or "",
            by_staff.get(user.pk, Totals()),
        )
        for user in _people(scope, by_staff)
    ]
    departments = [
        KpiRow("department", d.pk, d.name, d.name, by_department.get(d.pk, Totals()))
        for d in _departments(scope, by_department)
    ]
    if scope.is_center and None in by_department:
        departments.append(
            KpiRow("department", None, str(_("No department")), "", by_department[None])
        )
    center_row = (
        KpiRow("center", None, str(_("Whole center")), "", center) if scope.is_center else None
    )
    trend = [(month, _totals(months.get(month, {}))) for month in period_months(start, end)]
    return KpiReport(start, end, as_of, staff, departments, center_row, trend)


def _recent_totals(*, start: dt.date, end: dt.date, scope: KpiScope):
    """The period's groups as of now, or as of at most ``KPI_CACHE_SECONDS`` ago: a year of a
    large center is a second of PostgreSQL's time, and the page is read far more often than
    its figures move. The page says when they were calculated. Returns (as_of, groups,
    months)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from .kpi_queries import group_totals

    seconds = settings.KPI_CACHE_SECONDS
    key = f"kpi:v1:{start.isoformat()}:{end.isoformat()}:{scope.user_id}:{scope.department_id}"
    if seconds > 0:
        cached = cache.get(key)
        if cached is not None:
            return cached
    as_of = timezone.now()
    result = (as_of, *group_totals(start=start, end=end, as_of=as_of, scope=scope))
    if seconds > 0:
        cache.set(key, result, seconds)
    return result
