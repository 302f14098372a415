"""SUP-2: an auditor draws a stratified random sample of a period's cases and scores it on the
checklist of policy §4.2.1."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from firstask.transitions import transition

from .. import sampling
from ..errors import BadInput, NotAllowed
from ..models import ChecklistItem, Inspection, InspectionItem
from ..periods import period_bounds

MAX_SEED = 2**63 - 1


def inspection_population(*, start: dt.date, end: dt.date) -> dict[int | None, list[int]]:
    """Case ids registered in the period, by the owner's department (the strata)."""
    from cases.models import Case

    low, high = period_bounds(start, end)
    strata: dict[int | None, list[int]] = defaultdict(list)
    rows = Case.objects.filter(created_at__gte=low, created_at__lt=high).values_list(
        "pk", "owner_department_id"
    )
    for pk, department_id in rows.iterator(chunk_size=5000):
        strata[department_id].append(pk)
    return dict(strata)


def inspection_sample(*, start: dt.date, end: dt.date, size: int, seed: int) -> list[int]:
    """The case ids of the sample: the same arguments always give the same cases."""
    strata = inspection_population(start=start, end=end)
    return sampling.draw(strata, size, seed)


@transaction.atomic
def inspection_start(
    actor: User,
    *,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    sample_size: int,
    seed: int | None = None,
) -> Inspection:
    if not permissions.can_run_inspections(actor):
        raise NotAllowed()
    if period_end < period_start:
        raise BadInput(gettext("The end of the period is before its start."))
    if sample_size < 1:
        raise BadInput(gettext("The sample needs at least one case."))
    seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    if not 0 <= seed <= MAX_SEED:
        raise BadInput(gettext("The seed must be a non-negative 63-bit number."))
    strata = inspection_population(start=period_start, end=period_end)
    population = sum(len(ids) for ids in strata.values())
    if sample_size > population:
        raise BadInput(
            gettext("The sample (%(size)d) is larger than the %(population)d cases of the period.")
            % {"size": sample_size, "population": population}
        )
    department_of = {pk: key for key, ids in strata.items() for pk in ids}
    inspection = Inspection.objects.create(
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        sample_size=sample_size,
        population_size=population,
        seed=seed,
        created_by=actor,
    )
    InspectionItem.objects.bulk_create(
        InspectionItem(inspection=inspection, case_id=pk, department_id=department_of[pk])
        for pk in sampling.draw(strata, sample_size, seed)
    )
    _audit(actor, "start", inspection, sample=sample_size, population=population)
    return inspection


def _audit(actor: User, action: str, inspection: Inspection, **after) -> None:
    audit_record(
        actor=actor,
        action=f"inspection.{action}",
        object_type="inspection",
        object_id=inspection.pk,
        after={"status": inspection.status, "seed": str(inspection.seed), **after},
    )


@transaction.atomic
def inspection_score_item(
    actor: User, *, item: InspectionItem, checks: dict[str, bool], notes: str = ""
) -> InspectionItem:
    """Score one sampled case: each of the four checks passed or not; score = share passed."""
    if not permissions.can_run_inspections(actor):
        raise NotAllowed()
    item = InspectionItem.objects.select_for_update().select_related("inspection").get(pk=item.pk)
    if item.inspection.status == Inspection.Status.COMPLETED:
        raise BadInput(gettext("This inspection is completed; its scores can no longer change."))
    if set(checks) != set(ChecklistItem.values):
        raise BadInput(gettext("Answer every item of the checklist."))
    for name, passed in checks.items():
        setattr(item, name, bool(passed))
    item.score = round(100 * sum(bool(v) for v in checks.values()) / len(checks))
    item.notes = notes.strip()
    item.scored_at = timezone.now()
    item.save()
    audit_record(
        actor=actor,
        action="inspection.score",
        object_type="inspection",
        object_id=item.inspection_id,
        after={"case": item.case_id, "score": item.score, **checks},
    )
    return item


@transaction.atomic
def inspection_complete(actor: User, *, inspection: Inspection, findings: str) -> Inspection:
    if not permissions.can_run_inspections(actor):
        raise NotAllowed()
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status == Inspection.Status.COMPLETED:
        raise BadInput(gettext("This inspection is already completed."))
    if inspection.items.filter(score__isnull=True).exists():
        raise BadInput(gettext("Score every sampled case before completing the inspection."))
    if not findings.strip():
        raise BadInput(gettext("Write down the findings of the inspection."))
    transition(inspection, Inspection.Status.COMPLETED, table=Inspection.TRANSITIONS)
    inspection.findings = findings.strip()
    inspection.completed_at = timezone.now()
    inspection.save(update_fields=["status", "findings", "completed_at"])
    _audit(actor, "complete", inspection)
    return inspection
