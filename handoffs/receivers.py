"""Intake steps of the handoffs app (registered in HandoffsConfig.ready)."""

from __future__ import annotations

from cases.extensions import Intake
from cases.models import Outcome


def referral_on_intake(intake: Intake) -> None:
    """Intake chose "referral": make the Referral row in the intake's own transaction."""
    if intake.case.outcome == Outcome.REFERRAL and intake.department is not None:
        from .services import referral_from_intake

        referral_from_intake(intake.actor, case=intake.case, department=intake.department)
