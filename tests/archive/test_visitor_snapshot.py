"""VIS-1: what the visitor gave at a visit stays with the case and its archive. The rename of
issue 15: 王小明 archived, then 测试 with the same phone — the archived case, its search and its
re-rendered PDF do not change. Only an audited correction or the retention erasure change an
archived case's visitor, and the record says so."""

import datetime as dt

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from archive.pdf import render_record_pdf
from archive.record import record_data
from archive.services import archive_render_pdf
from audit.models import AuditEvent
from cases import privacy, retention
from cases.models import Case, Visitor
from tests.archive.factories import archived_case
from tests.archive.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def archived(make_case):
    case, record = archived_case(make_case, visitor_name="王小明", phone=PHONE, subject="退费进度")
    record = archive_render_pdf(record=record)
    return case, record


def test_a_later_visit_under_another_name_leaves_the_archived_case_unchanged(
    client, auditor, front_desk, make_case, archived
):
    case, record = archived
    stored = default_storage.open(record.pdf.name, "rb").read()
    assert "王**" in pdf_text(stored)

    later = make_case(visitor_name="测试", phone=PHONE, subject="另一件事")

    case.refresh_from_db()
    assert (case.visitor_name, case.visitor_phone) == ("王小明", PHONE)
    assert later.visitor_id != case.visitor_id  # another person on the same phone
    assert Visitor.objects.filter(phone=PHONE).count() == 2
    # The case page (its owner sees the data in full).
    client.force_login(front_desk)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "王小明" in page and "测试" not in page
    # The auditor's search: the old name finds the archive; the new name does not.
    client.force_login(auditor)
    by_old = client.get("/cases/", {"q": "王小明"}).content.decode()
    assert case.number in by_old and later.number not in by_old
    by_new = client.get("/cases/", {"q": "测试"}).content.decode()
    assert later.number in by_new and case.number not in by_new
    archive_page = client.get("/archive/", {"q": "王小明"}).content.decode()
    assert record.number in archive_page
    assert record.number not in client.get("/archive/", {"q": "测试"}).content.decode()
    # The PDF rendered again: the same data, the name given at the visit.
    again, checksum = render_record_pdf(record)
    assert checksum == record.data_sha256
    text = pdf_text(again)
    assert "王**" in text and "测*" not in text
    assert record_data(record)["visitor"] == {"name": "王**", "phone": "139****5678"}


def test_renaming_the_person_leaves_the_archived_case_unchanged(center_head, archived):
    from cases.visitors import visitor_rename

    case, record = archived
    visitor_rename(
        center_head, visitor=case.visitor, name="王晓明", reason="typo at the first visit"
    )
    case.refresh_from_db()
    assert case.visitor.name == "王晓明"
    assert case.visitor_name == "王小明"
    assert render_record_pdf(record)[1] == record.data_sha256
    event = AuditEvent.objects.get(action="visitor.rename")
    assert event.before is not None and event.after is not None
    assert event.before["name"] == "王**" and event.after["reason"] == "typo at the first visit"


def test_a_pipl_correction_changes_the_archived_case_and_says_so(center_head, archived):
    case, record = archived
    privacy.visitor_correct(
        center_head, case=case, name="王小铭", phone=PHONE, reason="访客书面更正申请"
    )
    case.refresh_from_db()
    assert case.visitor_name == "王小铭"
    assert case.visitor_corrected_at is not None
    data = record_data(record)
    assert data["visitor"]["corrected_at"] == case.visitor_corrected_at.isoformat()
    assert case.visitor_corrected_at.date().isoformat() in pdf_text(render_record_pdf(record)[0])
    event = AuditEvent.objects.get(action="visitor.correct")
    assert event.after is not None and event.after["cases_corrected"] == 1


def test_nothing_else_of_an_archived_case_changes_with_the_visitor_columns(archived):
    """The trigger's exception covers the visitor columns only, and only when a service asks."""
    from django.db import IntegrityError, transaction

    from cases.visitors import archived_visitor_writes

    case, _record = archived
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(visitor_name="x")
    with pytest.raises(IntegrityError), transaction.atomic(), archived_visitor_writes():
        Case.objects.filter(pk=case.pk).update(visitor_name="x", subject="changed")
    case.refresh_from_db()
    assert (case.visitor_name, case.subject) == ("王小明", "退费进度")


def test_retention_erases_the_snapshot_and_the_record_says_so(settings, make_case):
    from archive.services import case_archive

    case = make_case(
        visitor_name="王小明",
        phone=PHONE,
        outcome="on_the_spot",
        answer="已答复",
        confirmation_note="口头确认",
    )
    past = timezone.now() - dt.timedelta(days=settings.RETENTION_DAYS + 1)
    with time_machine.travel(past, tick=False):
        record = case_archive(None, case=Case.objects.get(pk=case.pk))
    assert retention.retention_sweep() == 1
    case.refresh_from_db()
    assert (case.visitor_name, case.visitor_phone, case.visitor_phone_last4) == ("", "", "")
    assert case.visitor_phone_hash == ""
    data = record_data(record)
    assert data["visitor"]["name"] == "" and "erased_at" in data["visitor"]
    event = AuditEvent.objects.get(action="case.retention_erase")
    assert event.after is not None
    assert "case.visitor_snapshot" in event.after["steps"]


def test_the_archive_browser_does_not_search_by_phone(client, auditor, archived):
    """Its form is a GET: phone search is the case list's (a POST, the number out of URLs)."""
    _case, record = archived
    client.force_login(auditor)
    assert record.number not in client.get("/archive/", {"q": PHONE}).content.decode()
    assert record.number in client.get("/archive/", {"q": "退费进度"}).content.decode()
