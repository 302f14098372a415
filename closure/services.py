"""Every write of the closure step (CLO-1..3): results, the visitor's signature and rating,
rework rounds, other confirmations with the center head's approval, call-backs."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from cases import calendar, extensions, visitor_messages
from cases.errors import NotAllowed, WrongState
from cases.models import ACTIVE_STATUSES, Case
from cases.services import case_lock, case_transition, event_add
from firstask.transitions import transition
from handoffs import notices as handoff_notices

from .models import HowGiven, OtherMethod, ResultRound, Satisfaction
from .signature import signature_png_from_data_url

# Sent inside the transaction that closes a case; archive files it (at once or after a while).
case_closed = Signal()  # sender=Case, case=, actor=


def _save_case(case: Case, *fields: str) -> None:
    case.version = F("version") + 1
    case.save(update_fields=[*fields, "version", "updated_at"])
    case.refresh_from_db(fields=["version"])


def _require_owner_or_head(actor: User, case: Case) -> None:
    if not permissions.acts_for_owner(actor, case):
        raise NotAllowed()


def _round_snapshot(round_: ResultRound) -> dict:
    return {
        "case": round_.case.number,
        "round": round_.number,
        "state": round_.state,
        "kind": round_.confirmation_kind,
        "rating": round_.rating,
        "not_solved": round_.not_solved,
        "signature_sha256": round_.signature_sha256,
        "other_method": round_.other_method,
    }


def _audit(actor: User | None, action: str, round_: ResultRound, **extra) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="result_round",
        object_id=f"{round_.case.number}#{round_.number}",
        after={**_round_snapshot(round_), **extra},
    )


def _lock_round(round_: ResultRound, *, version: int | None = None) -> ResultRound:
    case = case_lock(case=round_.case, version=version)
    locked = ResultRound.objects.select_for_update(no_key=True).get(pk=round_.pk)
    locked.case = case
    latest = case.result_rounds.order_by("-number").values_list("pk", flat=True).first()
    if locked.pk != latest or case.status != Case.Status.AWAITING_CONFIRMATION:
        raise WrongState()
    return locked


@transaction.atomic
def result_record(
    actor: User, *, case: Case, result: str, how_given: str, version: int | None = None
) -> ResultRound:
    """CLO-1: the owner gives the visitor the result; the case waits for their confirmation."""
    case = case_lock(case=case, version=version)
    _require_owner_or_head(actor, case)
    # A case may reach "awaiting confirmation" without a round (an answer recorded elsewhere):
    # the owner then writes the result down as the first round.
    unrecorded = (
        case.status == Case.Status.AWAITING_CONFIRMATION
        and not case.result_rounds.filter(state=ResultRound.State.PENDING).exists()
        and not case.result_rounds.filter(state=ResultRound.State.AWAITING_APPROVAL).exists()
    )
    if case.status not in ACTIVE_STATUSES and not unrecorded:
        raise WrongState()
    blocker = extensions.result_blocker(case)
    if blocker:
        raise WrongState(blocker)
    if not result.strip():
        raise WrongState(gettext("Write down the result given to the visitor."))
    if how_given not in HowGiven.values:
        raise WrongState(gettext("Choose how the result was given."))
    round_ = ResultRound.objects.create(
        case=case,
        number=case.result_rounds.count() + 1,
        result=result.strip(),
        how_given=how_given,
        recorded_by=actor,
        deadline=case.deadline,
    )
    case.answer = round_.result
    # The department holding the case gave this result: its timeliness and rating count there.
    case.result_department_id = case.owner_department_id
    _save_case(case, "answer", "result_department")
    if not unrecorded:
        case_transition(actor, case=case, to=Case.Status.AWAITING_CONFIRMATION, record_event=False)
    event_add(
        case=case,
        actor=actor,
        kind="result_recorded",
        text=round_.result,
        round=round_.number,
        how_given=how_given,
    )
    _audit(actor, "closure.result_record", round_, how_given=how_given)
    if visitor_messages.wants_messages(case=case):
        token = _public_token_mint(round_)
        link = reverse("signing:phone", args=[token])
        visitor_messages.tell_result_ready(case=case, round_number=round_.number, link=link)
    return round_


def _public_token_mint(round_: ResultRound) -> str:
    """The visitor's own signing link: a fresh token, only its hash kept."""
    token = secrets.token_urlsafe(24)
    round_.public_token_hash = _token_hash(token)
    round_.public_expires_at = timezone.now() + dt.timedelta(
        hours=settings.CLOSURE_PHONE_SIGNING_HOURS
    )
    round_.save(update_fields=["public_token_hash", "public_expires_at"])
    return token


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def signing_start(actor: User, *, round_: ResultRound) -> str:
    """Open the signing screen for the visitor: a one-time token bound to this round."""
    round_ = _lock_round(round_)
    _require_owner_or_head(actor, round_.case)
    if round_.state != ResultRound.State.PENDING:
        raise WrongState()
    token = secrets.token_urlsafe(24)
    round_.signing_token_hash = _token_hash(token)
    round_.signing_expires_at = timezone.now() + dt.timedelta(
        minutes=settings.CLOSURE_SIGNING_MINUTES
    )
    round_.save(update_fields=["signing_token_hash", "signing_expires_at"])
    _audit(actor, "closure.signing_start", round_)
    return token


