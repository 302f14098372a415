"""Handoff journey (HND-1..5): the owner submits the handoff form; the center head records the
meeting in place on the coordination desk with a lead and an assisting department; both answer;
the owner accepts one answer and returns the other; the assisting department's head raises a
dispute; the center head rules in place that the answer stands; the case is back with the
owner, with nothing left to block the result; the owner gives the result on the case page, the
visitor signs satisfied on the signing screen, and the case is closed and archived."""

from __future__ import annotations

import pytest

from cases import extensions
from cases.models import Case
from handoffs.models import Assignment, Dispute, HandoffForm
from tests.e2e.conftest import login
from tests.e2e.test_closure_journey import give_result, visitor_signs
from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def as_user(page, base: str, username: str):
    context = page.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    other = context.new_page()
    login(other, base, username)
    return other


def answer(page, base: str, case: Case, assignment: Assignment, text: str) -> None:
    page.goto(f"{base}/cases/{case.number}/")
    block = f"#assignment-{assignment.pk}"
    page.fill(f"{block} .answer-form textarea[name=text]", text)
    page.click(f"{block} .answer-form button[type=submit]")
    page.wait_for_selector(f"{block}[data-status=answered]")


def review(page, assignment: Assignment, decision: str, comment: str = "") -> None:
    block = f"#assignment-{assignment.pk}"
    page.check(f"{block} .review-form input[name=decision][value={decision}]")
    if comment:
        page.fill(f"{block} .review-form textarea[name=comment]", comment)
    page.click(f"{block} .review-form button[type=submit]")
    status = "accepted" if decision == "accept" else "returned"
    page.wait_for_selector(f"{block}[data-status={status}]")


