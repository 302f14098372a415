import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from cases import calendar, services
from cases.errors import NotAllowed, StaleVersion, WrongState
from cases.models import Case, CaseEvent, Visitor
from tests.factories import aware, case_kwargs

pytestmark = pytest.mark.django_db


def audit_actions(case):
    return list(
        AuditEvent.objects.filter(object_type="case", object_id=case.number).values_list(
            "action", flat=True
        )
    )


def test_register_makes_the_actor_owner_with_number_code_and_audit(front_desk, make_case):
    case = make_case()

    assert case.owner == front_desk
    assert case.owner_department == front_desk.department
    assert case.status == Case.Status.OPEN
    assert case.number.startswith("SW-") and case.number.endswith("-0001")
    assert len(case.query_code) == 8
    assert not set(case.query_code) & set("0O1IL")
    assert len(case.status_token) >= 32
    assert audit_actions(case) == ["case.register"]
    assert list(case.events.values_list("kind", flat=True)) == ["registered", "deadline_promised"]


def test_register_audit_keeps_no_raw_personal_data(make_case):
    case = make_case(phone="138 1234 5678", visitor_name="张小明")
    event = AuditEvent.objects.get(object_id=case.number, action="case.register")

    assert event.after is not None
    assert "13812345678" not in str(event.after)
    assert "张小明" not in str(event.after)
    assert event.after["visitor_phone"] == "138****5678"


def test_numbers_count_up_within_a_day(make_case):
    with time_machine.travel(aware(2026, 11, 27, 9), tick=False):
        first = make_case()
        second = make_case()

    assert first.number == "SW-20261127-0001"
    assert second.number == "SW-20261127-0002"


def test_returning_visitor_reuses_the_visitor_row(make_case):
    first = make_case(phone="13812341234", visitor_name="张三")
    second = make_case(phone="+86 138-1234-1234", visitor_name="张三")

    assert first.visitor_id == second.visitor_id
    assert Visitor.objects.count() == 1


def test_malformed_phone_is_refused_and_nothing_is_saved(make_case):
    with pytest.raises(ValidationError):
        make_case(phone="12345")

    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_answered_on_the_spot_has_its_deadline_now_and_waits_for_the_signature(make_case):
    case = make_case(outcome="on_the_spot", answer="周四有课。")

    assert case.status == Case.Status.AWAITING_CONFIRMATION
    assert case.deadline is not None and case.deadline <= timezone.now()
    assert case.closed_at is None and case.satisfaction is None
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["registered", "answered_on_the_spot"]
    assert audit_actions(case) == ["case.register", "case.transition"]


def test_on_the_spot_confirmed_in_words_needs_the_rating(make_case):
    with pytest.raises(WrongState):
        make_case(outcome="on_the_spot", answer="a", confirmation_note="n", rating=None)
    assert Case.objects.count() == 0


def test_on_the_spot_confirmed_in_words_needs_what_the_visitor_said(make_case):
    with pytest.raises(WrongState):
        make_case(outcome="on_the_spot", answer="a", confirmation_method="verbal", rating=5)
    assert Case.objects.count() == 0


def test_on_the_spot_refuses_an_unknown_confirmation(make_case):
    with pytest.raises(WrongState):
        make_case(outcome="on_the_spot", answer="a", confirmation_method="telepathy")
    assert Case.objects.count() == 0


def test_on_the_spot_without_answer_is_refused(make_case):
    with pytest.raises(WrongState):
        make_case(outcome="on_the_spot", answer="  ")
    assert Case.objects.count() == 0


def test_referral_marks_department_and_keeps_owner(make_case, department, front_desk):
    case = make_case(outcome="referral", department=department)

    assert case.status == Case.Status.REFERRED
    assert case.owner == front_desk
    assert list(case.involved_departments.all()) == [department]
    assert case.events.filter(kind="referral_requested", data__department=department.name).exists()


def test_referral_without_department_is_refused(make_case):
    with pytest.raises(WrongState):
        make_case(outcome="referral", department=None)


def test_handoff_outcome_marks_case_coordinating(make_case):
    case = make_case(outcome="handoff")

    assert case.status == Case.Status.COORDINATING
    assert case.events.filter(kind="handoff_requested").exists()


def test_deadline_in_the_past_is_refused(make_case):
    with time_machine.travel(aware(2026, 11, 27, 9), tick=False), pytest.raises(WrongState):
        make_case(deadline=aware(2026, 11, 26, 17, 30))


def test_deadline_on_a_holiday_is_refused(make_case):
    with time_machine.travel(aware(2026, 9, 28, 9), tick=False), pytest.raises(WrongState):
        make_case(deadline=aware(2026, 10, 2, 17, 30))


def test_auditor_cannot_register(auditor, category):
    with pytest.raises(NotAllowed):
        services.case_register(auditor, **case_kwargs(category=category))


