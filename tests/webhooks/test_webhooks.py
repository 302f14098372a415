"""Outgoing webhooks against a real loopback HTTP server: rows written with the change, signed
POSTs, retries with backoff after a 5xx, a slow endpoint that never holds up a request."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

import pytest
from django.utils import timezone

from tests.api.test_matrix import intake
from webhooks.delivery import deliveries_send_due, delivery_send
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


def test_a_new_case_queues_one_delivery_per_subscribed_endpoint(make_case, endpoint, receiver):
    Endpoint.objects.create(name="off", url=receiver.url, events=["case.created"], is_active=False)
    Endpoint.objects.create(name="only closed", url=receiver.url, events=["case.closed"])
    case = make_case()
    rows = list(Delivery.objects.all())
    assert [(row.endpoint, row.event, row.case_number) for row in rows] == [
        (endpoint, "case.created", case.number)
    ]
    assert rows[0].state == "pending" and receiver.calls == []  # nothing sent inside the change


def test_the_delivery_is_signed_over_timestamp_and_body(make_case, endpoint, receiver):
    case = make_case(visitor_name="张三丰", phone="13812341234")
    assert deliveries_send_due() == 1
    ((headers, body),) = receiver.calls
    row = Delivery.objects.get()
    timestamp = headers["X-Firstask-Timestamp"]
    expected = hmac.new(endpoint.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert headers["X-Firstask-Signature"] == "sha256=" + expected.hexdigest()
    assert abs(int(timestamp) - time.time()) < 60
    assert headers["X-Firstask-Event"] == "case.created"
    assert headers["X-Firstask-Delivery"] == str(row.uuid)
    payload = json.loads(body)
    assert payload["id"] == str(row.uuid) and payload["case"]["number"] == case.number
    assert "张三丰" not in body.decode() and "13812341234" not in body.decode()
    assert (row.state, row.attempts, row.last_status) == ("sent", 1, 200)


def test_another_secret_does_not_verify(make_case, endpoint, receiver):
    make_case()
    deliveries_send_due()
    ((headers, body),) = receiver.calls
    forged = hmac.new(
        b"guess", headers["X-Firstask-Timestamp"].encode() + b"." + body, hashlib.sha256
    )
    assert headers["X-Firstask-Signature"] != "sha256=" + forged.hexdigest()


def test_a_500_is_retried_with_backoff_and_then_sent(make_case, endpoint, receiver, settings):
    settings.WEBHOOK_RETRY_SECONDS = 60
    receiver.statuses = [500, 200]
    make_case()
    now = timezone.now()
    assert deliveries_send_due(now=now) == 0
    row = Delivery.objects.get()
    assert (row.state, row.attempts, row.last_status, row.last_error) == (
        "pending",
        1,
        500,
        "HTTP 500",
    )
    assert row.next_attempt_at == now + dt.timedelta(seconds=60)
    assert deliveries_send_due(now=now + dt.timedelta(seconds=30)) == 0  # not due yet
    assert len(receiver.calls) == 1
    assert deliveries_send_due(now=now + dt.timedelta(seconds=61)) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_status) == ("sent", 2, 200)
    assert (
        receiver.calls[0][0]["X-Firstask-Delivery"] == receiver.calls[1][0]["X-Firstask-Delivery"]
    )
    assert receiver.calls[0][1] == receiver.calls[1][1]  # the same body, signed again


def test_the_backoff_doubles(make_case, endpoint, receiver, settings):
    settings.WEBHOOK_RETRY_SECONDS = 10
    receiver.statuses = [503]
    make_case()
    row = Delivery.objects.get()
    now = timezone.now()
    gaps = []
    for _ in range(3):
        delivery_send(delivery_id=row.pk, now=now)
        row.refresh_from_db()
        assert row.next_attempt_at is not None
        gaps.append((row.next_attempt_at - now).total_seconds())
        now = row.next_attempt_at
    assert gaps == [10, 20, 40]


def test_a_delivery_is_given_up_after_the_last_attempt(make_case, endpoint, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.statuses = [500]
    make_case()
    row = Delivery.objects.get()
    delivery_send(delivery_id=row.pk, now=timezone.now())
    delivery_send(delivery_id=row.pk, now=timezone.now() + dt.timedelta(hours=1))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", 2, None)


def test_a_redirect_is_not_followed(make_case, endpoint, receiver):
    receiver.statuses = [302]
    make_case()
    deliveries_send_due()
    row = Delivery.objects.get()
    assert (row.state, row.last_status) == ("pending", 302) and len(receiver.calls) == 1


def test_a_slow_endpoint_times_out_and_is_retried(make_case, endpoint, receiver, settings):
    settings.WEBHOOK_TIMEOUT = 0.3
    receiver.delay = 3
    make_case()
    started = time.monotonic()
    assert deliveries_send_due() == 0
    assert time.monotonic() - started < 2
    row = Delivery.objects.get()
    assert row.state == "pending" and "timed out" in row.last_error and row.next_attempt_at


def test_a_slow_endpoint_never_holds_up_an_api_request(
    api, front_desk, category, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.delay = 5
    client = api(front_desk, scopes=["cases:write"])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):  # the after-commit queueing runs
        response = client.post("/api/v1/cases/", intake(category), format="json")
    assert response.status_code == 201
    assert time.monotonic() - started < 3
    assert receiver.calls == []  # sent by a worker, not by the request
    assert Delivery.objects.get().state == "pending"


def test_an_answer_on_the_spot_tells_created_and_closed(make_case, endpoint):
    make_case(outcome="on_the_spot", answer="已答复", confirmation_note="满意")
    assert sorted(Delivery.objects.values_list("event", flat=True)) == [
        "case.closed",
        "case.created",
    ]


def test_archiving_tells_archived(make_case, endpoint):
    from archive.services import case_archive

    case = make_case(outcome="on_the_spot", answer="已答复", confirmation_note="满意")
    case_archive(None, case=case)
    assert Delivery.objects.filter(event="case.archived", case_number=case.number).count() == 1


def test_the_overdue_scan_tells_overdue_once_per_deadline(make_case, endpoint):
    from cases import overdue

    case = make_case()
    later = case.deadline + dt.timedelta(minutes=1)
    assert overdue.flag_overdue(now=later)["case"] == 1
    assert overdue.flag_overdue(now=later + dt.timedelta(hours=1))["case"] == 0
    row = Delivery.objects.get(event="case.overdue")
    assert row.once_key == f"{case.number}#{case.deadline_version}"
    assert row.payload["occurred_at"] == later.isoformat()
    assert case.events.filter(kind="overdue_flagged").count() == 1  # the scan's own work kept


def test_a_rolled_back_change_tells_nobody(make_case, endpoint, front_desk, category):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        make_case()
        raise RuntimeError
    assert not Delivery.objects.exists()


def test_the_delivery_log_is_in_the_admin(client, make_case, endpoint, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-1-root-pw")
    make_case()
    client.force_login(admin)
    page = client.get("/admin/webhooks/delivery/")
    assert page.status_code == 200 and "case.created" in page.content.decode()
    response = client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "name": "website",
            "url": "https://example.org/hook",
            "events": ["case.closed"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    added = Endpoint.objects.get(name="website")
    assert added.events == ["case.closed"] and len(added.secret) == 64


def test_an_endpoint_turned_off_is_not_called(make_case, endpoint, receiver):
    make_case()
    Endpoint.objects.update(is_active=False)
    assert deliveries_send_due() == 0
    assert receiver.calls == []
    assert Delivery.objects.get().state == "failed"


def test_the_task_sends_what_is_due(make_case, endpoint, receiver):
    from webhooks.tasks import deliver_due

    make_case()
    assert deliver_due.apply().get() == 1
    assert len(receiver.calls) == 1


def test_the_sweep_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["webhooks-sweep"]
    assert entry["task"] == "webhooks.deliver_due"
    assert entry["schedule"] == settings.WEBHOOK_SWEEP_SECONDS
