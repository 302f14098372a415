"""Questions the cases app asks the apps built on it, without importing them (layer order).

``result_blockers``: each callable takes a case and returns a translated reason why the owner may
not give the visitor a result yet (a referral or an assignment still open), or None. Higher apps
append to it in ``AppConfig.ready``; the closure app asks ``result_blocker(case)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Case

ResultBlocker = Callable[["Case"], "str | None"]
result_blockers: list[ResultBlocker] = []


def result_blocker(case: Case) -> str | None:
    """The first reason any app gives against recording a result now, or None."""
    for ask in result_blockers:
        reason = ask(case)
        if reason:
            return reason
    return None
