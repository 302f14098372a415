"""Call-backs (回访) on a closed case (CLO-3)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from cases.errors import NotAllowed, WrongState
from cases.models import Case
from cases.services import case_lock, case_work_flag_set, event_add

from .models import Callback, Satisfaction


def can_log_callback(user: User, case: Case) -> bool:
    """The owner, the center head, or the head of the owner's department."""
    if permissions.acts_for_owner(user, case):
        return True
    return bool(
        permissions.is_department_head(user)
        and case.owner_department_id
        and user.department_id == case.owner_department_id
    )


@transaction.atomic
def callback_log(
    actor: User, *, case: Case, method: str, note: str, rating: int | None = None
) -> Callback:
    case = case_lock(case=case)
    if not can_log_callback(actor, case):
        raise NotAllowed()
    if case.status != Case.Status.CLOSED:
        raise WrongState(gettext("A call-back is logged on a closed case."))
    if method not in Callback.Method.values:
        raise WrongState(gettext("Choose how the visitor was called back."))
    if not note.strip():
        raise WrongState(gettext("Write down what the visitor said."))
    if rating is not None and rating not in Satisfaction.values:
        raise WrongState(gettext("Choose one of the five satisfaction levels."))
    callback = Callback.objects.create(
        case=case, made_by=actor, method=method, note=note.strip(), rating=rating
    )
    case_work_flag_set(case=case, flag="has_callbacks")
    event_add(
        case=case,
        actor=actor,
        kind="callback_logged",
        text=callback.note,
        method=method,
        rating=rating,
    )
    audit_record(
        actor=actor,
        action="closure.callback",
        object_type="case",
        object_id=case.number,
        after={"callback": callback.pk, "method": method, "rating": rating},
    )
    return callback