def test_handoff_meeting_answers_dispute_ruling_result(
    page,
    live_server,
    make_case,
    front_desk,
    center_head,
    dept_member,
    department,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path  # the visitor's signature is stored
    settings.ARCHIVE_QUIET_HOURS = 0  # archive at once after the closing commit
    base = live_server.url
    logistics = DepartmentFactory.create(code="HQ", name="后勤保障部")
    fixer = UserFactory.create(username="houqin1", name="孙丽", department=logistics)
    logistics_head = UserFactory.create(
        username="houqin", name="孙主任", department=logistics, roles=["staff", "department_head"]
    )
    logistics.head = logistics_head
    logistics.save()
    case = make_case(outcome="handoff")

    # The owner fills the handoff form.
    login(page, base, front_desk.username)
    page.goto(f"{base}/cases/{case.number}/")
    page.click("#handoff-new-link")
    page.fill("#handoff-form textarea[name=summary]", "教室空调故障影响排课，需教务与后勤协调")
    page.check(f"#handoff-form input[name=departments][value='{department.pk}']")
    page.check(f"#handoff-form input[name=departments][value='{logistics.pk}']")
    page.check("#handoff-form input[name=urgency][value=urgent]")
    page.fill("#handoff-form textarea[name=done_so_far]", "已安抚学员并登记")
    page.click("#handoff-form button[type=submit]")
    page.wait_for_url(f"{base}/cases/{case.number}/")
    handoff = HandoffForm.objects.get(case=case)
    page.wait_for_selector(f"#handoff-{handoff.number}")

    # The center head records the meeting in place on the coordination desk.
    head = as_user(page, base, center_head.username)
    head.click("nav a[data-nav=center-desk]")
    head.click(f"#waiting-{handoff.number} button[data-action=record-meeting]")
    form = "#meeting-form"
    head.wait_for_selector(form)
    head.fill(f"{form} input[name=place]", "行政楼三楼会议室")
    head.select_option(
        f"{form} select[name=attendees]", [str(center_head.pk), str(logistics_head.pk)]
    )
    head.fill(f"{form} textarea[name=minutes]", "各部门说明情况")
    head.fill(f"{form} textarea[name=decision]", "教务处牵头，后勤协办")
    head.select_option(f"{form} select[name=d{department.pk}_role]", "lead")
    head.fill(f"{form} input[name=d{department.pk}_task]", "调整排课")
    head.fill(f"{form} input[name=d{logistics.pk}_task]", "维修空调")
    head.click(f"{form} button[type=submit]")
    head.wait_for_selector(f"#waiting-{handoff.number}", state="detached")
    assert head.inner_text("[data-count=waiting_meeting]") == "0"
    lead = Assignment.objects.get(handoff=handoff, role="lead")
    assisting = Assignment.objects.get(handoff=handoff, role="assisting")
    assert (lead.department, assisting.department) == (department, logistics)
    # Each department's open work on the board, counted and listed (3 most urgent at most).
    for dept, assignment in ((department, lead), (logistics, assisting)):
        load = f"#load-{dept.code}"
        assert head.inner_text(f"{load} .badge.text-bg-secondary") == "1"
        assert head.locator(f"{load} #desk-assignment-{assignment.pk}").count() == 1

    # Both departments answer.
    academic = as_user(page, base, dept_member.username)
    answer(academic, base, case, lead, "已调整到 302 教室上课")
    academic.context.close()
    other = as_user(page, base, fixer.username)
    answer(other, base, case, assisting, "空调已检修")
    other.context.close()

    # The owner accepts the lead's answer and returns the assisting one.
    page.reload()
    review(page, lead, "accept")
    review(page, assisting, "return", "未说明何时恢复使用")

    # The assisting department's head disputes the return.
    disputer = as_user(page, base, logistics_head.username)
    disputer.goto(f"{base}/cases/{case.number}/")
    disputer.click("details.raise-dispute summary")
    disputer.select_option(".dispute-form select[name=assignment]", str(assisting.pk))
    disputer.fill(
        ".dispute-form textarea[name=positions]", "后勤认为已修复；首问责任人要求恢复时间"
    )
    disputer.click(".dispute-form button[type=submit]")
    dispute = Dispute.objects.get(handoff=handoff)
    disputer.wait_for_selector(f"#dispute-{dispute.pk}[data-status=open]")
    disputer.context.close()

    # The center head rules in place: the answer stands.
    head.reload()
    head.click(f"#dispute-row-{dispute.pk} button[data-action=rule]")
    head.wait_for_selector("#ruling-form")
    head.fill("#ruling-form textarea[name=ruling]", "空调已修复，后勤答复成立")
    head.select_option("#ruling-form select[name=on_answer]", "uphold")
    head.click("#ruling-form button[type=submit]")
    head.wait_for_selector(f"#dispute-row-{dispute.pk}", state="detached")
    head.context.close()

    # The case is back with its owner, nothing blocks the result.
    page.reload()
    page.wait_for_selector(f"#dispute-{dispute.pk}[data-status=ruled] .ruling")
    assert page.locator(f"#handoff-{handoff.number} .handoff-status").count() == 1
    assert not page.locator("#open-work").count()
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert case.owner == front_desk
    assert HandoffForm.objects.get(pk=handoff.pk).status == HandoffForm.Status.COMPLETED
    assert extensions.result_blocker(case) is None
    kinds = set(case.events.values_list("kind", flat=True))
    assert kinds >= {
        "handoff_submitted",
        "meeting_recorded",
        "assignment_answered",
        "assignment_accepted",
        "assignment_returned",
        "dispute_raised",
        "dispute_ruled",
        "handoff_completed",
    }

    # The owner gives the result; the visitor signs satisfied; the case closes and is archived.
    give_result(page, "空调已修复，课程照常在 302 教室进行，请按原时间上课。")
    visitor_signs(page, rating=5)
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVED
    assert case.satisfaction == 5
    assert case.owner == front_desk
    assert {"result_recorded", "visitor_confirmed", "archived"} <= set(
        case.events.values_list("kind", flat=True)
    )
