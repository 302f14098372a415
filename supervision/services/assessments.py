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
from ..models import Complaint, RewardGround, RewardPenalty, Severity, Violation

NEEDS_AMOUNT = (RewardPenalty.Kind.BONUS, RewardPenalty.Kind.FINE)
LADDER = RewardPenalty.PENALTY_LADDER
# 视情节轻重 (§5.3.1): the harshest penalty each severity allows on a first breach.
SEVERITY_CEILING: dict[str, int] = {
    Severity.MINOR: LADDER.index("criticism"),
    Severity.SERIOUS: LADDER.index("fine"),
    Severity.GRAVE: LADDER.index("dismissal"),
}
REPEAT_WINDOW = dt.timedelta(days=365)


def _check_ladder(*, staff: User, kind: str, severity: str, decided_on: dt.date) -> None:
    """§5.3.1 批评教育 first: a penalty goes no higher than the severity allows, or one rung
    above the harshest penalty the person had in the year before."""
    # Two penalties recorded at once for one person would each miss the other.
    User.objects.select_for_update().filter(pk=staff.pk).first()
    earlier = RewardPenalty.objects.filter(
        staff=staff,
        kind__in=LADDER,
        decided_on__lte=decided_on,
        decided_on__gt=decided_on - REPEAT_WINDOW,
    ).values_list("kind", flat=True)
    repeat = max((LADDER.index(k) + 1 for k in earlier), default=0)
    if LADDER.index(kind) > max(SEVERITY_CEILING[severity], repeat):
        raise BadInput(
            gettext(
                "Penalties start with criticism and education: for this severity and this "
                "person's record in the past year, %(kind)s is too harsh."
            )
            % {"kind": RewardPenalty.Kind(kind).label}
        )


def _check_grounds(*, kind: str, violation: str, severity: str, reward_ground: str) -> None:
    if kind in RewardPenalty.REWARDS:
        if reward_ground not in RewardGround.values:
            raise BadInput(gettext("Choose the ground for the reward (§5.2.2)."))
        return
    if violation not in Violation.values:
        raise BadInput(gettext("Name the breach the penalty is for."))
    if severity not in Severity.values:
        raise BadInput(gettext("Say how serious the breach was."))


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
    violation: str = "",
    severity: str = "",
    reward_ground: str = "",
) -> RewardPenalty:
    if not permissions.can_record_rewards(actor):
        raise NotAllowed()
    _check(kind=kind, reason=reason, amount=amount, kpi_start=kpi_start, kpi_end=kpi_end)
    _check_grounds(kind=kind, violation=violation, severity=severity, reward_ground=reward_ground)
    is_reward = kind in RewardPenalty.REWARDS
    if not is_reward:
        _check_ladder(staff=staff, kind=kind, severity=severity, decided_on=decided_on)
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
        violation="" if is_reward else violation,
        severity="" if is_reward else severity,
        reward_ground=reward_ground if is_reward else "",
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
            "violation": record.violation,
            "severity": record.severity,
            "reward_ground": record.reward_ground,
            "amount": str(record.amount) if record.amount is not None else None,
            "complaints": sorted(c.pk for c in complaints),
            "cases": sorted(c.number for c in cases),
        },
    )
    return record
