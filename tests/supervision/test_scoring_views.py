"""KPI-3 pages: the standard's editor, the period's assessments, sign-off and what is shown."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from supervision.models import PeriodicAssessment, ScoringStandard
from supervision.services import scoring as services
from tests.factories import aware
from tests.supervision.test_scoring import LINES, make_standard

pytestmark = pytest.mark.django_db
NOW = aware(2026, 12, 2)


@pytest.fixture
def computed(center_head, front_desk, colleague):
    make_standard(center_head)
    with time_machine.travel(NOW, tick=False):
        assessments, _frozen = services.assessment_compute_period(
            center_head, kind="month", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
        )
    return {a.staff_id: a for a in assessments}


def standard_post(**overrides) -> dict:
    data = {
        "effective_from": "2026-12-01",
        "excellent_from": "90",
        "good_from": "75",
        "pass_from": "60",
        "weight_on_time_rate": "60",
        "target_on_time_rate": "95",
        "weight_verified_complaints": "40",
        "target_verified_complaints": "3",
    }
    return data | overrides


def test_center_head_saves_a_new_version(client, center_head):
    make_standard(center_head)
    client.force_login(center_head)
    response = client.post(reverse("supervision:standard_new"), standard_post())
    assert response.status_code == 302
    latest = ScoringStandard.objects.get(version=2)
    assert [line["measure"] for line in latest.lines] == ["on_time_rate", "verified_complaints"]


def test_the_editor_starts_from_the_version_in_force(client, center_head):
    make_standard(center_head)
    client.force_login(center_head)
    form = client.get(reverse("supervision:standard_new")).context["form"]
    assert form.initial["weight_first_responsibility"] == LINES[0]["weight"]


def test_weights_not_adding_up_are_a_form_error(client, center_head):
    client.force_login(center_head)
    response = client.post(
        reverse("supervision:standard_new"), standard_post(weight_on_time_rate="10")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ScoringStandard.objects.exists()


def test_staff_read_the_standard(client, front_desk, center_head):
    make_standard(center_head)
    client.force_login(front_desk)
    response = client.get(reverse("supervision:standard_list"))
    assert b'id="standard-1"' in response.content


def test_compute_from_the_page(client, center_head, front_desk):
    make_standard(center_head)
    client.force_login(center_head)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("supervision:periodic_compute"), {"kind": "month", "year": 2026, "number": 11}
        )
    assert response["Location"].startswith(reverse("supervision:periodic_list") + "?kind=month")
    assert PeriodicAssessment.objects.filter(staff=front_desk).count() == 1


def test_compute_without_a_standard_is_a_message_not_a_500(client, center_head):
    client.force_login(center_head)
    response = client.post(
        reverse("supervision:periodic_compute"),
        {"kind": "month", "year": 2026, "number": 11},
        follow=True,
    )
    assert response.status_code == 200
    assert any("standard" in str(m) or "评分标准" in str(m) for m in response.context["messages"])


def test_staff_see_their_own_assessment_only(client, computed, front_desk, colleague):
    client.force_login(front_desk)
    own = client.get(reverse("supervision:periodic_detail", args=[computed[front_desk.pk].pk]))
    other = client.get(reverse("supervision:periodic_detail", args=[computed[colleague.pk].pk]))
    assert (own.status_code, other.status_code) == (200, 404)
    assert own.context["sign_form"] is None


def test_signed_off_assessment_shows_frozen_without_a_form(
    client, computed, center_head, front_desk
):
    assessment = computed[front_desk.pk]
    client.force_login(center_head)
    url = reverse("supervision:periodic_sign_off", args=[assessment.pk])
    with time_machine.travel(NOW, tick=False):
        client.post(url, {"review_note": "同意", "version": assessment.version})
        page = client.get(reverse("supervision:periodic_detail", args=[assessment.pk]))
    assert PeriodicAssessment.objects.get(pk=assessment.pk).is_frozen
    assert b'id="periodic-frozen"' in page.content and page.context["sign_form"] is None
