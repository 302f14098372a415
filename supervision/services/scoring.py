"""KPI-3 (§5.1): the center head's scoring standard, and the periodic assessment per person
computed from it, reviewed, signed off and then frozen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from firstask.transitions import transition

from .. import scoring
from ..errors import BadInput, NotAllowed
from ..kpis import KpiScope, kpi_report
from ..models import PeriodicAssessment, ScoringStandard

_STANDARD_LOCK = 0x46A5_5C01
SCORABLE_KEYS = {m.key for m in scoring.SCORABLE}


def _clean_lines(lines: list[dict]) -> list[dict]:
    cleaned, seen = [], set()
    for line in lines:
        key = line.get("measure")
        if key not in SCORABLE_KEYS or key in seen:
            raise BadInput(gettext("Choose each measure once, from the KPI catalogue."))
        seen.add(key)
        try:
            weight, target = int(line.get("weight", "")), Decimal(str(line.get("target")))
        except (TypeError, ValueError, InvalidOperation):
            raise BadInput(gettext("Give every measure a whole weight and a target.")) from None
        if weight <= 0 or not target.is_finite() or target <= 0:
            raise BadInput(gettext("Weights and targets must be greater than zero."))
        cleaned.append({"measure": key, "weight": weight, "target": str(target)})
    if sum(line["weight"] for line in cleaned) != 100:
        raise BadInput(gettext("The weights must add up to 100."))
    return cleaned


@transaction.atomic
def scoring_standard_create(
    actor: User,
    *,
    effective_from: dt.date,
    lines: list[dict],
    excellent_from: Decimal,
    good_from: Decimal,
    pass_from: Decimal,
    note: str = "",
) -> ScoringStandard:
    """A new version of the standard, in force from ``effective_from``; earlier versions are
    kept unchanged, and so is every assessment scored by them."""
    if not permissions.can_record_rewards(actor):
        raise NotAllowed()
    cleaned = _clean_lines(lines)
    if not 0 < pass_from < good_from < excellent_from <= 100:
        raise BadInput(gettext("The grade thresholds must rise: pass < good < excellent ≤ 100."))
    with connection.cursor() as cursor:  # versions are numbered one after another
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_STANDARD_LOCK])
    frozen_until = scoring.last_frozen_end()
    if frozen_until is not None and effective_from <= frozen_until:
        raise BadInput(
            gettext("Assessments up to %(date)s are signed off: the new standard must start later.")
            % {"date": frozen_until.isoformat()}
        )
    last = ScoringStandard.objects.aggregate(v=Max("version"))["v"] or 0
    standard = ScoringStandard.objects.create(
        version=last + 1,
        effective_from=effective_from,
        lines=cleaned,
        excellent_from=excellent_from,
        good_from=good_from,
        pass_from=pass_from,
        note=note.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="scoring_standard.create",
        object_type="scoring_standard",
        object_id=standard.pk,
        after={
            "version": standard.version,
            "effective_from": effective_from.isoformat(),
            "lines": cleaned,
            "grades": [str(excellent_from), str(good_from), str(pass_from)],
        },
    )
    return standard


def _snapshot(assessment: PeriodicAssessment) -> dict:
    return {
        "staff": assessment.staff_id,
        "period": f"{assessment.period_kind}:{assessment.period_start.isoformat()}",
        "standard": assessment.standard.version,
        "total": None if assessment.total is None else str(assessment.total),
        "grade": assessment.grade,
        "status": assessment.status,
    }


@transaction.atomic
def assessment_compute_period(
    actor: User, *, kind: str, start: dt.date, end: dt.date
) -> tuple[list[PeriodicAssessment], int]:
    """Score every member of staff for the period by the standard in force on its first day,
    from the KPI figures as of now. Drafts are recomputed; signed-off ones are left as they
    are. Returns (the assessments computed, how many were frozen and left)."""
    if not permissions.can_record_rewards(actor):
        raise NotAllowed()
    if kind not in PeriodicAssessment.PeriodKind.values:
        raise BadInput(gettext("Choose a month, a quarter or a year."))
    if start > timezone.localdate():
        raise BadInput(gettext("This period has not begun."))
    standard = scoring.standard_in_force(start)
    if standard is None:
        raise BadInput(
            gettext("No scoring standard is in force on %(date)s: set one up first.")
            % {"date": start.isoformat()}
        )
    now = timezone.now()
    report = kpi_report(start=start, end=end, scope=KpiScope(), as_of=now)
    existing = {
        a.staff_id: a
        for a in PeriodicAssessment.objects.select_for_update().filter(
            period_kind=kind, period_start=start
        )
    }
    departments = dict(
        User.objects.filter(pk__in=[row.pk for row in report.staff]).values_list(
            "pk", "department_id"
        )
    )
    computed, frozen = [], 0
    for row in report.staff:
        if row.pk is None:  # a staff row always has its id (only the center's has none)
            continue
        assessment = existing.get(row.pk)
        if assessment is not None and assessment.is_frozen:
            frozen += 1
            continue
        lines, total, grade = scoring.score(standard, row.totals)
        before = _snapshot(assessment) if assessment else None
        if assessment is None:
            assessment = PeriodicAssessment(staff_id=row.pk, period_kind=kind, period_start=start)
        else:
            assessment.version += 1
        assessment.period_end = end
        assessment.department_id = departments.get(row.pk)
        assessment.standard = standard
        assessment.lines, assessment.total, assessment.grade = lines, total, grade
        assessment.computed_at, assessment.computed_by = now, actor
        assessment.save()
        audit_record(
            actor=actor,
            action="assessment.compute",
            object_type="periodic_assessment",
            object_id=assessment.pk,
            before=before,
            after=_snapshot(assessment),
        )
        computed.append(assessment)
    return computed, frozen


_FROZEN = gettext_lazy("This assessment is signed off and frozen: it cannot change.")


def _check_transition(assessment: PeriodicAssessment, to: str) -> None:
    if to not in PeriodicAssessment.TRANSITIONS[assessment.status]:
        raise BadInput(_FROZEN)


@transaction.atomic
def assessment_sign_off(
    actor: User, *, assessment: PeriodicAssessment, review_note: str, version: int
) -> PeriodicAssessment:
    """The center head reviews the figures and signs the assessment off; from then on it is
    frozen."""
    if not permissions.can_record_rewards(actor):
        raise NotAllowed()
    assessment = (
        PeriodicAssessment.objects.select_for_update()
        .select_related("standard")
        .get(pk=assessment.pk)
    )
    _check_transition(assessment, PeriodicAssessment.Status.SIGNED_OFF)
    if assessment.version != version:
        raise BadInput(
            gettext("The figures were computed again since you opened the page: review them again.")
        )
    if assessment.period_end >= timezone.localdate():
        raise BadInput(gettext("The period is not over yet: sign it off once it has ended."))
    before = _snapshot(assessment)
    transition(
        assessment,
        PeriodicAssessment.Status.SIGNED_OFF,
        table=PeriodicAssessment.TRANSITIONS,
        message=_FROZEN,
    )
    assessment.review_note = review_note.strip()
    assessment.signed_off_by, assessment.signed_off_at = actor, timezone.now()
    assessment.version += 1
    assessment.save(
        update_fields=["status", "review_note", "signed_off_by", "signed_off_at", "version"]
    )
    audit_record(
        actor=actor,
        action="assessment.sign_off",
        object_type="periodic_assessment",
        object_id=assessment.pk,
        before=before,
        after={**_snapshot(assessment), "review_note": assessment.review_note},
    )
    return assessment
