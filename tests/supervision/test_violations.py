"""§5.2–5.3: violation types and severity on complaints and penalties, the penalty ladder
(批评教育 first), reward grounds, and the 首问责任落实 measure built through the real services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from audit.models import AuditEvent
from handoffs import services as handoffs
from handoffs.models import RulingOnAnswer
from supervision import kpis
from supervision.errors import BadInput
from supervision.kpis import KpiScope
from supervision.models import Complaint, RewardPenalty
from supervision.services import assessments, complaints
from tests.handoffs.factories import record_meeting, submit_handoff

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def investigated(public_complaint, center_head, front_desk):
    return complaints.complaint_investigate(
        center_head, complaint=public_complaint, staff_concerned=front_desk
    )


def penalty(actor, staff, kind, severity="minor", on=DAY, **extra):
    return assessments.reward_penalty_record(
        actor,
        staff=staff,
        kind=kind,
        decided_on=on,
        reason="推诿来访人",
        violation="shirking",
        severity=severity,
        amount=extra.pop("amount", 100 if kind == "fine" else None),
        **extra,
    )


# --- complaints ---


def test_verified_finding_names_the_breach_and_severity(concluded_complaint):
    assert (concluded_complaint.violation, concluded_complaint.severity) == ("shirking", "serious")
    event = AuditEvent.objects.filter(action="complaint.finding").get()
    assert event.after is not None
    assert (event.after["violation"], event.after["severity"]) == ("shirking", "serious")


def test_verified_finding_without_a_breach_is_refused(investigated, center_head):
    with pytest.raises(BadInput, match="breach"):
        complaints.complaint_record_finding(
            center_head, complaint=investigated, finding="verified", finding_text="属实"
        )
    assert Complaint.objects.get(pk=investigated.pk).finding == ""


def test_verified_finding_without_a_severity_is_refused(investigated, center_head):
    with pytest.raises(BadInput, match="serious"):
        complaints.complaint_record_finding(
            center_head,
            complaint=investigated,
            finding="verified",
            finding_text="属实",
            violation="privacy",
        )


def test_unfounded_finding_keeps_no_breach(investigated, center_head):
    complaint = complaints.complaint_record_finding(
        center_head,
        complaint=investigated,
        finding="unfounded",
        finding_text="不属实",
        violation="attitude",
        severity="grave",
    )
    assert (complaint.violation, complaint.severity) == ("", "")


# --- penalties and rewards ---


def test_penalty_without_a_breach_is_refused(center_head, front_desk):
    with pytest.raises(BadInput, match="breach"):
        assessments.reward_penalty_record(
            center_head, staff=front_desk, kind="criticism", decided_on=DAY, reason="x"
        )


def test_penalty_keeps_breach_and_severity_in_the_audit(center_head, front_desk):
    record = penalty(center_head, front_desk, "criticism")
    assert (record.violation, record.severity, record.reward_ground) == ("shirking", "minor", "")
    event = AuditEvent.objects.get(object_type="reward_penalty")
    assert event.after is not None
    assert (event.after["violation"], event.after["severity"]) == ("shirking", "minor")


def test_reward_needs_its_ground(center_head, front_desk):
    with pytest.raises(BadInput, match="ground"):
        assessments.reward_penalty_record(
            center_head, staff=front_desk, kind="certificate", decided_on=DAY, reason="好评"
        )


def test_reward_keeps_its_ground(center_head, front_desk):
    record = assessments.reward_penalty_record(
        center_head,
        staff=front_desk,
        kind="certificate",
        decided_on=DAY,
        reason="协调复杂事项",
        reward_ground="complex",
        violation="delay",  # ignored: a reward names no breach
    )
    assert (record.reward_ground, record.violation) == ("complex", "")
    event = AuditEvent.objects.get(object_type="reward_penalty")
    assert event.after is not None and event.after["reward_ground"] == "complex"


def test_ladder_starts_with_criticism_and_education(center_head, front_desk):
    with pytest.raises(BadInput, match="criticism and education"):
        penalty(center_head, front_desk, "warning", severity="minor")
    assert RewardPenalty.objects.count() == 0


def test_ladder_climbs_one_rung_after_an_earlier_penalty(center_head, front_desk):
    penalty(center_head, front_desk, "criticism", on=dt.date(2026, 3, 1))
    assert penalty(center_head, front_desk, "warning").kind == "warning"
    with pytest.raises(BadInput):
        penalty(center_head, front_desk, "dismissal")


def test_an_earlier_penalty_older_than_a_year_does_not_count(center_head, front_desk):
    penalty(center_head, front_desk, "criticism", on=dt.date(2025, 11, 1))
    with pytest.raises(BadInput):
        penalty(center_head, front_desk, "warning")


def test_severity_allows_a_harsher_first_penalty(center_head, front_desk):
    assert penalty(center_head, front_desk, "fine", severity="serious").kind == "fine"
    with pytest.raises(BadInput):
        penalty(center_head, front_desk, "dismissal", severity="serious", on=dt.date(2025, 1, 1))
    assert penalty(center_head, front_desk, "dismissal", severity="grave").kind == "dismissal"


def test_criticism_is_translated_as_in_the_policy():
    with translation.override("zh-hans"):
        assert str(RewardPenalty.Kind.CRITICISM.label) == "批评教育"


# --- 首问责任落实 ---


def first_responsibility(owner) -> float | None:
    today = dt.date.today()
    report = kpis.kpi_report(
        start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=1), scope=KpiScope()
    )
    row = next(r for r in report.staff if r.pk == owner.pk)
    return row.value("first_responsibility")


def test_referral_returned_as_shirking_counts_against_the_owner(
    make_case, department, dept_member, front_desk
):
    kept = make_case(outcome="referral", department=department)
    shirked = make_case(outcome="referral", department=department)
    handoffs.referral_return(dept_member, referral=kept.referrals.get(), reason="不归我处")
    handoffs.referral_return(
        dept_member,
        referral=shirked.referrals.get(),
        reason="前台可当场答复",
        ground="owner_should",
    )
    assert first_responsibility(front_desk) == 50.0
    event = AuditEvent.objects.filter(action="referral.return").latest("id")
    assert event.after is not None and event.after["ground"] == "owner_should"


def test_a_dispute_the_owner_lost_counts_against_the_owner(
    make_case, front_desk, center_head, department, other_department, dept_member, colleague
):
    case = make_case(outcome="handoff")
    handoff = submit_handoff(case, front_desk, [department, other_department])
    meeting = record_meeting(handoff, center_head, department, [other_department])
    lead = meeting.handoff.assignments.get(department=department)
    answer = handoffs.assignment_answer(dept_member, assignment=lead, text="已核实")
    handoffs.assignment_review(front_desk, answer=answer, accept=False, comment="不同意")
    assert first_responsibility(front_desk) == 100.0
    dispute = handoffs.dispute_raise(
        front_desk, handoff=handoff, assignment=lead, positions="答复不充分"
    )
    handoffs.dispute_rule(
        center_head, dispute=dispute, ruling="答复成立", on_answer=RulingOnAnswer.UPHOLD
    )
    assert first_responsibility(front_desk) == 0.0
