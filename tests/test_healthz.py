"""/healthz: ok or failing per part, 503 only when the database fails (firstask/health.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from notifications.heartbeat import heartbeat_record
from notifications.models import Heartbeat
from tests.notifications.conftest import _free_port, broker_at  # noqa: F401 - a fixture
from tests.notifications.factories import notification

pytestmark = pytest.mark.django_db

PARTS = {"database", "cache", "broker", "beat", "worker", "outbox", "media"}


@pytest.fixture
def alive():
    heartbeat_record(name="beat")
    heartbeat_record(name="worker")


def test_all_parts_ok_answers_200_without_signing_in(client, alive):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", **dict.fromkeys(PARTS, "ok")}
    assert "no-cache" in response["Cache-Control"]


def test_it_says_nothing_beyond_ok_or_failing(client):
    body = client.get("/healthz").json()

    assert set(body) == PARTS | {"status"}
    assert set(body.values()) <= {"ok", "failing", "degraded"}


def test_without_heartbeats_beat_and_worker_fail_but_the_desk_is_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["beat"] == response.json()["worker"] == "failing"


def test_a_stale_heartbeat_fails(client, alive, settings):
    settings.HEALTH_STALE_SECONDS = 60
    Heartbeat.objects.filter(name="worker").update(at=timezone.now() - dt.timedelta(seconds=61))

    body = client.get("/healthz").json()

    assert (body["beat"], body["worker"]) == ("ok", "failing")


def test_a_notification_waiting_too_long_fails_the_outbox(client, alive, settings, front_desk):
    settings.HEALTH_STALE_SECONDS = 60
    row = notification(front_desk)
    row.next_attempt_at = timezone.now() - dt.timedelta(seconds=30)
    row.save(update_fields=["next_attempt_at"])
    assert client.get("/healthz").json()["outbox"] == "ok"

    row.next_attempt_at = timezone.now() - dt.timedelta(seconds=61)
    row.save(update_fields=["next_attempt_at"])
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["outbox"] == "failing"


def test_redis_down_fails_the_cache_but_not_the_answer(client, alive, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "firstask.cache.FallbackCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/0",  # nothing listens there
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["cache"] == "failing"
    assert response.json()["status"] == "degraded"


def test_broker_down_fails_the_broker_but_not_the_answer(client, alive, broker_at):  # noqa: F811
    broker_at(f"redis://127.0.0.1:{_free_port()}/0")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"] == "failing"


def test_only_get(client):
    assert client.post("/healthz").status_code == 405
