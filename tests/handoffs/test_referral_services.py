import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from cases.errors import NotAllowed, WrongState
from cases.models import Case
from handoffs import services
from handoffs.models import Answer, Referral
from tests.handoffs.factories import JPEG_BYTES, upload
from tests.handoffs.helpers import audit_actions, fresh, kinds

pytestmark = pytest.mark.django_db


def test_intake_referral_creates_the_referral_in_the_same_transaction(
    referred_case, department, front_desk
):
    referral = referred_case.referrals.get()

    assert referral.department == department
    assert referral.status == Referral.Status.SENT
    assert referral.created_by == front_desk
    assert "referral_created" in kinds(referred_case)
    assert audit_actions("referral", referral.pk) == ["referral.create"]


def test_failed_intake_leaves_no_referral(make_case, department):
    with pytest.raises(ValidationError):
        make_case(outcome="referral", department=department, phone="12")
    assert Referral.objects.count() == 0


def test_member_accepts_referral(referral, dept_member):
    services.referral_accept(dept_member, referral=referral)

    referral = fresh(referral)
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.assignee == dept_member
    assert kinds(referral.case)[-1] == "referral_accepted"
    assert audit_actions("referral", referral.pk)[-1] == "referral.accept"


def test_non_member_cannot_accept(referral, third_member):
    with pytest.raises(NotAllowed):
        services.referral_accept(third_member, referral=referral)
    assert fresh(referral).status == Referral.Status.SENT


def test_owner_cannot_accept_for_the_department(referral, front_desk):
    with pytest.raises(NotAllowed):
        services.referral_accept(front_desk, referral=referral)


def test_second_accept_is_refused(referral, dept_member):
    services.referral_accept(dept_member, referral=referral)
    with pytest.raises(WrongState):
        services.referral_accept(dept_member, referral=referral)
    assert kinds(referral.case).count("referral_accepted") == 1


def test_return_opens_the_case_again_with_the_reason(referral, dept_member, front_desk):
    services.referral_return(dept_member, referral=referral, reason="属于财务室职责")

    referral = fresh(referral)
    case = Case.objects.get(pk=referral.case_id)
    assert referral.status == Referral.Status.RETURNED
    assert referral.return_reason == "属于财务室职责"
    assert case.status == Case.Status.OPEN
    assert case.owner == front_desk
    event = case.events.get(kind="referral_returned")
    assert event.data["reason"] == "属于财务室职责"
    assert audit_actions("referral", referral.pk)[-1] == "referral.return"


def test_return_without_reason_is_refused(referral, dept_member):
    with pytest.raises(WrongState):
        services.referral_return(dept_member, referral=referral, reason="  ")
    assert fresh(referral).status == Referral.Status.SENT


def test_owner_refers_again_after_a_return(referral, dept_member, front_desk, third_department):
    services.referral_return(dept_member, referral=referral, reason="不归我处")
    case = Case.objects.get(pk=referral.case_id)
    deadline = case.deadline

    second = services.referral_create(
        front_desk, case=case, department=third_department, note="请后勤处理"
    )

    case.refresh_from_db()
    assert second.status == Referral.Status.SENT
    assert case.status == Case.Status.REFERRED
    assert case.deadline == deadline
    assert case.owner == front_desk
    assert third_department in case.involved_departments.all()
    assert kinds(case).count("referral_created") == 2
    assert audit_actions("referral", second.pk) == ["referral.create"]


def test_referral_of_a_referred_case_is_refused(referral, front_desk, third_department):
    with pytest.raises(WrongState):
        services.referral_create(
            front_desk, case=referral.case, department=third_department, note=""
        )
    assert Referral.objects.count() == 1


def test_referral_by_someone_other_than_the_owner_is_refused(make_case, colleague, department):
    case = make_case()
    with pytest.raises(NotAllowed):
        services.referral_create(colleague, case=case, department=department, note="")


def test_replayed_referral_creates_nothing_new(make_case, front_desk, department):
    import uuid

    case = make_case()
    token = uuid.uuid4()
    first = services.referral_create(
        front_desk, case=case, department=department, note="n", token=token
    )
    again = services.referral_create(
        front_desk, case=case, department=department, note="n", token=token
    )

    assert again.pk == first.pk
    assert Referral.objects.count() == 1
    assert audit_actions("referral", first.pk) == ["referral.create"]


def test_referral_to_an_inactive_department_is_refused(make_case, front_desk, third_department):
    third_department.is_active = False
    third_department.save()
    with pytest.raises(WrongState):
        services.referral_create(front_desk, case=make_case(), department=third_department, note="")


def accepted(referral, member):
    services.referral_accept(member, referral=referral)
    return fresh(referral)


