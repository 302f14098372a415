"""Messages to visitors by SMS: each real backend against a loopback gateway that checks the
provider's signature, delivered through the outbox (retries, once, nobody who opted out)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cases import retention, visitor_messages
from notifications import delivery
from notifications.models import Notification

pytestmark = pytest.mark.django_db

State = Notification.State


@pytest.fixture
def opted_in(make_case, work_calendar, settings):
    settings.SITE_URL = "https://desk.example.edu.cn"
    return make_case(notify_visitor=True)


def visitor_rows():
    return Notification.objects.filter(recipient__isnull=True)


def test_aliyun_receives_the_receipt_signed_and_with_its_template(aliyun, opted_in):
    delivery.notifications_deliver_due()

    (message,) = aliyun.messages
    assert message["phone"] == "13812341234"
    assert message["sign_name"] == "首问服务中心"
    assert message["template"] == "SMS_100001"
    assert message["params"] == {
        "number": opted_in.number,
        "code": opted_in.query_code,
        "link": f"https://desk.example.edu.cn/status/t/{opted_in.status_token}/",
    }
    assert visitor_rows().get().sms_state == State.SENT


def test_tencent_receives_the_receipt_signed_with_ordered_parameters(tencent, opted_in):
    delivery.notifications_deliver_due()

    (message,) = tencent.messages
    assert message["phone"] == "+8613812341234"
    assert message["app_id"] == "1400006666"
    assert message["template"] == "SMS_100001"
    assert message["params"] == [
        opted_in.number,
        opted_in.query_code,
        f"https://desk.example.edu.cn/status/t/{opted_in.status_token}/",
    ]
    assert visitor_rows().get().sms_state == State.SENT


@pytest.mark.parametrize("backend", ["aliyun", "tencent"])
def test_a_wrong_secret_is_refused_by_the_gateway_and_retried_once_fixed(
    backend, request, settings
):
    gateway = request.getfixturevalue(backend)
    request.getfixturevalue("opted_in")  # registered once the backend is configured
    settings.SMS_ACCESS_KEY_SECRET = "not-the-secret"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        delivery.notifications_deliver_due()
    row = visitor_rows().get()
    assert gateway.rejected and not gateway.messages
    assert row.sms_state == State.PENDING
    assert ("SignatureDoesNotMatch" if backend == "aliyun" else "SignatureFailure") in (
        row.last_error
    )

    settings.SMS_ACCESS_KEY_SECRET = "test-secret-不要外传"
    with time_machine.travel(row.next_attempt_at + dt.timedelta(seconds=1), tick=False):
        delivery.notifications_deliver_due()
        delivery.notifications_deliver_due()
    assert len(gateway.messages) == 1
    assert visitor_rows().get().sms_state == State.SENT


def test_a_gateway_outage_is_retried_and_the_message_goes_once(aliyun, opted_in):
    aliyun.failures = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        delivery.notifications_deliver_due()
    row = visitor_rows().get()
    assert row.sms_state == State.PENDING and row.attempts == 1
    with time_machine.travel(row.next_attempt_at, tick=False):
        delivery.notifications_deliver_due()
    with time_machine.travel(row.next_attempt_at + dt.timedelta(hours=1), tick=False):
        delivery.notifications_deliver_due()
    assert len(aliyun.messages) == 1


def test_the_same_message_is_written_once(aliyun, opted_in):
    with transaction.atomic():
        visitor_messages.tell_receipt(case=opted_in)
    delivery.notifications_deliver_due()
    assert visitor_rows().count() == 1
    assert len(aliyun.messages) == 1


def test_a_visitor_who_did_not_opt_in_gets_nothing(aliyun, make_case, work_calendar):
    make_case()
    delivery.notifications_deliver_due()
    assert visitor_rows().count() == 0
    assert aliyun.messages == []


def test_an_erased_visitor_gets_nothing_already_queued(aliyun, opted_in):
    assert visitor_rows().count() == 1  # the row is written; then retention erases
    with transaction.atomic():
        retention._visitor_erase(opted_in.visitor)
    delivery.notifications_deliver_due()
    assert aliyun.messages == []
    assert visitor_rows().get().sms_state == State.SKIPPED


def test_an_opt_out_after_intake_stops_what_is_queued(aliyun, opted_in):
    opted_in.contact.delete()
    delivery.notifications_deliver_due()
    assert aliyun.messages == []


def test_the_visitor_also_gets_an_email_when_they_gave_one(aliyun, make_case, work_calendar):
    case = make_case(notify_visitor=True, visitor_email="zhangsan@example.com")
    delivery.notifications_deliver_due()
    (email,) = [m for m in mail.outbox if m.to == ["zhangsan@example.com"]]
    assert case.number in email.subject
    assert case.query_code in email.body
    assert len(aliyun.messages) == 1


def test_the_console_backend_prints_the_message(settings, capsys, opted_in):
    settings.SMS_BACKEND = "console"
    with transaction.atomic():
        visitor_messages.tell_extension(case=opted_in, reason="需要教务处会签")
    delivery.notifications_deliver_due()
    out = capsys.readouterr().out
    assert "[SMS to 13812341234]" in out
    assert opted_in.number in out
    assert "需要教务处会签" in out


def test_no_backend_sends_no_sms_and_writes_no_row(settings, make_case, work_calendar):
    settings.SMS_BACKEND = ""
    make_case(notify_visitor=True)
    assert visitor_rows().count() == 0


def test_visitor_messages_are_not_in_any_staff_inbox(aliyun, opted_in, client, front_desk):
    client.force_login(front_desk)
    response = client.get("/notifications/")
    assert opted_in.query_code not in response.content.decode()
