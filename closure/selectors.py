"""Reads of the closure step; a case the user may not see is a 404 (cases.selectors)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts import permissions
from accounts.models import User
from cases.models import Case
from cases.selectors import case_get_for_user, visible_cases

from .models import Callback, ResultRound


def rounds_of_case(*, case: Case) -> QuerySet[ResultRound]:
    return case.result_rounds.select_related("recorded_by", "approved_by").order_by("number")


def callbacks_of_case(*, case: Case) -> QuerySet[Callback]:
    return case.callbacks.select_related("made_by").order_by("made_at", "id")


def current_round(*, case: Case) -> ResultRound | None:
    return case.result_rounds.order_by("-number").first()


def round_get_for_user(*, user: User, number: str, round_number: int) -> ResultRound:
    case = case_get_for_user(user=user, number=number)
    round_ = case.result_rounds.filter(number=round_number).first()
    if round_ is None:
        raise Http404
    round_.case = case
    return round_


def closures_awaiting_approval(*, user: User, limit: int = 50) -> list[ResultRound]:
    """The center head's queue of closures the visitor did not sign (CLO-3)."""
    if not permissions.can_approve_closure(user):
        return []
    return list(
        ResultRound.objects.filter(
            state=ResultRound.State.AWAITING_APPROVAL,
            case__in=visible_cases(user).filter(status=Case.Status.AWAITING_CONFIRMATION),
        )
        .select_related("case", "recorded_by")
        .order_by("confirmed_at")[:limit]
    )
