"""Signing without a staff session: the visitor's phone link and the counter kiosk."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case
from closure import kiosk as kiosks
from closure.models import Kiosk, ResultRound
from notifications.models import Notification
from tests.closure.factories import record_result, signature_data_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.SMS_BACKEND = "console"
    settings.SITE_URL = "https://desk.example.edu.cn"
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def phone_link(make_case, work_calendar):
    case = make_case(notify_visitor=True)
    record_result(case)
    row = Notification.objects.get(kind="visitor_result_ready")
    return case, row.params["link"].removeprefix("https://desk.example.edu.cn")


def answers(**extra):
    return {"rating": "5", "signature": signature_data_url(), "comment": "", **extra}


def test_the_visitor_signs_on_their_phone_and_the_case_closes(phone_link):
    case, link = phone_link
    client = Client()
    response = client.post(link, answers())
    assert response.status_code == 200
    assert "signed-outcome" in response.content.decode()
    assert "back-to-case" not in response.content.decode()  # no way into staff pages
    case.refresh_from_db()
    assert case.status in (Case.Status.CLOSED, Case.Status.ARCHIVED)
    round_ = ResultRound.objects.get(case=case)
    assert round_.confirmation_kind == ResultRound.Kind.SIGNED
    assert AuditEvent.objects.filter(action="closure.visitor_confirm", actor=None).exists()


def test_the_link_works_once(phone_link):
    _case, link = phone_link
    client = Client()
    client.post(link, answers())
    assert client.get(link).status_code == 410


def test_the_link_expires(phone_link, settings):
    _case, link = phone_link
    later = timezone.now() + dt.timedelta(hours=settings.CLOSURE_PHONE_SIGNING_HOURS, minutes=1)
    with time_machine.travel(later):
        assert Client().get(link).status_code == 410


def test_guessing_links_is_paused_per_address(phone_link, settings):
    _case, link = phone_link
    settings.CLOSURE_PHONE_SIGNING_MAX_FAILURES = 3
    client = Client()
    for attempt in range(3):
        assert client.get(f"/sign/guess-{attempt}/").status_code == 410
    assert client.get(link).status_code == 429


def test_a_refused_post_keeps_the_drawn_signature(phone_link):
    _case, link = phone_link
    drawn = signature_data_url()
    response = Client().post(link, {"signature": drawn, "comment": "很好"})  # no rating
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{drawn}"' in page
    assert "很好" in page


def test_a_dissatisfied_visitor_reopens_the_case_from_the_phone(phone_link):
    case, link = phone_link
    Client().post(link, answers(rating="1", reasons="没有解决"))
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.rework_count == 1


# --- kiosk ---


@pytest.fixture
def kiosk_client(front_desk):
    client = Client()
    client.force_login(front_desk)
    response = client.post("/kiosk/start/", {"name": "一号窗口"})
    assert response.status_code == 302 and response["Location"] == "/kiosk/"
    return client


def test_starting_a_kiosk_ends_the_staff_session(kiosk_client):
    assert "_auth_user_id" not in kiosk_client.session
    assert kiosk_client.session[kiosks.SESSION_KEY] == Kiosk.objects.get().pk
    assert kiosk_client.get("/kiosk/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/cases/", "/cases/new/", "/audit/", "/kiosk/start/"])
def test_a_kiosk_cannot_open_staff_pages(kiosk_client, path):
    response = kiosk_client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/kiosk/"


def test_a_kiosk_shows_only_what_is_handed_to_it(kiosk_client, make_case, work_calendar):
    case = make_case()
    round_ = record_result(case)
    assert kiosk_client.get("/kiosk/poll/").status_code == 204
    assert kiosk_client.get("/kiosk/sign/").status_code == 302

    staff = Client()
    staff.force_login(case.owner)
    kiosk = Kiosk.objects.get()
    assert staff.post(f"/cases/{case.number}/sign/kiosk/", {"kiosk": kiosk.pk}).status_code == 302
    assert kiosk_client.get("/kiosk/poll/")["HX-Redirect"] == "/kiosk/sign/"
    page = kiosk_client.get("/kiosk/sign/").content.decode()
    assert round_.result in page

    response = kiosk_client.post("/kiosk/sign/", answers())
    assert "back-to-kiosk" in response.content.decode()
    assert "back-to-case" not in response.content.decode()
    case.refresh_from_db()
    assert case.status in (Case.Status.CLOSED, Case.Status.ARCHIVED)
    assert kiosk_client.get(f"/cases/{case.number}/")["Location"] == "/kiosk/"
    assert kiosk_client.get("/kiosk/poll/").status_code == 204


def test_a_hand_off_expires(kiosk_client, make_case, work_calendar, settings):
    case = make_case()
    round_ = record_result(case)
    kiosks.kiosk_hand(case.owner, kiosk=Kiosk.objects.get(), round_=round_)
    later = timezone.now() + dt.timedelta(minutes=settings.CLOSURE_SIGNING_MINUTES + 1)
    with time_machine.travel(later):
        assert kiosk_client.post("/kiosk/sign/", answers()).status_code == 302
    assert ResultRound.objects.get(pk=round_.pk).state == ResultRound.State.PENDING


def test_only_the_owner_or_center_head_hands_a_round_to_a_kiosk(
    kiosk_client, make_case, work_calendar, colleague
):
    from cases.errors import NotAllowed

    round_ = record_result(make_case())
    with pytest.raises(NotAllowed):
        kiosks.kiosk_hand(colleague, kiosk=Kiosk.objects.get(), round_=round_)


def test_signing_in_again_ends_kiosk_mode(kiosk_client, front_desk):
    kiosk_client.force_login(front_desk)
    assert kiosk_client.get("/cases/").status_code == 200
    assert Kiosk.objects.get().ended_at is not None
    assert kiosks.SESSION_KEY not in kiosk_client.session


def test_an_auditor_cannot_start_a_kiosk(auditor):
    client = Client()
    client.force_login(auditor)
    assert client.post("/kiosk/start/", {"name": "x"}).status_code == 403
    assert not Kiosk.objects.exists()


def test_the_staff_screens_token_does_not_open_the_public_page(make_case, work_calendar):
    from closure import services

    case = make_case()
    token = services.signing_start(case.owner, round_=record_result(case))
    assert Client().get(f"/sign/{token}/").status_code == 410
