"""Questions the cases app asks the apps built on it, without importing them (layer order).

``result_blockers``: each callable takes a case and returns a translated reason why the owner may
not give the visitor a result yet (a referral or an assignment still open), or None. Higher apps
append to it in ``AppConfig.ready``; the closure app asks ``result_blocker(case)``.

``case_page_related``: one-to-one relations of a case (by their related name) that the case
page shows; ``selectors.case_get_for_user`` joins them into its query (the archive record).

``Case.timeline_kinds`` (set by the case page before its sections render): the kinds of the
case's timeline events; an app may skip reading what the timeline says never happened.

``personal_data_holders``: each callable is asked ``ask(user=..., case=...)`` for a member of a
department (PRV-1) and answers True (the department holds work on the case: show the visitor's
name and phone in full), False (it no longer does: mask them) or None (no opinion).
``cases.selectors.case_shows_personal_data`` takes the first answer that is not None.

``handling_departments``: each callable takes a case and returns the names of the departments
now working on it (an open referral, a handoff's open assignments); the public status page shows
those names and nothing more. ``status_page_sections``: template names that higher apps add to the
public status page (the complaint channel), rendered with the page's context;
``receipt_sections`` likewise for the printed receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Case

ResultBlocker = Callable[["Case"], "str | None"]
result_blockers: list[ResultBlocker] = []


case_page_related: list[str] = []


# Called with keywords: ask(user=user, case=case) -> bool | None.
PersonalDataHolder = Callable[..., "bool | None"]
personal_data_holders: list[PersonalDataHolder] = []


def holds_personal_data(*, user: User, case: Case) -> bool | None:
    """The first opinion any app gives on whether the user's department may see the visitor's
    personal data in full, or None when no app has one."""
    for ask in personal_data_holders:
        answer = ask(user=user, case=case)
        if answer is not None:
            return answer
    return None


def result_blocker(case: Case) -> str | None:
    """The first reason any app gives against recording a result now, or None."""
    for ask in result_blockers:
        reason = ask(case)
        if reason:
            return reason
    return None


HandlingDepartments = Callable[["Case"], "list[str]"]
handling_departments: list[HandlingDepartments] = []

status_page_sections: list[str] = []
receipt_sections: list[str] = []


def departments_handling(case: Case) -> list[str]:
    """The names of the departments every app says are working on the case now, in order."""
    names: list[str] = []
    for ask in handling_departments:
        names += [name for name in ask(case) if name not in names]
    return names
