"""/metrics (firstask/metrics.py): who may scrape it, what it counts, and the request id and
JSON log lines (LOG_FORMAT=json)."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from notifications.models import Notification

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def samples(body: bytes) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_answers_localhost(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert ("firstask_database_up", ()) in samples(response.content)


def test_metrics_refuses_another_address(client):
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 403
    assert b"firstask" not in response.content


def test_metrics_answers_an_allowed_network(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_metrics_answers_the_bearer_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    ok = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert ok.status_code == 200


def test_metrics_refuses_a_wrong_token_even_from_localhost(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    wrong = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403


def test_request_latency_is_labelled_with_the_view_name(client, front_desk):
    client.force_login(front_desk)
    client.get("/cases/")
    found = samples(client.get("/metrics").content)
    key = (
        "firstask_request_duration_seconds_count",
        (("method", "GET"), ("status", "2xx"), ("view", "cases:list")),
    )
    assert found[key] >= 1


def test_overdue_and_open_cases_are_counted(client, make_case, work_calendar):
    from django.utils import timezone

    from cases.models import Case

    before = samples(client.get("/metrics").content)
    case = make_case()
    Case.objects.filter(pk=case.pk).update(overdue_flagged_at=timezone.now())
    found = samples(client.get("/metrics").content)
    assert found[("firstask_cases_overdue", ())] == before[("firstask_cases_overdue", ())] + 1
    status = (("status", case.status),)
    assert found[("firstask_cases_open", status)] == before[("firstask_cases_open", status)] + 1


def test_outbox_backlog_counts_unsent_notifications(client, front_desk):
    Notification.objects.create(
        recipient=front_desk,
        kind="test",
        object_type="case",
        object_id="1",
        email_state=Notification.State.PENDING,
        webhook_state=Notification.State.FAILED,
    )
    found = samples(client.get("/metrics").content)
    assert found[("firstask_outbox_backlog", (("channel", "email"), ("state", "pending")))] == 1
    assert found[("firstask_outbox_backlog", (("channel", "webhook"), ("state", "failed")))] == 1
    assert found[("firstask_outbox_backlog", (("channel", "email"), ("state", "failed")))] == 0


def test_celery_task_outcomes_are_counted(client):
    from notifications.tasks import deliver_due

    key = (
        "firstask_celery_tasks_total",
        (("outcome", "success"), ("task", "notifications.deliver_due")),
    )
    before = samples(client.get("/metrics").content).get(key, 0)
    deliver_due.apply()
    assert samples(client.get("/metrics").content)[key] == before + 1


def test_celery_queue_length_is_read_from_the_redis_broker(client, settings):
    import redis

    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    # A queue of this test's own: parallel workers share the Redis database and its "celery".
    settings.CELERY_TASK_DEFAULT_QUEUE = queue = f"metrics-test-{os.getpid()}"
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(queue)
    broker.rpush(queue, "a", "b")
    try:
        assert samples(client.get("/metrics").content)[("firstask_celery_queue_length", ())] == 2
    finally:
        broker.delete(queue)


def test_multiprocess_mode_sums_what_other_processes_counted(tmp_path):
    """Two processes count into PROMETHEUS_MULTIPROC_DIR; a third serves the sum."""
    script = (
        "import django; django.setup();"
        "from firstask.metrics import TASK_OUTCOMES;"
        "TASK_OUTCOMES.labels(task='t', outcome='success').inc()"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE":
           "firstask.settings"}  # fmt: skip
    for _ in range(2):
        subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=ROOT)
    served = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from firstask.metrics import "
         "exposition; import sys; sys.stdout.write(exposition().decode())"],
        env=env, check=True, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    found = samples(served.stdout.encode())
    assert found[("firstask_celery_tasks_total", (("outcome", "success"), ("task", "t")))] == 2


def test_a_well_formed_request_id_is_propagated(client):
    response = client.get("/status/", HTTP_X_REQUEST_ID="hotline-42.a")
    assert response["X-Request-ID"] == "hotline-42.a"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/status/", HTTP_X_REQUEST_ID="<script>" + "x" * 50)
    assert response["X-Request-ID"] != "<script>" + "x" * 50
    assert len(response["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id(client):
    from firstask.logjson import JsonFormatter

    handler = logging.handlers.BufferingHandler(capacity=1000)  # keeps what it is given
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-1")
    finally:
        logger.removeHandler(handler)
    line = json.loads(JsonFormatter().format(handler.buffer[-1]))
    assert line["request_id"] == "trace-1"
    assert line["status"] == 404 and line["level"] == "WARNING"


def test_log_format_json_configures_the_console_handler():
    env = {**os.environ, "LOG_FORMAT": "json"}
    script = (
        "import django, logging; django.setup();"
        "logging.getLogger('firstask.test').warning('你好 %s', 1)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env | {"DJANGO_SETTINGS_MODULE": "firstask.settings"},
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["message"] == "你好 1" and line["logger"] == "firstask.test"
