"""Referral journey (REF-1, REF-2): the owner refers a case, the department returns it, the
owner refers it elsewhere, that department accepts and answers with an attachment, and the
owner accepts the answer; the case is back with the owner, who stays its first responder."""

from __future__ import annotations

import pytest

from cases.models import Case
from handoffs.models import Referral
from tests.e2e.conftest import login
from tests.factories import DepartmentFactory, UserFactory
from tests.handoffs.factories import PDF_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = PDF_BYTES  # a real one-page PDF: attachments must parse


@pytest.fixture(autouse=True)
def _fast_passwords_and_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


def as_user(page, base: str, username: str):
    context = page.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    other = context.new_page()
    login(other, base, username)
    return other


def refer(page, base: str, case: Case, department) -> None:
    page.goto(f"{base}/cases/{case.number}/")
    page.select_option("#refer-form select[name=department]", str(department.pk))
    page.wait_for_selector("#refer-department-card #department-contact")
    assert department.location in page.inner_text("#refer-department-card")
    page.fill("#refer-form textarea[name=note]", "请贵部门处理")
    page.click("#refer-form button[type=submit]")
    page.wait_for_selector(f"#referrals .referral[data-status=sent] >> text={department.name}")


def test_refer_return_refer_elsewhere_answer_accept(
    page, live_server, make_case, front_desk, dept_member, department
):
    base = live_server.url
    logistics = DepartmentFactory.create(code="HQ", name="后勤保障部", location="后勤楼 101")
    fixer = UserFactory.create(username="houqin1", name="孙丽", department=logistics)
    case = make_case()

    login(page, base, front_desk.username)
    refer(page, base, case, department)
    first = Referral.objects.get(case=case)
    assert Case.objects.get(pk=case.pk).status == Case.Status.REFERRED

    # The first department sees it in its inbox and returns it with a reason.
    academic = as_user(page, base, dept_member.username)
    academic.click("nav a[data-nav=inbox]")
    academic.click(f"#inbox-referral-{first.pk} a")
    academic.click(f"#referral-{first.pk} details.return-referral summary")
    academic.fill(f"#referral-{first.pk} textarea[name=reason]", "此事属于后勤保障部职责")
    academic.click(f"#referral-{first.pk} .return-referral-form button[type=submit]")
    academic.wait_for_selector(f"#referral-{first.pk}[data-status=returned]")
    academic.context.close()

    # The owner sees the reason and refers the case to the other department.
    page.reload()
    assert "此事属于后勤保障部职责" in page.inner_text(f"#referral-{first.pk} .return-reason")
    refer(page, base, case, logistics)
    second = Referral.objects.get(case=case, department=logistics)

    # The second department accepts and answers with an attachment.
    other = as_user(page, base, fixer.username)
    other.goto(f"{base}/cases/{case.number}/")
    other.click(f"#referral-{second.pk} .accept-referral-form button")
    other.wait_for_selector(f"#referral-{second.pk}[data-status=accepted]")
    other.fill(f"#referral-{second.pk} .answer-form textarea[name=text]", "空调已于今日修复")
    other.set_input_files(
        f"#referral-{second.pk} .answer-form input[name=attachment]",
        files=[{"name": "维修单.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    other.click(f"#referral-{second.pk} .answer-form button[type=submit]")
    other.wait_for_selector(f"#referral-{second.pk}[data-status=answered]")
    other.context.close()

    # The owner downloads the attachment and accepts the answer.
    page.reload()
    with page.expect_download() as download:
        page.click(f"#referral-{second.pk} a.attachment-link")
    assert download.value.suggested_filename == "维修单.pdf"
    page.check(f"#referral-{second.pk} .review-form input[name=decision][value=accept]")
    page.click(f"#referral-{second.pk} .review-form button[type=submit]")
    page.wait_for_selector(f"#referral-{second.pk}[data-status=completed]")

    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert case.owner == front_desk
    assert not page.locator("#open-work").count()
    kinds = list(case.events.values_list("kind", flat=True))
    for kind in (
        "referral_created",
        "referral_returned",
        "referral_accepted",
        "referral_answered",
        "referral_answer_accepted",
    ):
        assert kind in kinds
