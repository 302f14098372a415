"""An answer given on the spot is the case's first result (§3.4.1, §5.1.1): a round given at
the moment of the intake, which is also the case's deadline, so it is on time; the visitor
confirms it like any result. Confirmed in words at the counter (or on the phone of the call),
with the rating the visitor gave, it closes at once: the visitor is there, so the center head's
approval of CLO-3 (for confirmations obtained afterwards) is not asked for. Not confirmed in
words, the round waits for the signing screen, and later for CLO-3 like any other."""

from __future__ import annotations

from accounts.models import User
from cases.extensions import Intake
from cases.models import Case, Outcome, SpotConfirmation

from .models import HowGiven, ResultRound
from .services import _audit, _close, _rework, _save_case

HOW_GIVEN = {
    "in_person": HowGiven.IN_PERSON,
    "phone": HowGiven.PHONE,
    "email": HowGiven.EMAIL,
    "online": HowGiven.ONLINE,
}


def on_intake(intake: Intake) -> None:
    """An intake step (extensions.IntakeStep), inside the intake transaction (cases.services
    checked the input)."""
    case, actor, confirmation = intake.case, intake.actor, intake.confirmation
    if case.outcome != Outcome.ON_THE_SPOT or confirmation is None:
        return
    round_ = spot_round_record(actor, case=case)
    if confirmation["method"] != SpotConfirmation.SIGNATURE:
        spot_confirm(
            actor,
            round_=round_,
            method=confirmation["method"],
            rating=confirmation["rating"],
            note=confirmation["note"],
        )


def spot_round_record(actor: User, *, case: Case) -> ResultRound:
    """Round 1: the answer, given at the deadline (the moment of the intake)."""
    answered_at = case.deadline or case.created_at  # case_register sets it to the intake's moment
    round_ = ResultRound.objects.create(
        case=case,
        number=1,
        result=case.answer,
        how_given=HOW_GIVEN.get(case.channel, HowGiven.IN_PERSON),
        recorded_by=actor,
        recorded_at=answered_at,
        deadline=answered_at,
    )
    case.result_department_id = case.owner_department_id
    _save_case(case, "result_department")
    _audit(actor, "closure.result_record", round_, how_given=round_.how_given, on_the_spot=True)
    return round_


def spot_confirm(
    actor: User, *, round_: ResultRound, method: str, rating: int, note: str
) -> ResultRound:
    """The owner records how the visitor confirmed the answer and the rating they gave; a
    dissatisfied visitor's answer is reworked like any result (what they said is the reason)."""
    round_.confirmation_kind = ResultRound.Kind.OTHER
    round_.other_method, round_.other_detail = method, note
    round_.rating = rating
    round_.confirmed_at = round_.recorded_at
    if round_.is_dissatisfied:
        round_.reasons = note
        return _rework(actor, round_)
    return _close(
        actor,
        round_,
        kind="confirmed_on_the_spot",
        action="closure.on_the_spot_confirm",
        method=method,
        note=note,
    )
