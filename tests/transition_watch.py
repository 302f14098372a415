"""For the hypothesis state machines: every state a row is seen in was reached through its
model's transition table (firstask/transitions.py), from the state it was last seen in."""

from __future__ import annotations

from typing import Any

from cases.models import ALLOWED_TRANSITIONS, Case
from closure.models import ResultRound
from firstask.transitions import reachable
from handoffs.models import Assignment, CoordinationMeeting, Dispute, HandoffForm, Referral
from supervision.models import Complaint, Inspection, Measure

# model: (table, field, the state a new row may start in)
WATCHED: dict[type, tuple[Any, str, str | None]] = {
    Case: (ALLOWED_TRANSITIONS, "status", Case.Status.OPEN),
    Referral: (Referral.TRANSITIONS, "status", Referral.Status.SENT),
    HandoffForm: (HandoffForm.TRANSITIONS, "status", HandoffForm.Status.SUBMITTED),
    CoordinationMeeting: (CoordinationMeeting.TRANSITIONS, "status", None),
    Assignment: (Assignment.TRANSITIONS, "status", Assignment.Status.ASSIGNED),
    Dispute: (Dispute.TRANSITIONS, "status", Dispute.Status.OPEN),
    ResultRound: (ResultRound.TRANSITIONS, "state", ResultRound.State.PENDING),
    Complaint: (Complaint.TRANSITIONS, "status", Complaint.Status.RECEIVED),
    Inspection: (Inspection.TRANSITIONS, "status", Inspection.Status.OPEN),
    Measure: (Measure.TRANSITIONS, "status", Measure.Status.OPEN),
}


class TransitionWatch:
    def __init__(self, *models: type) -> None:
        self.models = models or tuple(WATCHED)
        self.seen: dict[tuple[type, int], str] = {}
        self.moves: set[tuple[str, str | None, str]] = set()

    def check(self) -> None:
        """Call after every step (an invariant). One step may make several moves (a ruling
        accepts an assignment and completes the form), so the new state must be reachable from
        the last one seen, not one move away."""
        for model in self.models:
            table, field, start = WATCHED[model]
            for pk, state in model.objects.values_list("pk", field):
                before = self.seen.get((model, pk), start)
                assert state in reachable(table, before), (model.__name__, pk, before, state)
                if before != state:
                    self.moves.add((model.__name__, before, state))
                self.seen[(model, pk)] = state
