"""KPI-3: scoring a person's KPI figures by a scoring standard (§5.1.1 评分标准). Reads only."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from .kpis import MEASURE_BY_KEY, MEASURES, Measure, Totals
from .models import Grade, PeriodicAssessment, ScoringStandard
from .periods import month_bounds

# Only measures with a direction can be scored; volumes (cases received …) cannot.
SCORABLE: list[Measure] = [m for m in MEASURES if m.better]
ONE_DECIMAL = Decimal("0.1")


def standard_in_force(on: dt.date) -> ScoringStandard | None:
    """The latest standard in force from ``on`` or earlier; among equal dates, the last
    version."""
    return (
        ScoringStandard.objects.filter(effective_from__lte=on)
        .order_by("-effective_from", "-version")
        .first()
    )


def standard_lines(standard: ScoringStandard) -> list[tuple[Measure, int, Decimal]]:
    return [
        (MEASURE_BY_KEY[line["measure"]], int(line["weight"]), Decimal(line["target"]))
        for line in standard.lines
        if line["measure"] in MEASURE_BY_KEY
    ]


def _points(measure: Measure, weight: int, target: Decimal, value) -> Decimal:
    """Higher is better: full points at the target or above, in proportion below it. Lower is
    better: full points at zero, none at the target (the tolerance) or above."""
    share = Decimal(str(value)) / target
    if measure.better == "lower":
        share = 1 - share
    return weight * min(max(share, Decimal(0)), Decimal(1))


def score(standard: ScoringStandard, totals: Totals) -> tuple[list[dict], Decimal | None, str]:
    """(lines as stored, total out of 100, grade). A measure with no figure for the person
    (nothing rated, nothing inspected …) is left out and the others' weights are scaled up to
    100, so nobody gains or loses points for what did not occur."""
    lines, earned, possible = [], Decimal(0), 0
    for measure, weight, target in standard_lines(standard):
        value = measure.value(totals)
        points = None if value is None else _points(measure, weight, target, value)
        if points is not None:
            earned += points
            possible += weight
        lines.append(
            {
                "measure": measure.key,
                "weight": weight,
                "target": str(target),
                "value": None if value is None else str(value),
                "points": None if points is None else str(points.quantize(ONE_DECIMAL)),
            }
        )
    if not possible:
        return lines, None, ""
    total = (earned * 100 / possible).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return lines, total, grade_of(standard, total)


def grade_of(standard: ScoringStandard, total: Decimal) -> str:
    if total >= standard.excellent_from:
        return Grade.EXCELLENT
    if total >= standard.good_from:
        return Grade.GOOD
    if total >= standard.pass_from:
        return Grade.PASS
    return Grade.FAIL


def period_of(kind: str, year: int, number: int) -> tuple[dt.date, dt.date]:
    """A month (number 1–12), a quarter (1–4) or a year (number ignored)."""
    if kind == PeriodicAssessment.PeriodKind.MONTH:
        return month_bounds(year, number)
    if kind == PeriodicAssessment.PeriodKind.QUARTER:
        first, _ = month_bounds(year, 3 * number - 2)
        _, last = month_bounds(year, 3 * number)
        return first, last
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def last_frozen_end() -> dt.date | None:
    """The end of the latest period with a signed-off assessment: a new standard may not take
    effect on or before it (that would rescore a period already signed off)."""
    return (
        PeriodicAssessment.objects.filter(~Q(status=PeriodicAssessment.Status.DRAFT))
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
