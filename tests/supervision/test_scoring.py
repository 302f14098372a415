"""KPI-3 (§5.1): the scoring standard, versioned, and the periodic assessment computed from it,
signed off by the center head and frozen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import translation

from audit.models import AuditEvent
from supervision import scoring
from supervision.errors import BadInput, NotAllowed
from supervision.models import PeriodicAssessment, ScoringStandard
from supervision.services import scoring as services
from tests.factories import aware
from tests.supervision.factories import verified_complaint

pytestmark = pytest.mark.django_db

LINES = [
    {"measure": "first_responsibility", "weight": 50, "target": "100"},
    {"measure": "verified_complaints", "weight": 50, "target": "2"},
]
GRADES = {"excellent_from": Decimal(90), "good_from": Decimal(75), "pass_from": Decimal(60)}
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
DEC_2 = aware(2026, 12, 2)


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


def actions(object_type: str, pk) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def make_standard(actor, *, on=dt.date(2026, 10, 1), lines=LINES, **grades) -> ScoringStandard:
    return services.scoring_standard_create(
        actor, effective_from=on, lines=lines, **(GRADES | grades)
    )


def compute(actor, at=DEC_2):
    with time_machine.travel(at, tick=False):
        return services.assessment_compute_period(actor, kind="month", start=NOV[0], end=NOV[1])


@pytest.fixture
def november(make_case, front_desk, center_head):
    """The front desk received one case in November and has one verified complaint."""
    with time_machine.travel(aware(2026, 11, 3), tick=False):
        make_case(actor=front_desk)
    verified_complaint(center_head, staff=front_desk, at=aware(2026, 11, 12))
    return make_standard(center_head)


def mine(assessments, user) -> PeriodicAssessment:
    return next(a for a in assessments if a.staff_id == user.pk)


# --- the standard ---


def test_standard_is_saved_with_its_version_and_audited(center_head):
    standard = make_standard(center_head)
    assert (standard.version, standard.effective_from) == (1, dt.date(2026, 10, 1))
    assert actions("scoring_standard", standard.pk) == ["scoring_standard.create"]
    event = AuditEvent.objects.get(object_type="scoring_standard")
    assert event.after is not None
    assert event.after["lines"] == LINES


def test_an_edit_is_a_new_version_from_its_date(center_head):
    first = make_standard(center_head)
    second = make_standard(
        center_head, on=dt.date(2026, 12, 1), lines=[{**LINES[0], "weight": 100}]
    )
    assert second.version == 2
    assert ScoringStandard.objects.get(pk=first.pk).lines == LINES  # the old one unchanged
    assert scoring.standard_in_force(dt.date(2026, 11, 30)) == first
    assert scoring.standard_in_force(dt.date(2026, 12, 1)) == second
    assert scoring.standard_in_force(dt.date(2026, 9, 30)) is None


def test_weights_must_add_up_to_100(center_head):
    with pytest.raises(BadInput):
        make_standard(center_head, lines=[{**LINES[0], "weight": 60}])


def test_a_volume_is_not_a_scorable_measure(center_head):
    with pytest.raises(BadInput):
        make_standard(center_head, lines=[{"measure": "received", "weight": 100, "target": "5"}])


def test_grade_thresholds_must_rise(center_head):
    with pytest.raises(BadInput):
        make_standard(center_head, good_from=Decimal(95))


def test_only_the_center_head_sets_the_standard(auditor):
    with pytest.raises(NotAllowed):
        make_standard(auditor)


def test_database_refuses_to_change_a_standard(center_head):
    standard = make_standard(center_head)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoringStandard.objects.filter(pk=standard.pk).update(pass_from=Decimal(10))


# --- the periodic assessment ---


def test_month_is_scored_by_the_standard_in_force(november, center_head, front_desk):
    computed, frozen = compute(center_head)
    assessment = mine(computed, front_desk)
    # first responsibility 100 % of 100 → 50 points; 1 verified complaint of a tolerance of 2
    # → 25 points: 75 → good.
    assert (assessment.total, assessment.grade, frozen) == (Decimal("75.0"), "good", 0)
    assert assessment.standard == november
    assert assessment.status == PeriodicAssessment.Status.DRAFT
    assert actions("periodic_assessment", assessment.pk) == ["assessment.compute"]


def test_a_measure_without_a_figure_is_left_out(november, center_head, colleague):
    """The colleague received nothing: only the complaints line counts, scaled to 100."""
    assessment = mine(compute(center_head)[0], colleague)
    assert assessment.total == Decimal("100.0")
    assert [line["points"] for line in assessment.lines] == [None, "50.0"]


def test_no_standard_in_force_is_a_clear_error(center_head, front_desk):
    with pytest.raises(BadInput, match="standard"):
        compute(center_head)


def test_only_the_center_head_computes(november, auditor):
    with pytest.raises(NotAllowed):
        compute(auditor)


def test_a_draft_is_computed_again(november, center_head, front_desk):
    first = mine(compute(center_head)[0], front_desk)
    again = mine(compute(center_head, at=aware(2026, 12, 3))[0], front_desk)
    assert again.pk == first.pk and again.version == first.version + 1
    assert actions("periodic_assessment", first.pk) == ["assessment.compute"] * 2


def test_sign_off_freezes_the_assessment(november, center_head, front_desk):
    assessment = mine(compute(center_head)[0], front_desk)
    with time_machine.travel(aware(2026, 12, 2, 11), tick=False):
        signed = services.assessment_sign_off(
            center_head, assessment=assessment, review_note="属实", version=assessment.version
        )
    assert signed.is_frozen and signed.signed_off_by == center_head
    assert actions("periodic_assessment", assessment.pk)[-1] == "assessment.sign_off"


@pytest.fixture
def signed(november, center_head, front_desk):
    assessment = mine(compute(center_head)[0], front_desk)
    with time_machine.travel(aware(2026, 12, 2, 11), tick=False):
        return services.assessment_sign_off(
            center_head, assessment=assessment, review_note="", version=assessment.version
        )


def test_computing_again_leaves_a_signed_off_assessment(signed, center_head, front_desk):
    verified_complaint(center_head, staff=front_desk, at=aware(2026, 11, 20))
    computed, frozen = compute(center_head, at=aware(2026, 12, 3))
    assert frozen == 1 and front_desk.pk not in {a.staff_id for a in computed}
    assert PeriodicAssessment.objects.get(pk=signed.pk).total == Decimal("75.0")


def test_a_signed_off_assessment_cannot_be_signed_again(signed, center_head):
    with pytest.raises(BadInput, match="frozen"):
        services.assessment_sign_off(
            center_head, assessment=signed, review_note="", version=signed.version
        )


def test_database_refuses_to_change_a_signed_off_assessment(signed):
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodicAssessment.objects.filter(pk=signed.pk).update(total=Decimal(100))
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodicAssessment.objects.filter(pk=signed.pk).delete()


def test_a_new_standard_cannot_rescore_a_signed_off_period(signed, center_head):
    with pytest.raises(BadInput, match="signed off"):
        make_standard(center_head, on=dt.date(2026, 11, 15))
    assert make_standard(center_head, on=dt.date(2026, 12, 1)).version == 2


def test_sign_off_waits_for_the_end_of_the_period(november, center_head, front_desk):
    with time_machine.travel(aware(2026, 11, 20), tick=False):
        computed, _frozen = services.assessment_compute_period(
            center_head, kind="month", start=NOV[0], end=NOV[1]
        )
        assessment = mine(computed, front_desk)
        with pytest.raises(BadInput, match="not over"):
            services.assessment_sign_off(
                center_head, assessment=assessment, review_note="", version=assessment.version
            )


def test_sign_off_of_stale_figures_is_refused(november, center_head, front_desk):
    assessment = mine(compute(center_head)[0], front_desk)
    compute(center_head, at=aware(2026, 12, 3))
    with pytest.raises(BadInput, match="again"):
        services.assessment_sign_off(
            center_head, assessment=assessment, review_note="", version=assessment.version
        )


def test_only_the_center_head_signs_off(november, center_head, auditor, front_desk):
    assessment = mine(compute(center_head)[0], front_desk)
    with pytest.raises(NotAllowed):
        services.assessment_sign_off(
            auditor, assessment=assessment, review_note="", version=assessment.version
        )


def test_quarter_and_year_periods():
    assert scoring.period_of("quarter", 2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert scoring.period_of("year", 2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert scoring.period_of("month", 2026, 2) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