def test_extend_deadline_records_reason_and_resets_flags(make_case, front_desk):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(overdue_flagged_at=case.created_at)
    new = calendar.deadline_in_working_days(8)

    extended = services.case_extend_deadline(
        front_desk,
        case=case,
        new_deadline=new,
        reason="需要教务处核实",
        visitor_informed="电话告知",
        version=case.version,
    )

    assert extended.deadline == new
    assert extended.extension_count == 1
    assert extended.deadline_version == 2
    assert extended.overdue_flagged_at is None
    event = CaseEvent.objects.get(case=case, kind="deadline_extended")
    assert event.data["reason"] == "需要教务处核实"
    assert event.data["informed"] == "电话告知"
    assert audit_actions(case)[-1] == "case.extend_deadline"


def test_extend_with_stale_version_is_refused(make_case, front_desk):
    case = make_case()
    with pytest.raises(StaleVersion):
        services.case_extend_deadline(
            front_desk,
            case=case,
            new_deadline=calendar.deadline_in_working_days(8),
            reason="r",
            visitor_informed="电话",
            version=case.version - 1,
        )
    assert Case.objects.get(pk=case.pk).extension_count == 0


def test_extend_without_reason_is_refused(make_case, front_desk):
    case = make_case()
    with pytest.raises(WrongState):
        services.case_extend_deadline(
            front_desk,
            case=case,
            new_deadline=calendar.deadline_in_working_days(8),
            reason=" ",
            visitor_informed="电话",
            version=case.version,
        )


def test_extend_to_an_earlier_deadline_is_refused(make_case, front_desk):
    case = make_case(deadline=calendar.deadline_in_working_days(5))
    with pytest.raises(WrongState):
        services.case_extend_deadline(
            front_desk,
            case=case,
            new_deadline=calendar.deadline_in_working_days(2),
            reason="r",
            visitor_informed="电话",
            version=case.version,
        )


def test_extend_by_someone_else_is_refused(make_case, colleague):
    case = make_case()
    with pytest.raises(NotAllowed):
        services.case_extend_deadline(
            colleague,
            case=case,
            new_deadline=calendar.deadline_in_working_days(8),
            reason="r",
            visitor_informed="电话",
            version=case.version,
        )


def test_center_head_reassigns_owner_with_reason(make_case, center_head, colleague):
    case = make_case()

    moved = services.case_reassign_owner(
        center_head, case=case, new_owner=colleague, reason="原责任人休病假", version=case.version
    )

    assert moved.owner == colleague
    assert case.events.filter(kind="owner_reassigned").exists()
    assert audit_actions(case)[-1] == "case.reassign_owner"
    event = AuditEvent.objects.filter(action="case.reassign_owner").get()
    assert event.before is not None and event.after is not None
    assert event.before["owner"] != event.after["owner"]


def test_reassignment_moves_the_case_to_the_new_owners_department(
    make_case, center_head, dept_member, front_desk
):
    case = make_case()
    received_by = front_desk.department

    moved = services.case_reassign_owner(
        center_head, case=case, new_owner=dept_member, reason="转岗", version=case.version
    )

    moved.refresh_from_db()
    assert moved.owner_department == dept_member.department
    assert moved.received_department == received_by  # the figures of the intake stay there
    line = case.events.get(kind="owner_reassigned")
    assert (line.data["old_department"], line.data["new_department"]) == ("财务室", "教务处")
    assert line.actor == center_head
    audit = AuditEvent.objects.get(action="case.reassign_owner")
    assert audit.before is not None and audit.after is not None
    assert audit.before["department"] == received_by.pk
    assert audit.after["department"] == dept_member.department_id


def test_only_center_head_reassigns(make_case, department_head, colleague):
    case = make_case()
    with pytest.raises(NotAllowed):
        services.case_reassign_owner(
            department_head, case=case, new_owner=colleague, reason="r", version=case.version
        )
    assert Case.objects.get(pk=case.pk).owner != colleague


def test_reassign_without_reason_is_refused(make_case, center_head, colleague):
    case = make_case()
    with pytest.raises(WrongState):
        services.case_reassign_owner(
            center_head, case=case, new_owner=colleague, reason="", version=case.version
        )


def test_transition_outside_the_table_is_refused(make_case, front_desk):
    from django.db import transaction

    case = make_case(outcome="on_the_spot", answer="a", confirmation_note="n")
    with pytest.raises(WrongState), transaction.atomic():
        services.case_transition(front_desk, case=case, to=Case.Status.OPEN)


def test_archived_case_cannot_change(make_case, front_desk):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(status=Case.Status.ARCHIVED)
    from cases.errors import ArchivedCase

    with pytest.raises(ArchivedCase):
        services.case_extend_deadline(
            front_desk,
            case=case,
            new_deadline=calendar.deadline_in_working_days(8),
            reason="r",
            visitor_informed="电话",
            version=case.version,
        )
