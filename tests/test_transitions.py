"""Every stateful model moves through its transition table and the one helper that checks it
(firstask/transitions.py); a status assigned anywhere else fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db.models import Model

from cases.errors import WrongState
from cases.models import ALLOWED_TRANSITIONS, Case
from closure.models import ResultRound
from firstask.transitions import Table, transition
from handoffs.models import Assignment, CoordinationMeeting, Dispute, HandoffForm, Referral
from supervision.models import Complaint, Inspection, Measure, PeriodicAssessment
from tests.transition_watch import reachable_from

ROOT = Path(__file__).resolve().parent.parent
APPS: tuple[str, ...] = (
    "accounts",
    "answers",
    "api",
    "archive",
    "audit",
    "cases",
    "closure",
    "directory",
)
APPS += ("firstask", "handoffs", "notifications", "supervision", "webhooks")
# An assignment statement (alone or in a tuple), or a set-based UPDATE; SQL text never starts a
# line with a dotted name followed by "=".
ASSIGNED = re.compile(
    r"^\s*(?:[\w.]+,\s*)*[A-Za-z_][\w.]*\.(status|state)\s*(?:,[^=]*)?=(?!=)"
    r"|\.update\((?:.*\b)?(status|state)="
)
# Not state machines a person drives: a worker's progress and delivery attempts (audit check,
# archive export, webhook outbox), and a template helper's labels.
ALLOWED = {
    ("webhooks/delivery.py", "row.state, "),
    ("audit/services.py", "verification.status = AuditVerification.Status.DONE"),
    ("archive/exports.py", 'ExportJob.objects.filter(pk=job.pk).update(state="running"'),
    ("archive/exports.py", "ExportJob.objects.filter(pk=job.pk).update("),
    ("archive/exports.py", "job.state = ExportJob.State.DONE"),
    ("handoffs/templatetags/desk_tags.py", "self.status = _labels(Assignment.Status)"),
}
TABLES: dict[type[Model], tuple[Table, str, str | None]] = {
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
    PeriodicAssessment: (PeriodicAssessment.TRANSITIONS, "status", PeriodicAssessment.Status.DRAFT),
}


def _assignments() -> list[tuple[str, str]]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path.name == "transitions.py":
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if ASSIGNED.search(line):
                    found.append((str(path.relative_to(ROOT)), line.strip()))
    return found


def test_no_status_is_assigned_outside_the_transition_helper():
    stray = [
        (path, line)
        for path, line in _assignments()
        if not any(path == p and line.startswith(text) for p, text in ALLOWED)
    ]
    assert stray == []


def test_the_grep_finds_an_assignment():
    assert ASSIGNED.search("    referral.status = Referral.Status.ACCEPTED")
    assert ASSIGNED.search("Referral.objects.filter(pk=1).update(status='sent')")
    assert ASSIGNED.search("    a.note, a.status = '', 'sent'")
    assert not ASSIGNED.search("if referral.status == Referral.Status.SENT:")
    assert not ASSIGNED.search("    WHERE a.department_id = d.id AND a.status = ANY(%s)")


@pytest.mark.parametrize("model", list(TABLES), ids=lambda m: m.__name__)
def test_every_state_has_a_row_and_every_move_names_a_state(model):
    table, field, _start = TABLES[model]
    states = set(
        model._meta.get_field(field).choices and dict(model._meta.get_field(field).choices)
    )
    assert states <= set(table)
    for targets in table.values():
        assert set(targets) <= states


@pytest.mark.parametrize("model", list(TABLES), ids=lambda m: m.__name__)
def test_every_state_is_reachable_from_the_first(model):
    table, field, start = TABLES[model]
    states = set(dict(model._meta.get_field(field).choices))
    assert reachable_from(table, start) - {None} == states


def test_the_helper_refuses_a_move_the_table_does_not_allow():
    referral = Referral(status=Referral.Status.RETURNED)
    referral._state.adding = False
    with pytest.raises(WrongState, match="no longer"):
        transition(
            referral, Referral.Status.ACCEPTED, table=Referral.TRANSITIONS, message="no longer"
        )
    assert referral.status == Referral.Status.RETURNED


def test_the_helper_moves_and_returns_the_state_it_left():
    referral = Referral(status=Referral.Status.SENT)
    referral._state.adding = False
    left = transition(referral, Referral.Status.ACCEPTED, table=Referral.TRANSITIONS)
    assert (left, referral.status) == (Referral.Status.SENT, Referral.Status.ACCEPTED)


def test_a_new_row_starts_from_none():
    meeting = CoordinationMeeting()
    transition(meeting, CoordinationMeeting.Status.SCHEDULED, table=CoordinationMeeting.TRANSITIONS)
    assert meeting.status == CoordinationMeeting.Status.SCHEDULED
