import pytest
from django.contrib.sessions.models import Session

from tests.notifications.factories import notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, front_desk):
    client.force_login(front_desk)
    return client


def test_inbox_lists_only_the_readers_notifications(signed_in, front_desk, colleague):
    notification(front_desk, texts={"zh-hans": {"subject": "我的通知", "body": "正文"}})
    notification(colleague, texts={"zh-hans": {"subject": "别人的通知", "body": "正文"}})

    body = signed_in.get("/notifications/").content.decode()

    assert "我的通知" in body
    assert "别人的通知" not in body


def test_inbox_shows_the_readers_language(signed_in, front_desk):
    notification(front_desk)
    signed_in.post("/i18n/setlang/", {"language": "en", "next": "/"})

    body = signed_in.get("/notifications/").content.decode()

    assert "English subject" in body
    assert "中文标题" not in body


def test_every_page_has_the_bell_that_loads_the_count(signed_in):
    body = signed_in.get("/").content.decode()

    assert 'id="notification-bell"' in body
    assert 'hx-get="/notifications/bell/"' in body
    assert "load, every 60s" in body


def test_bell_shows_the_unread_count_and_does_not_poll_load_again(signed_in, front_desk):
    notification(front_desk)
    notification(front_desk)
    notification(front_desk, read_at="2026-11-27T10:00:00+08:00")

    body = signed_in.get("/notifications/bell/").content.decode()

    assert 'data-unread="2"' in body
    assert "load," not in body  # the swapped-in bell must not fire `load` again


def test_bell_polling_does_not_keep_an_idle_session_alive(signed_in):
    signed_in.get("/")
    session = Session.objects.get()
    expiry = session.expire_date

    response = signed_in.get("/notifications/bell/")

    assert response.status_code == 200
    assert Session.objects.get().expire_date == expiry
    assert "sessionid" not in response.cookies


def test_bell_needs_a_login(client):
    response = client.get("/notifications/bell/")

    assert response.status_code == 302


def test_mark_read_by_post(signed_in, front_desk):
    row = notification(front_desk)

    response = signed_in.post(f"/notifications/{row.pk}/read/")

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.read_at is not None


def test_mark_read_with_htmx_returns_the_item_and_tells_the_bell(signed_in, front_desk):
    row = notification(front_desk)

    response = signed_in.post(f"/notifications/{row.pk}/read/", headers={"HX-Request": "true"})

    assert response["HX-Trigger"] == "notifications-changed"
    assert f'id="notification-{row.pk}"' in response.content.decode()
    assert 'data-unread="0"' in response.content.decode()


def test_open_marks_read_and_goes_to_the_object(signed_in, front_desk):
    row = notification(front_desk, url="/cases/SW-20261127-0001/")

    response = signed_in.post(
        f"/notifications/{row.pk}/read/", {"next": "/cases/SW-20261127-0001/"}
    )

    assert response["Location"] == "/cases/SW-20261127-0001/"


def test_open_refuses_a_foreign_next_address(signed_in, front_desk):
    row = notification(front_desk)

    response = signed_in.post(f"/notifications/{row.pk}/read/", {"next": "https://evil.example/"})

    assert response["Location"] == "/notifications/"


def test_mark_read_by_get_is_refused(signed_in, front_desk):
    row = notification(front_desk)

    response = signed_in.get(f"/notifications/{row.pk}/read/")

    assert response.status_code == 405
    row.refresh_from_db()
    assert row.read_at is None


def test_someone_elses_notification_is_a_404(signed_in, colleague):
    row = notification(colleague)

    response = signed_in.post(f"/notifications/{row.pk}/read/")

    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read(signed_in, front_desk):
    notification(front_desk)
    notification(front_desk)

    signed_in.post("/notifications/read-all/")

    assert not front_desk.notifications.filter(read_at__isnull=True).exists()


def test_email_can_be_turned_off_and_on(signed_in, front_desk):
    signed_in.post("/notifications/email/", {})
    front_desk.refresh_from_db()
    assert front_desk.email_notifications is False

    signed_in.post("/notifications/email/", {"enabled": "on"})
    front_desk.refresh_from_db()
    assert front_desk.email_notifications is True


def test_email_preference_by_get_is_refused(signed_in, front_desk):
    response = signed_in.get("/notifications/email/")

    assert response.status_code == 405
