"""An answer given on the spot is the case's first result, confirmed by the visitor (§3.4.1):
on the signing screen, or in words with the rating they gave (closure.spot)."""

import pytest

from audit.models import AuditEvent
from cases.models import Case
from closure.models import ResultRound
from tests.closure.factories import sign

pytestmark = pytest.mark.django_db


def spot(make_case, **kwargs):
    return make_case(outcome="on_the_spot", answer="周四上午有课。", **kwargs)


def actions(case):
    return list(
        AuditEvent.objects.filter(object_id__startswith=case.number)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_answer_is_round_one_given_at_the_deadline(make_case, front_desk):
    case = spot(make_case)

    round_ = ResultRound.objects.get(case=case)
    assert (round_.number, round_.result, round_.how_given) == (1, "周四上午有课。", "in_person")
    assert round_.recorded_at == round_.deadline == case.deadline
    assert round_.state == ResultRound.State.PENDING
    assert round_.recorded_by == front_desk
    audit = AuditEvent.objects.get(action="closure.result_record")
    assert audit.after is not None
    assert audit.after["on_the_spot"] is True and audit.object_id == f"{case.number}#1"


def test_a_phone_call_answer_is_given_by_phone(make_case):
    case = spot(make_case, channel="phone")
    assert ResultRound.objects.get(case=case).how_given == "phone"


def test_the_visitor_signs_the_answer_on_the_signing_screen(make_case):
    case = spot(make_case)

    sign(ResultRound.objects.get(case=case), rating=4)

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.satisfaction == 4
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["registered", "answered_on_the_spot", "visitor_confirmed"]
    assert actions(case)[-2:] == ["case.transition", "closure.visitor_confirm"]


def test_confirmed_in_words_closes_at_once_with_the_rating(make_case, front_desk):
    case = spot(make_case, confirmation_method="verbal", rating=4, confirmation_note="说明白了")

    assert case.status == Case.Status.CLOSED and case.satisfaction == 4
    round_ = ResultRound.objects.get(case=case)
    assert round_.state == ResultRound.State.CLOSED
    assert (round_.other_method, round_.other_detail) == ("verbal", "说明白了")
    assert round_.approved_by is None  # no center head's approval for the visitor at hand
    last = case.events.last()
    assert last.kind == "confirmed_on_the_spot"
    assert (last.data["method"], last.data["rating"], last.actor) == ("verbal", 4, front_desk)
    assert actions(case) == [
        "case.register",
        "case.transition",
        "closure.result_record",
        "case.transition",
        "closure.on_the_spot_confirm",
    ]


def test_a_dissatisfied_visitor_sends_the_answer_back_for_rework(make_case):
    case = spot(make_case, confirmation_method="phone_call", rating=2, confirmation_note="没解决")

    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.rework_count == 1
    assert case.deadline > ResultRound.objects.get(case=case).deadline
    round_ = ResultRound.objects.get(case=case)
    assert round_.state == ResultRound.State.REWORK and round_.reasons == "没解决"
    assert case.events.last().kind == "rework_requested"
    assert actions(case)[-1] == "closure.rework"
