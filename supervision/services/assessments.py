"""KPI-2: the center head's rewards and penalties, with the evidence they rest on (§5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from cases.models import Case

from ..errors import BadInput, NotAllowed
from ..models import Complaint, RewardPenalty

NEEDS_AMOUNT = (RewardPenalty.Kind.BONUS, RewardPenalty.Kind.FINE)


def _check(
    *,
    kind: str,
    reason: str,
    amount: Decimal | None,
    kpi_start: dt.date | None,
    kpi_end: dt.date | None,
) -> None:
    if kind not in RewardPenalty.Kind.values:
        raise BadInput(gettext("Choose the reward or penalty."))
    if not reason.strip():
        raise BadInput(gettext("Give the reason."))
    if kind in NEEDS_AMOUNT and (amount is None or amount <= 0):
        raise BadInput(gettext("A bonus or a fine needs an amount."))
    if (kpi_start is None) != (kpi_end is None):
        raise BadInput(gettext("Give both ends of the KPI period, or neither."))
    if kpi_start and kpi_end and kpi_end < kpi_start:
        raise BadInput(gettext("The end of the period is before its start."))


@transaction.atomic
def reward_penalty_record(
    actor: User,
    *,
    staff: User,
    kind: str,
    decided_on: dt.date,
    reason: str,
    amount: Decimal | None = None,
    complaints: Iterable[Complaint] = (),
    cases: Iterable[Case] = (),
    kpi_start: dt.date | None = None,
    kpi_end: dt.date | None = None,
) -> RewardPenalty:
    if not permissions.can_record_rewards(actor):
        raise NotAllowed()
    _check(kind=kind, reason=reason, amount=amount, kpi_start=kpi_start, kpi_end=kpi_end)
    # Re-read: the finding on a caller's instance may be stale.
    complaints = list(Complaint.objects.filter(pk__in=[c.pk for c in complaints]))
    cases = list(cases)
    for complaint in complaints:
        if complaint.staff_concerned_id != staff.pk or complaint.finding != "verified":
            raise BadInput(
                gettext("Only verified complaints about this staff member can be evidence.")
            )
    record = RewardPenalty.objects.create(
        staff=staff,
        kind=kind,
        decided_on=decided_on,
        reason=reason.strip(),
        amount=amount if kind in NEEDS_AMOUNT else amount or None,
        kpi_start=kpi_start,
        kpi_end=kpi_end,
        recorded_by=actor,
    )
    record.complaints.set(complaints)
    record.cases.set(cases)
    audit_record(
        actor=actor,
        action="assessment.record",
        object_type="reward_penalty",
        object_id=record.pk,
        after={
            "staff": staff.pk,
            "kind": kind,
            "amount": str(record.amount) if record.amount is not None else None,
            "complaints": sorted(c.pk for c in complaints),
            "cases": sorted(c.number for c in cases),
        },
    )
    return record
