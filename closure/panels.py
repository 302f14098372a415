"""What the case page shows and offers for the closure step, for the signed-in user: the result
rounds, the call-backs, and the forms the user may use now (read-only, never writes).
``case_sections`` is registered in ClosureConfig.ready as the app's part of the case page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from accounts import permissions
from cases.extensions import CaseParts, Section
from cases.models import Case
from cases.page import CasePage

from . import callbacks, selectors
from .forms import CallbackForm, DecisionForm, KioskHandForm, OtherConfirmationForm, ResultForm
from .models import Callback, Kiosk, ResultRound


@dataclass(frozen=True)
class ClosurePanel:
    rounds: list[ResultRound]
    current: ResultRound | None
    callbacks: list[Callback]
    # A form is built only when the user may use it; the template shows a card per form.
    result_form: ResultForm | None = None
    can_confirm: bool = False
    kiosk_form: KioskHandForm | None = None
    other_form: OtherConfirmationForm | None = None
    decision_form: DecisionForm | None = None
    callback_form: CallbackForm | None = None


def closure_panel(*, page: CasePage) -> ClosurePanel:
    case, user = page.case, page.user
    rounds = list(selectors.rounds_of_case(case=case))
    current = rounds[-1] if rounds else None
    awaiting = case.status == Case.Status.AWAITING_CONFIRMATION
    state = current.state if current is not None else None
    pending = awaiting and state == ResultRound.State.PENDING
    can_record = page.acts_for_owner and (case.is_active or (awaiting and current is None))
    can_confirm = page.acts_for_owner and pending
    can_decide = (
        awaiting
        and state == ResultRound.State.AWAITING_APPROVAL
        and permissions.can_approve_closure(user)
    )
    can_callback = case.status == Case.Status.CLOSED and callbacks.can_log_callback(user, case)
    kiosk = can_confirm and Kiosk.objects.filter(ended_at__isnull=True).exists()
    return ClosurePanel(
        rounds=rounds,
        current=current,
        # Read only when the case has some (Case.has_callbacks, set by callbacks.callback_log).
        callbacks=list(selectors.callbacks_of_case(case=case)) if case.has_callbacks else [],
        result_form=ResultForm(initial={"version": case.version}) if can_record else None,
        can_confirm=can_confirm,
        kiosk_form=KioskHandForm() if kiosk else None,
        other_form=OtherConfirmationForm() if can_confirm else None,
        decision_form=DecisionForm() if can_decide else None,
        callback_form=CallbackForm() if can_callback else None,
    )


def case_sections(page: CasePage) -> CaseParts:
    context: dict[str, Any] = {"closure": closure_panel(page=page)}
    return CaseParts(
        main=[Section("closure/_case_sections.html", context)],
        actions=[Section("closure/_case_actions.html", context)],
    )


def desk_block(request: HttpRequest) -> Section:
    """The desk's closure block (extensions.DeskBlock): closures the visitor did not sign,
    waiting for the center head's approval, and the link that turns the browser into a kiosk."""
    rounds = selectors.closures_awaiting_approval(user=request.user)
    return Section("closure/_desk_extra.html", {"rounds": rounds})
