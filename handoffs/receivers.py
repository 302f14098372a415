"""Reactions to the cases app's signals (connected in HandoffsConfig.ready)."""

from __future__ import annotations

from typing import Any

from cases.models import Outcome


def referral_on_intake(sender: Any, *, case: Any, actor: Any, department: Any, **kwargs: Any):
    """Intake chose "referral": make the Referral row in the intake's own transaction."""
    if case.outcome == Outcome.REFERRAL and department is not None:
        from .services import referral_from_intake

        referral_from_intake(actor, case=case, department=department)
