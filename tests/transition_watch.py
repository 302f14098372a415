"""For the hypothesis state machines: every state a row is seen in was reached through its
model's transition table (firstask/transitions.py), from the state it was last seen in."""

from __future__ import annotations

from django.db.models import Model

from cases.models import ALLOWED_TRANSITIONS, Case
from closure.models import ResultRound
from firstask.transitions import Table, reachable
from handoffs.models import Assignment, CoordinationMeeting, Dispute, HandoffForm, Referral
from supervision.models import Complaint, Inspection, Measure

# model: (table, field, the state a new row may start in)
WATCHED: dict[type[Model], tuple[Table, str, str | None]] = {
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


def reachable_from(table: Table, start: str | None) -> set[str | None]:
    """``reachable`` from a saved state, or from None (a row not saved yet), whose moves the
    tables key by None: ``reachable`` itself is annotated for a saved state only."""
    if start is not None:
        return set(reachable(table, start))
    found: set[str | None] = {None}
    for first in table.get(None, ()):
        found |= reachable(table, first)
    return found


class TransitionWatch:
    def __init__(self, *models: type[Model]) -> None:
        self.models = models or tuple(WATCHED)
        self.seen: dict[tuple[type[Model], int], str] = {}
        self.moves: set[tuple[str, str | None, str]] = set()

    def check(self) -> None:
        """Call after every step (an invariant). One step may make several moves (a ruling
        accepts an assignment and completes the form), so the new state must be reachable from
        the last one seen, not one move away."""
        for model in self.models:
            table, field, start = WATCHED[model]
            for pk, state in model._default_manager.values_list("pk", field):
                before = self.seen.get((model, pk), start)
                assert state in reachable_from(table, before), (model.__name__, pk, before, state)
                if before != state:
                    self.moves.add((model.__name__, before, state))
                self.seen[(model, pk)] = state
