"""What the visitor is told (opt-in at intake): receipt, extension with its reason, result
ready with the link to sign on their phone, rework's new deadline."""

import pytest
from django.urls import reverse

from cases import calendar, services
from notifications.models import Notification
from tests.closure.factories import record_result, sign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _console(settings, tmp_path):
    settings.SMS_BACKEND = "console"
    settings.SITE_URL = "https://desk.example.edu.cn"
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def opted_in(make_case, work_calendar):
    return make_case(notify_visitor=True)


def message(kind: str) -> Notification:
    return Notification.objects.get(recipient__isnull=True, kind=kind)


def test_intake_with_the_box_ticked_queues_the_receipt(opted_in):
    row = message("visitor_receipt")
    assert row.object_id == opted_in.number
    assert row.params["code"] == opted_in.query_code
    assert row.sms_state == Notification.State.PENDING
    assert opted_in.query_code in row.text("zh-hans")["body"]


def test_extension_tells_the_new_deadline_and_the_reason(opted_in, front_desk):
    new = calendar.deadline_in_working_days(8)
    services.case_extend_deadline(
        front_desk,
        case=opted_in,
        new_deadline=new,
        reason="需要教务处会签",
        visitor_informed="短信",
        version=opted_in.version,
    )
    row = message("visitor_extension")
    assert row.params["reason"] == "需要教务处会签"
    assert row.params["deadline"] == calendar.local_moment(new)
    assert row.deadline_version == 2


def test_result_ready_carries_a_link_that_opens_the_signing_page(opted_in, client):
    record_result(opted_in)
    link = message("visitor_result_ready").params["link"]
    assert link.startswith("https://desk.example.edu.cn/sign/")
    response = client.get(link.removeprefix("https://desk.example.edu.cn"))
    assert response.status_code == 200
    assert "已为您调到周四上午的班次。" in response.content.decode()


def test_rework_tells_the_new_deadline(opted_in):
    sign(record_result(opted_in), rating=1, reasons="没有解决")
    opted_in.refresh_from_db()
    row = message("visitor_rework")
    assert row.params["deadline"] == calendar.local_moment(opted_in.deadline)


def test_a_case_without_the_box_mints_no_phone_link(make_case, work_calendar):
    case = make_case()
    round_ = record_result(case)
    assert round_.public_token_hash == ""
    assert not Notification.objects.filter(recipient__isnull=True).exists()


def intake_post(client, category, **extra):
    data = {
        "visit_time": "2026-01-05T09:00",
        "visitor_name": "张三",
        "phone": "13812341234",
        "visitor_type": "student",
        "channel": "in_person",
        "category": category.pk,
        "subject": "调课",
        "question": "能否调课？",
        "outcome": "self",
        "deadline_mode": "working_days",
        "working_days": "3",
        "pending_reason": "needs_checking",
        **extra,
    }
    return client.post(reverse("cases:new"), data)


def test_the_intake_form_offers_the_box_and_stores_the_email(
    client, front_desk, category, work_calendar
):
    client.force_login(front_desk)
    assert 'name="notify_visitor"' in client.get(reverse("cases:new")).content.decode()
    response = intake_post(
        client, category, notify_visitor="on", visitor_email="zhangsan@example.com"
    )
    assert response.status_code == 302
    assert message("visitor_receipt").email_state == Notification.State.PENDING


def test_an_email_without_the_box_is_refused_with_a_message(
    client, front_desk, category, work_calendar
):
    client.force_login(front_desk)
    response = intake_post(client, category, visitor_email="zhangsan@example.com")
    assert response.status_code == 200
    assert response.context["form"].errors["visitor_email"]


def test_a_landline_without_email_cannot_opt_in(client, front_desk, category, work_calendar):
    client.force_login(front_desk)
    response = intake_post(client, category, phone="010-62751234", notify_visitor="on")
    assert response.status_code == 200
    assert response.context["form"].errors["notify_visitor"]


def test_retention_erases_the_visitors_email(make_case, work_calendar):
    from cases import retention
    from cases.models import CaseContact
    from tests.archive.factories import archived_case

    case, _record = archived_case(make_case, notify_visitor=True, visitor_email="z@example.com")
    assert CaseContact.objects.filter(case=case).exists()
    retention.case_erase_personal_data(case=case)
    assert not CaseContact.objects.filter(case=case).exists()


def test_staff_stop_the_messages_and_nothing_queued_is_sent(opted_in, front_desk, client):
    from audit.models import AuditEvent
    from notifications import delivery

    client.force_login(front_desk)
    page = client.get(opted_in.get_absolute_url()).content.decode()
    assert 'id="messages-stop-form"' in page
    response = client.post(reverse("cases:messages_stop", args=[opted_in.number]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="case.visitor_messages_stop").exists()
    delivery.notifications_deliver_due()
    assert message("visitor_receipt").sms_state == Notification.State.SKIPPED
    record_result(opted_in)
    assert not Notification.objects.filter(kind="visitor_result_ready").exists()


def test_stopping_twice_says_so(opted_in, front_desk, client):
    client.force_login(front_desk)
    url = reverse("cases:messages_stop", args=[opted_in.number])
    client.post(url)
    response = client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == "该事项不会向访客发送消息。"
