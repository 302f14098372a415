"""The archived record and its PDF hold the referral part of the case (CLO-5 with REF-2)."""

import pytest
from django.core.files.storage import default_storage

from archive import services as archive_services
from archive.record import record_data
from archive.services import archive_render_pdf
from handoffs.services import referrals
from tests.archive.test_pdf import pdf_text
from tests.closure.factories import close_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred_and_archived(make_case, department, dept_member, front_desk, work_calendar):
    case = make_case(outcome="referral", department=department, subject="补办结业证书")
    referral = case.referrals.get()
    referrals.referral_accept(dept_member, referral=referral)
    answer = referrals.referral_answer(
        dept_member, referral=referral, text="证书已补办，可于周五到教务处领取。"
    )
    referrals.referral_review(front_desk, answer=answer, accept=True)
    case.refresh_from_db()
    close_case(case)
    case.refresh_from_db()
    record = archive_services.case_archive(front_desk, case=case)
    return case, record


def test_record_data_holds_the_referral_and_its_answer(referred_and_archived, department):
    _case, record = referred_and_archived
    data = record_data(record)

    assert [r["department"] for r in data["referrals"]] == [department.name]
    assert data["referrals"][0]["answers"][0]["text"] == "证书已补办，可于周五到教务处领取。"
    assert data["handoffs"] == []


def test_pdf_prints_the_referral(referred_and_archived, department, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _case, record = referred_and_archived
    record = archive_render_pdf(record=record)
    assert record.pdf.name
    text = pdf_text(default_storage.open(record.pdf.name, "rb").read()).replace("\n", "")

    assert department.name in text
    assert "证书已补办" in text
