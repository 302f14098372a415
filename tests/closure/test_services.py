import datetime as dt
import hashlib
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage

from audit.models import AuditEvent
from cases import calendar, extensions
from cases.errors import NotAllowed, StaleVersion, WrongState
from cases.models import Case
from closure import services
from closure.models import ResultRound
from tests.closure.factories import record_result, sign, signature_data_url

pytestmark = pytest.mark.django_db


def last_audit(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def last_after(action: str) -> dict[str, Any]:
    after = last_audit(action).after
    assert after is not None
    return after


# --- recording the result (CLO-1) ---


def test_owner_records_result_and_case_awaits_confirmation(open_case, front_desk):
    round_ = record_result(open_case)
    open_case.refresh_from_db()
    assert open_case.status == Case.Status.AWAITING_CONFIRMATION
    assert open_case.answer == round_.result
    assert round_.number == 1 and round_.state == ResultRound.State.PENDING
    assert open_case.events.filter(kind="result_recorded").count() == 1
    audit = last_audit("closure.result_record")
    assert audit.actor == front_desk
    assert audit.object_id == f"{open_case.number}#1"


def test_center_head_may_record_the_result(open_case, center_head):
    round_ = record_result(open_case, center_head)
    assert round_.recorded_by == center_head
    assert last_audit("closure.result_record").actor == center_head


def test_someone_else_may_not_record_the_result(open_case, colleague):
    with pytest.raises(NotAllowed):
        record_result(open_case, colleague)
    assert not AuditEvent.objects.filter(action="closure.result_record").exists()


def test_result_refused_when_case_awaits_confirmation(awaiting):
    case = Case.objects.get(pk=awaiting.case_id)
    with pytest.raises(WrongState):
        record_result(case)


def test_result_refused_on_stale_form(open_case):
    with pytest.raises(StaleVersion):
        services.result_record(
            open_case.owner, case=open_case, result="x", how_given="phone", version=0
        )


def test_result_refused_when_empty(open_case):
    with pytest.raises(WrongState):
        services.result_record(
            open_case.owner, case=open_case, result="  ", how_given="phone", version=None
        )


def test_result_refused_with_unknown_channel(open_case):
    with pytest.raises(WrongState):
        services.result_record(open_case.owner, case=open_case, result="好", how_given="fax")


def test_result_blocker_hook_refuses_with_its_reason(open_case):
    blocker = extensions.ResultBlocker(name="test", ask=lambda case: "转介尚未答复")
    with (
        extensions.overridden(extensions.ResultBlocker, blocker),
        pytest.raises(WrongState, match="转介尚未答复"),
    ):
        record_result(open_case)
    open_case.refresh_from_db()
    assert open_case.status == Case.Status.OPEN


# --- the visitor signs (CLO-1) ---


def test_signing_start_gives_a_token_bound_to_the_round(awaiting, front_desk):
    token = services.signing_start(front_desk, round_=awaiting)
    awaiting.refresh_from_db()
    assert services.signing_token_valid(awaiting, token)
    assert not services.signing_token_valid(awaiting, token + "x")
    assert awaiting.signing_token_hash != token
    assert last_audit("closure.signing_start").actor == front_desk


def test_signing_start_refused_to_others(awaiting, colleague):
    with pytest.raises(NotAllowed):
        services.signing_start(colleague, round_=awaiting)


def test_satisfied_signature_closes_the_case(awaiting, front_desk):
    round_ = sign(awaiting, rating=4, comment="谢谢老师")
    case = Case.objects.get(pk=awaiting.case_id)
    assert case.status == Case.Status.CLOSED
    assert case.closed_at is not None
    assert case.satisfaction == 4
    assert round_.state == ResultRound.State.CLOSED
    assert round_.confirmation_kind == ResultRound.Kind.SIGNED
    stored = default_storage.open(round_.signature.name).read()
    assert stored.startswith(b"\x89PNG")
    assert hashlib.sha256(stored).hexdigest() == round_.signature_sha256
    assert round_.signature.name.startswith("signatures/")
    assert case.events.filter(kind="visitor_confirmed").count() == 1
    audit = last_audit("closure.visitor_confirm")
    assert audit.after is not None
    assert audit.after["rating"] == 4
    assert audit.after["signature_sha256"] == round_.signature_sha256


def test_closing_sends_case_closed(awaiting):
    received = []

    def listener(sender, case, actor, **kwargs):
        received.append(case.number)

    services.case_closed.connect(listener)
    try:
        sign(awaiting, rating=5)
    finally:
        services.case_closed.disconnect(listener)
    assert received == [awaiting.case.number]


def test_the_token_is_single_use(awaiting, front_desk):
    token = services.signing_start(front_desk, round_=awaiting)
    awaiting.refresh_from_db()
    services.result_sign(
        front_desk, round_=awaiting, token=token, signature=signature_data_url(), rating=5
    )
    with pytest.raises(WrongState):
        services.result_sign(
            front_desk, round_=awaiting, token=token, signature=signature_data_url(), rating=5
        )


def test_signing_refused_with_a_wrong_token(awaiting, front_desk):
    services.signing_start(front_desk, round_=awaiting)
    awaiting.refresh_from_db()
    with pytest.raises(WrongState):
        services.result_sign(
            front_desk, round_=awaiting, token="guess", signature=signature_data_url(), rating=5
        )
    assert not AuditEvent.objects.filter(action="closure.visitor_confirm").exists()


def test_signing_refused_after_the_screen_expired(awaiting, front_desk, settings):
    token = services.signing_start(front_desk, round_=awaiting)
    awaiting.refresh_from_db()
    later = awaiting.signing_expires_at + dt.timedelta(seconds=1)
    with time_machine.travel(later), pytest.raises(WrongState):
        services.result_sign(
            front_desk, round_=awaiting, token=token, signature=signature_data_url(), rating=5
        )


def test_signing_refused_without_a_rating(awaiting, front_desk):
    with pytest.raises(WrongState):
        sign(awaiting, rating=7)


@pytest.mark.parametrize(
    "signature",
    [
        "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
        "",
    ],
    ids=["svg", "html", "corrupt", "empty"],
)
def test_signing_refuses_a_bad_image_with_a_message(awaiting, signature):
    with pytest.raises(WrongState) as refused:
        sign(awaiting, signature=signature)
    assert str(refused.value)
    case = Case.objects.get(pk=awaiting.case_id)
    assert case.status == Case.Status.AWAITING_CONFIRMATION


def test_signing_refuses_a_blank_canvas(awaiting):
    with pytest.raises(WrongState):
        sign(awaiting, signature=signature_data_url(ink=False))


# --- rework (CLO-2) ---


def test_low_rating_sends_the_case_back_for_rework(awaiting, front_desk, work_calendar):
    old_version = awaiting.case.deadline_version
    round_ = sign(awaiting, rating=2, reasons="调课时间仍然冲突")
    case = Case.objects.get(pk=awaiting.case_id)
    assert case.status == Case.Status.OPEN
    assert case.rework_count == 1
    assert case.satisfaction is None and case.closed_at is None
    assert case.deadline == round_.new_deadline
    assert case.deadline_version == old_version + 1
    assert case.deadline >= calendar.deadline_in_working_days(3)
    assert round_.state == ResultRound.State.REWORK
    event = case.events.get(kind="rework_requested")
    assert event.text == "调课时间仍然冲突"
    assert last_after("closure.rework")["rating"] == 2


def test_not_solved_is_rework_even_with_a_good_rating(awaiting):
    round_ = sign(awaiting, rating=4, not_solved=True, reasons="问题没有解决")
    assert round_.state == ResultRound.State.REWORK
    assert Case.objects.get(pk=awaiting.case_id).rework_count == 1


def test_dissatisfaction_needs_reasons(awaiting):
    with pytest.raises(WrongState):
        sign(awaiting, rating=1)
    assert Case.objects.get(pk=awaiting.case_id).rework_count == 0


def test_every_round_is_kept_in_order(awaiting):
    sign(awaiting, rating=1, reasons="不满意")
    case = Case.objects.get(pk=awaiting.case_id)
    second = record_result(case, result="已改为周五下午")
    sign(second, rating=5)
    rounds = list(ResultRound.objects.filter(case=case).order_by("number"))
    assert [(r.number, r.state, r.rating) for r in rounds] == [
        (1, "rework", 1),
        (2, "closed", 5),
    ]
    assert all(r.signature_sha256 for r in rounds)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.rework_count == 1


# --- other confirmation and approval (CLO-3) ---


def confirm_other(round_, **kwargs):
    kwargs.setdefault("method", "phone_call")
    kwargs.setdefault("detail", "11月27日 15:10 电话确认")
    return services.confirmation_other_record(round_.case.owner, round_=round_, **kwargs)


def test_other_confirmation_waits_for_the_center_head(awaiting):
    round_ = confirm_other(awaiting, rating=4)
    assert round_.state == ResultRound.State.AWAITING_APPROVAL
    assert Case.objects.get(pk=awaiting.case_id).status == Case.Status.AWAITING_CONFIRMATION
    assert awaiting.case.events.filter(kind="confirmation_other").exists()
    assert last_after("closure.confirmation_other")["other_method"] == "phone_call"


def test_other_confirmation_needs_details(awaiting):
    with pytest.raises(WrongState):
        confirm_other(awaiting, detail=" ")


def test_other_confirmation_refused_to_others(awaiting, colleague):
    with pytest.raises(NotAllowed):
        services.confirmation_other_record(
            colleague, round_=awaiting, method="email", detail="回信确认"
        )


def test_dissatisfied_other_confirmation_is_a_rework(awaiting):
    round_ = confirm_other(awaiting, rating=1, reasons="电话里表示不满意")
    assert round_.state == ResultRound.State.REWORK
    assert Case.objects.get(pk=awaiting.case_id).status == Case.Status.OPEN


def test_center_head_approves_the_closure(awaiting, center_head):
    confirm_other(awaiting, method="refused", detail="来访人拒绝签字", rating=3)
    round_ = services.confirmation_other_approve(
        center_head, round_=awaiting, reason="已电话核实，结果已告知"
    )
    case = Case.objects.get(pk=awaiting.case_id)
    assert case.status == Case.Status.CLOSED
    assert case.satisfaction is None  # a refusal carries no rating
    assert round_.approved_by == center_head
    audit = last_audit("closure.confirmation_approve")
    assert audit.actor == center_head


def test_only_the_center_head_approves(awaiting, front_desk):
    confirm_other(awaiting)
    with pytest.raises(NotAllowed):
        services.confirmation_other_approve(front_desk, round_=awaiting, reason="自己批准")


def test_approval_needs_a_reason(awaiting, center_head):
    confirm_other(awaiting)
    with pytest.raises(WrongState):
        services.confirmation_other_approve(center_head, round_=awaiting, reason="")


def test_approval_refused_when_nothing_waits(awaiting, center_head):
    with pytest.raises(WrongState):
        services.confirmation_other_approve(center_head, round_=awaiting, reason="好")


def test_center_head_rejects_the_confirmation(awaiting, center_head):
    confirm_other(awaiting)
    round_ = services.confirmation_other_reject(
        center_head, round_=awaiting, reason="请当面取得签字"
    )
    assert round_.state == ResultRound.State.PENDING
    assert round_.confirmation_kind == ""
    assert awaiting.case.events.filter(kind="confirmation_rejected").exists()
    assert last_after("closure.confirmation_reject")["reason"] == "请当面取得签字"


def test_result_for_a_case_awaiting_confirmation_without_a_round(open_case, front_desk):
    from django.db import transaction

    from cases.services import case_lock, case_transition

    with transaction.atomic():
        case = case_lock(case=open_case)
        case_transition(front_desk, case=case, to=Case.Status.AWAITING_CONFIRMATION)
    round_ = record_result(case)
    assert round_.number == 1
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_CONFIRMATION
    with pytest.raises(WrongState):
        record_result(case)