def signing_token_valid(round_: ResultRound, token: str) -> bool:
    if not round_.signing_token_hash or not round_.signing_expires_at:
        return False
    if round_.signing_expires_at <= timezone.now():
        return False
    return hmac.compare_digest(round_.signing_token_hash, _token_hash(token))


def public_token_valid(round_: ResultRound, token: str) -> bool:
    """The visitor's phone link. The staff screen's token never works here: without the staff
    session only this link (or a kiosk's hand-off, closure.kiosk) opens a signing screen."""
    if not round_.public_token_hash or not round_.public_expires_at:
        return False
    if round_.public_expires_at <= timezone.now():
        return False
    return hmac.compare_digest(round_.public_token_hash, _token_hash(token))


def _check_rating(rating: int | None, *, required: bool) -> None:
    if rating is None and not required:
        return
    if rating not in Satisfaction.values:
        raise WrongState(gettext("Choose one of the five satisfaction levels."))


@transaction.atomic
def result_sign(
    actor: User,
    *,
    round_: ResultRound,
    token: str,
    signature: str,
    rating: int,
    comment: str = "",
    not_solved: bool = False,
    reasons: str = "",
) -> ResultRound:
    """CLO-1/2: the visitor signs on the signing screen and rates; satisfied closes the case,
    dissatisfied (two lowest levels or "not solved") sends it back for a new round."""
    round_ = _lock_round(round_)
    _require_owner_or_head(actor, round_.case)
    if round_.state != ResultRound.State.PENDING or not signing_token_valid(round_, token):
        raise WrongState(gettext("This signing screen has expired. Open it again."))
    return _sign(actor, round_, signature, rating, comment, not_solved, reasons)


@transaction.atomic
def result_sign_public(
    *,
    round_: ResultRound,
    token: str,
    signature: str,
    rating: int,
    comment: str = "",
    not_solved: bool = False,
    reasons: str = "",
) -> ResultRound:
    """The same, from the visitor's own phone or a kiosk: no staff member acts; the token
    (checked again under the lock) is the visitor's authority, and it works once."""
    round_ = _lock_round(round_)
    if round_.state != ResultRound.State.PENDING or not public_token_valid(round_, token):
        raise WrongState(gettext("This signing link is no longer valid."))
    return _sign(None, round_, signature, rating, comment, not_solved, reasons)