def test_member_answers_with_an_attachment(referral, dept_member):
    referral = accepted(referral, dept_member)
    answer = services.referral_answer(
        dept_member, referral=referral, text="已安排补课", upload=upload("安排.jpg", JPEG_BYTES)
    )

    assert fresh(referral).status == Referral.Status.ANSWERED
    assert answer.attachment_type == "image/jpeg"
    assert answer.attachment_name == "安排.jpg"
    assert answer.attachment.name and answer.attachment.name.endswith(".jpg")
    assert "安排" not in answer.attachment.name
    assert kinds(referral.case)[-1] == "referral_answered"
    assert audit_actions("referral", referral.pk)[-1] == "referral.answer"


def test_answer_before_accepting_is_refused(referral, dept_member):
    with pytest.raises(WrongState):
        services.referral_answer(dept_member, referral=referral, text="x")
    assert Answer.objects.count() == 0


def test_answer_without_text_is_refused(referral, dept_member):
    referral = accepted(referral, dept_member)
    with pytest.raises(WrongState):
        services.referral_answer(dept_member, referral=referral, text=" ")


def test_answer_with_a_disguised_file_is_refused_and_saves_nothing(referral, dept_member):
    referral = accepted(referral, dept_member)
    with pytest.raises(ValidationError):
        services.referral_answer(
            dept_member,
            referral=referral,
            text="见附件",
            upload=upload("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        )
    assert Answer.objects.count() == 0
    assert fresh(referral).status == Referral.Status.ACCEPTED


def test_answer_by_another_department_is_refused(referral, dept_member, third_member):
    referral = accepted(referral, dept_member)
    with pytest.raises(NotAllowed):
        services.referral_answer(third_member, referral=referral, text="x")


def answered(referral, member, text="已处理"):
    referral = accepted(referral, member)
    return services.referral_answer(member, referral=referral, text=text)


def test_owner_accepts_the_answer_and_the_case_is_open_for_the_result(
    referral, dept_member, front_desk
):
    answer = answered(referral, dept_member)

    services.referral_review(front_desk, answer=answer, accept=True)

    referral = fresh(referral)
    case = Case.objects.get(pk=referral.case_id)
    assert referral.status == Referral.Status.COMPLETED
    assert fresh(answer).verdict == Answer.Verdict.ACCEPTED
    assert case.status == Case.Status.OPEN
    assert kinds(case)[-1] == "referral_answer_accepted"
    assert audit_actions("referral", referral.pk)[-1] == "referral.accept_answer"


def test_owner_sends_the_answer_back_with_a_comment(referral, dept_member, front_desk):
    answer = answered(referral, dept_member)

    services.referral_review(front_desk, answer=answer, accept=False, comment="缺少补课时间")

    assert fresh(referral).status == Referral.Status.ACCEPTED
    assert fresh(answer).verdict == Answer.Verdict.RETURNED
    assert kinds(referral.case)[-1] == "referral_answer_returned"
    assert audit_actions("referral", referral.pk)[-1] == "referral.return_answer"
    second = services.referral_answer(dept_member, referral=fresh(referral), text="周四补课")
    assert second.verdict == Answer.Verdict.PENDING


def test_send_back_without_comment_is_refused(referral, dept_member, front_desk):
    answer = answered(referral, dept_member)
    with pytest.raises(WrongState):
        services.referral_review(front_desk, answer=answer, accept=False, comment="")
    assert fresh(answer).verdict == Answer.Verdict.PENDING


def test_review_by_a_department_member_is_refused(referral, dept_member):
    answer = answered(referral, dept_member)
    with pytest.raises(NotAllowed):
        services.referral_review(dept_member, answer=answer, accept=True)


def test_second_review_is_refused(referral, dept_member, front_desk):
    answer = answered(referral, dept_member)
    services.referral_review(front_desk, answer=answer, accept=True)
    count = AuditEvent.objects.count()
    with pytest.raises(WrongState):
        services.referral_review(front_desk, answer=answer, accept=True)
    assert AuditEvent.objects.count() == count


def test_center_head_reviews_for_an_absent_owner_logged_as_such(referral, dept_member, center_head):
    answer = answered(referral, dept_member)

    services.referral_review(center_head, answer=answer, accept=True)

    assert fresh(answer).on_behalf_of_owner is True
    event = referral.case.events.get(kind="referral_answer_accepted")
    assert event.data["on_behalf"] is True
    audit = AuditEvent.objects.filter(action="referral.accept_answer").get()
    assert audit.after is not None
    assert audit.after["on_behalf_of_owner"] is True


def test_head_gives_the_referral_to_a_member(referral, department_head, dept_member):
    services.referral_give_to_member(department_head, referral=referral, member=dept_member)

    assert fresh(referral).assignee == dept_member
    assert kinds(referral.case)[-1] == "referral_given_to_member"
    assert audit_actions("referral", referral.pk)[-1] == "referral.give_to_member"


def test_member_cannot_give_the_referral_away(referral, dept_member, department_head):
    with pytest.raises(NotAllowed):
        services.referral_give_to_member(dept_member, referral=referral, member=dept_member)


def test_head_cannot_give_the_referral_to_an_outsider(referral, department_head, third_member):
    with pytest.raises(WrongState):
        services.referral_give_to_member(department_head, referral=referral, member=third_member)
    assert fresh(referral).assignee is None
