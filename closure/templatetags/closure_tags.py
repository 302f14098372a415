from __future__ import annotations

from typing import Any

from django import template

from accounts import permissions
from cases.models import Case

from .. import callbacks, selectors
from ..events import rating_label
from ..forms import (
    CallbackForm,
    DecisionForm,
    KioskHandForm,
    OtherConfirmationForm,
    ResultForm,
)
from ..models import Kiosk, ResultRound

register = template.Library()


@register.filter
def satisfaction_label(value: Any) -> str:
    return rating_label(value)


@register.simple_tag(takes_context=True)
def closure_context(context: template.Context) -> dict[str, Any]:
    """What the case page shows and offers for the closure step, for the signed-in user.
    The page asks twice (its sections and its action bar): the answer is kept on the case
    object for the rest of the request, so its rounds and call-backs are read once."""
    case: Case = context["case"]
    user = context["request"].user
    kept = getattr(case, "_closure_context", None)
    if kept is not None and kept[0] == user.pk:
        return kept[1]
    result = _closure_context(case, user)
    case._closure_context = (user.pk, result)
    return result


def _closure_context(case: Case, user) -> dict[str, Any]:
    rounds = list(selectors.rounds_of_case(case=case))
    current = rounds[-1] if rounds else None
    owner_or_head = permissions.acts_for_owner(user, case)
    pending = (
        current is not None
        and case.status == Case.Status.AWAITING_CONFIRMATION
        and current.state == ResultRound.State.PENDING
    )
    awaiting_approval = (
        current is not None
        and case.status == Case.Status.AWAITING_CONFIRMATION
        and current.state == ResultRound.State.AWAITING_APPROVAL
    )
    return {
        "rounds": rounds,
        "current": current,
        "callbacks": _callbacks(case),
        "can_record": owner_or_head
        and (
            case.is_active or (case.status == Case.Status.AWAITING_CONFIRMATION and current is None)
        ),
        "result_form": ResultForm(initial={"version": case.version}),
        "can_confirm": owner_or_head and pending,
        "kiosk_form": KioskHandForm()
        if owner_or_head and pending and Kiosk.objects.filter(ended_at__isnull=True).exists()
        else None,
        "other_form": OtherConfirmationForm(),
        "can_decide": awaiting_approval and permissions.can_approve_closure(user),
        "decision_form": DecisionForm(),
        "can_callback": case.status == Case.Status.CLOSED
        and callbacks.can_log_callback(user, case),
        "callback_form": CallbackForm(),
    }


@register.inclusion_tag("closure/_desk_approvals.html", takes_context=True)
def closure_desk_approvals(context: template.Context) -> dict[str, Any]:
    """The center head's desk: closures the visitor did not sign, waiting for approval."""
    user = context["request"].user
    return {"rounds": selectors.closures_awaiting_approval(user=user)}


def _callbacks(case: Case) -> list:
    """The case's call-backs; none looked up when the case page's timeline has no
    ``callback_logged`` (every call-back is recorded there, closure.callbacks)."""
    kinds = getattr(case, "timeline_kinds", None)  # set by the case page (cases.hooks)
    if kinds is not None and "callback_logged" not in kinds:
        return []
    return list(selectors.callbacks_of_case(case=case))