def result_sign_handed(
    *,
    round_: ResultRound,
    signature: str,
    rating: int,
    comment: str = "",
    not_solved: bool = False,
    reasons: str = "",
) -> ResultRound:
    """The visitor signs on a kiosk the round was handed to; the caller (closure.kiosk) holds
    the kiosk's lock and has checked the hand-off, inside its transaction."""
    round_ = _lock_round(round_)
    if round_.state != ResultRound.State.PENDING:
        raise WrongState(gettext("This signing screen has expired. Open it again."))
    return _sign(None, round_, signature, rating, comment, not_solved, reasons)


def lock_pending_round(actor: User, round_: ResultRound) -> ResultRound:
    """The current round, locked, waiting for the visitor, and the actor's to hand out."""
    round_ = _lock_round(round_)
    _require_owner_or_head(actor, round_.case)
    if round_.state != ResultRound.State.PENDING:
        raise WrongState()
    return round_


def _sign(
    actor: User | None,
    round_: ResultRound,
    signature: str,
    rating: int,
    comment: str,
    not_solved: bool,
    reasons: str,
) -> ResultRound:
    _check_rating(rating, required=True)
    try:
        png = signature_png_from_data_url(signature)
    except ValidationError as error:
        raise WrongState(error.messages[0]) from error
    round_.rating, round_.not_solved = rating, not_solved
    if round_.is_dissatisfied and not reasons.strip():
        raise WrongState(gettext("Please write down why you are not satisfied."))
    name = default_storage.save(
        f"signatures/{timezone.localdate():%Y}/{secrets.token_hex(16)}.png", ContentFile(png)
    )
    round_.signature.name = name
    round_.signature_sha256 = hashlib.sha256(png).hexdigest()
    round_.confirmation_kind = ResultRound.Kind.SIGNED
    round_.signing_token_hash, round_.signing_expires_at = "", None
    round_.public_token_hash, round_.public_expires_at = "", None
    round_.comment, round_.reasons = comment.strip(), reasons.strip()
    round_.confirmed_at = timezone.now()
    if round_.is_dissatisfied:
        return _rework(actor, round_)
    return _close(actor, round_, kind="visitor_confirmed", action="closure.visitor_confirm")


def _finish_round(round_: ResultRound, state: str) -> None:
    transition(round_, state, table=ResultRound.TRANSITIONS, field="state")
    round_.save()


def _rework(actor: User | None, round_: ResultRound) -> ResultRound:
    case = round_.case
    # A fresh promise, never earlier than one still running.
    deadline = calendar.deadline_in_working_days(settings.CLOSURE_REWORK_WORKING_DAYS)
    if case.deadline and case.deadline > deadline:
        deadline = case.deadline
    round_.new_deadline = deadline
    _finish_round(round_, ResultRound.State.REWORK)
    case.deadline = deadline
    case.deadline_version += 1
    case.overdue_flagged_at = None
    case.reminded_at = None
    case.rework_count += 1
    case.result_department = None  # the next result is measured where it is given
    _save_case(
        case,
        "deadline",
        "deadline_version",
        "overdue_flagged_at",
        "reminded_at",
        "rework_count",
        "result_department",
    )
    case_transition(actor, case=case, to=Case.Status.OPEN, record_event=False)
    event_add(
        case=case,
        actor=actor,
        kind="rework_requested",
        text=round_.reasons,
        round=round_.number,
        rating=round_.rating,
        not_solved=round_.not_solved,
        deadline=deadline.isoformat(),
    )
    _audit(actor, "closure.rework", round_, deadline=deadline.isoformat())
    visitor_messages.tell_rework(case=case)
    return round_


def _close(
    actor: User | None, round_: ResultRound, *, kind: str, action: str, **event_data
) -> ResultRound:
    case = round_.case
    _finish_round(round_, ResultRound.State.CLOSED)
    case.closed_at = timezone.now()
    case.satisfaction = round_.rating
    _save_case(case, "closed_at", "satisfaction")
    case_transition(actor, case=case, to=Case.Status.CLOSED, record_event=False)
    event_add(
        case=case,
        actor=actor,
        kind=kind,
        text=round_.comment or round_.approval_reason,
        round=round_.number,
        rating=round_.rating,
        **event_data,
    )
    _audit(actor, action, round_)
    # §2.1.3: the departments that worked on the case learn it is closed.
    handoff_notices.case_closed(actor, case=case)
    case_closed.send(sender=Case, case=case, actor=actor)
    return round_


