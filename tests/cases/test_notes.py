"""Internal notes (staff only, marked internal in the timeline and the PDF), @mentions that
notify, and links between related cases shown on both pages."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from cases import notes
from cases.errors import ArchivedCase, NotAllowed, WrongState
from cases.models import CaseEvent, CaseLink
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def case(make_case, work_calendar):
    return make_case(subject="奖学金发放")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_note_is_an_internal_line_of_the_timeline(case, front_desk):
    event = notes.note_add(front_desk, case=case, text="访客情绪激动，注意沟通方式。")
    assert event.kind == "internal_note" and event.data["internal"] is True
    assert AuditEvent.objects.filter(action="case.note", object_id=case.number).exists()
    page = client_for(front_desk).get(case.get_absolute_url()).content.decode()
    assert "访客情绪激动" in page
    assert 'class="timeline-internal"' in page


def test_the_visitor_never_sees_a_note(case, front_desk):
    notes.note_add(front_desk, case=case, text="内部备注：勿告知访客")
    anonymous = Client()
    status = anonymous.get(reverse("cases:status_token", args=[case.status_token]))
    assert "勿告知访客" not in status.content.decode()
    receipt = client_for(front_desk).get(reverse("cases:receipt", args=[case.number]))
    assert "勿告知访客" not in receipt.content.decode()


def test_a_mention_notifies_a_colleague_who_may_open_the_case(case, front_desk, center_head):
    notes.note_add(front_desk, case=case, text="请 @zhuren 看一下。")
    row = Notification.objects.get(recipient=center_head, kind="case_mention")
    assert row.url == case.get_absolute_url()
    assert "请 @zhuren 看一下" in row.text("zh-hans")["body"]


def test_a_mention_of_someone_who_cannot_open_the_case_tells_nobody(case, front_desk, dept_member):
    event = notes.note_add(front_desk, case=case, text="@jiaowu1 知悉")
    assert not Notification.objects.filter(kind="case_mention").exists()
    assert event.data["mentioned"] == []


def test_each_note_tells_each_person_once(case, front_desk, center_head):
    notes.note_add(front_desk, case=case, text="@zhuren @zhuren 第一条")
    notes.note_add(front_desk, case=case, text="@zhuren 第二条")
    assert Notification.objects.filter(recipient=center_head, kind="case_mention").count() == 2


def test_mentions_are_read_from_the_text():
    assert notes.mentioned_usernames("请 @zhuren. 和 @li.na 看；邮件 a@b.cn 不算") == [
        "zhuren",
        "li.na",
    ]


def test_an_empty_note_is_refused(case, front_desk):
    with pytest.raises(WrongState):
        notes.note_add(front_desk, case=case, text="   ")


def test_an_auditor_writes_no_notes(case, auditor):
    with pytest.raises(NotAllowed):
        notes.note_add(auditor, case=case, text="x")


def test_an_archived_case_takes_no_note(make_case, front_desk, work_calendar):
    from tests.archive.factories import archived_case

    archived, _record = archived_case(make_case)
    with pytest.raises(ArchivedCase):
        notes.note_add(front_desk, case=archived, text="补充")


def test_the_note_form_posts_and_an_empty_one_gets_a_message(case, front_desk):
    client = client_for(front_desk)
    url = reverse("cases:note_add", args=[case.number])
    assert client.post(url, {"text": "已电话联系"}).status_code == 302
    assert CaseEvent.objects.filter(case=case, kind="internal_note").count() == 1
    response = client.post(url, {"text": ""}, follow=True)
    assert response.status_code == 200
    assert CaseEvent.objects.filter(case=case, kind="internal_note").count() == 1
    assert list(response.context["messages"])


def test_the_pdf_marks_the_note_internal(make_case, front_desk, work_calendar):
    from archive.services import archive_render_pdf, case_archive
    from tests.archive.test_pdf import pdf_text
    from tests.closure.factories import close_case

    case = make_case()
    notes.note_add(front_desk, case=case, text="内部核对完毕")
    close_case(case)
    case.refresh_from_db()
    record = case_archive(front_desk, case=case) if case.status != "archived" else case.archive
    record = archive_render_pdf(record=record)
    from django.core.files.storage import default_storage

    assert record.pdf.name
    text = pdf_text(default_storage.open(record.pdf.name, "rb").read())
    assert "内部核对完毕" in text
    assert "[内部]" in text


def test_linking_shows_the_link_on_both_pages(make_case, case, front_desk, work_calendar):
    other = make_case(subject="奖学金再次咨询")
    notes.link_add(front_desk, case=case, other_number=other.number)
    assert CaseLink.objects.count() == 1
    client = client_for(front_desk)
    assert other.number in client.get(case.get_absolute_url()).content.decode()
    assert case.number in client.get(other.get_absolute_url()).content.decode()
    assert CaseEvent.objects.filter(kind="case_linked").count() == 2


def test_a_link_is_made_once(make_case, case, front_desk, work_calendar):
    other = make_case()
    notes.link_add(front_desk, case=case, other_number=other.number)
    with pytest.raises(WrongState):
        notes.link_add(front_desk, case=other, other_number=case.number)


def test_a_case_cannot_link_to_itself(case, front_desk):
    with pytest.raises(WrongState):
        notes.link_add(front_desk, case=case, other_number=case.number)


def test_a_case_one_may_not_open_cannot_be_linked(case, dept_member, make_case, work_calendar):
    theirs = make_case(actor=dept_member)
    with pytest.raises(WrongState):
        notes.link_add(dept_member, case=theirs, other_number=case.number)


def test_the_link_form_reports_an_unknown_number(case, front_desk):
    client = client_for(front_desk)
    url = reverse("cases:link_add", args=[case.number])
    response = client.post(url, {"number": "SW-20990101-0001"}, follow=True)
    assert response.status_code == 200
    assert not CaseLink.objects.exists()
    assert list(response.context["messages"])