@transaction.atomic
def confirmation_other_record(
    actor: User,
    *,
    round_: ResultRound,
    method: str,
    detail: str,
    rating: int | None = None,
    not_solved: bool = False,
    reasons: str = "",
) -> ResultRound:
    """CLO-3: the visitor could not or would not sign; the owner records how they confirmed.
    A satisfied or refused confirmation waits for the center head; a dissatisfied one is a
    rework at once, as if signed."""
    round_ = _lock_round(round_)
    _require_owner_or_head(actor, round_.case)
    if round_.state != ResultRound.State.PENDING:
        raise WrongState()
    if method not in OtherMethod.values:
        raise WrongState(gettext("Choose how the visitor confirmed."))
    if not detail.strip():
        raise WrongState(gettext("Describe the confirmation: call time, e-mail, or what was said."))
    if method == OtherMethod.REFUSED:
        rating, not_solved = None, False
    _check_rating(rating, required=False)
    round_.rating, round_.not_solved = rating, not_solved
    if round_.is_dissatisfied and not reasons.strip():
        raise WrongState(gettext("Write down why the visitor is not satisfied."))
    round_.confirmation_kind = ResultRound.Kind.OTHER
    round_.other_method, round_.other_detail = method, detail.strip()
    round_.reasons = reasons.strip()
    round_.signing_token_hash, round_.signing_expires_at = "", None
    round_.public_token_hash, round_.public_expires_at = "", None
    round_.confirmed_at = timezone.now()
    event_add(
        case=round_.case,
        actor=actor,
        kind="confirmation_other",
        text=round_.other_detail,
        round=round_.number,
        method=method,
        rating=rating,
    )
    if round_.is_dissatisfied:
        return _rework(actor, round_)
    _finish_round(round_, ResultRound.State.AWAITING_APPROVAL)
    _audit(actor, "closure.confirmation_other", round_)
    return round_


def _lock_for_approval(actor: User, round_: ResultRound, reason: str) -> ResultRound:
    if not permissions.can_approve_closure(actor):
        raise NotAllowed()
    round_ = _lock_round(round_)
    if round_.state != ResultRound.State.AWAITING_APPROVAL:
        raise WrongState()
    if not reason.strip():
        raise WrongState(gettext("Give the reason for your decision."))
    return round_


@transaction.atomic
def confirmation_other_approve(actor: User, *, round_: ResultRound, reason: str) -> ResultRound:
    """CLO-3: the center head closes a case the visitor did not sign, with a reason."""
    round_ = _lock_for_approval(actor, round_, reason)
    round_.approved_by, round_.approved_at = actor, timezone.now()
    round_.approval_reason = reason.strip()
    return _close(
        actor, round_, kind="confirmation_approved", action="closure.confirmation_approve"
    )


@transaction.atomic
def confirmation_other_reject(actor: User, *, round_: ResultRound, reason: str) -> ResultRound:
    """The center head does not accept the confirmation: the round waits for the visitor again."""
    round_ = _lock_for_approval(actor, round_, reason)
    method = round_.other_method
    round_.confirmation_kind, round_.other_method, round_.other_detail = "", "", ""
    round_.rating, round_.not_solved, round_.confirmed_at = None, False, None
    _finish_round(round_, ResultRound.State.PENDING)
    event_add(
        case=round_.case,
        actor=actor,
        kind="confirmation_rejected",
        text=reason.strip(),
        round=round_.number,
        method=method,
    )
    _audit(actor, "closure.confirmation_reject", round_, reason=reason.strip())
    return round_
