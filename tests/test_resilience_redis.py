"""Redis is optional at run time: with the production setting (one REDIS_URL for cache and broker)
and a Redis of our own stopped under a running gunicorn, sign-in, the desk, intake, recording a
result and the public status lookup (throttle included) all work; once Redis is back, what the
cache wrote to PostgreSQL meanwhile moves to Redis and each queued notification goes out once.

Data is committed (``transaction=True``): the web server and the worker are other processes.
"""

from __future__ import annotations

import time

import pytest
import requests
from django.db import connection
from django.utils import timezone

from cases.models import Case
from notifications import delivery
from notifications.models import CacheEntry, Notification
from tests.live import Gunicorn, post_form, sign_in
from tests.notifications.conftest import (  # noqa: F401 - fixtures used below
    celery_worker_factory,
    private_redis,
    sent_mail_ids,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def web(private_redis, tmp_path):  # noqa: F811 - the imported fixture
    private_redis.start()
    db = connection.settings_dict
    server = Gunicorn(
        env={
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": private_redis.url,
            "CELERY_BROKER_URL": private_redis.url,
            "STATUS_MAX_FAILURES": "3",
        },
        log=tmp_path / "gunicorn.log",
    )
    server.start()
    yield server
    server.stop()


def _intake(category, department) -> dict[str, str]:
    return {
        "visit_time": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "visitor_name": "张三",
        "phone": "13812341234",
        "visitor_type": "student",
        "channel": "in_person",
        "category": str(category.pk),
        "subject": "证书补办",
        "question": "证书丢了怎么补办？",
        "outcome": "referral",
        "pending_reason": "other_department",
        "department": str(department.pk),
        "deadline_mode": "working_days",
        "working_days": "3",
    }


def _lookup(base: str, case: Case, code: str) -> requests.Response:
    anonymous = requests.Session()
    return post_form(anonymous, f"{base}/status/", {"number": case.number, "query_code": code})


def test_with_redis_stopped_the_desk_works_and_notices_go_out_once_it_is_back(
    web,
    private_redis,  # noqa: F811
    celery_worker_factory,  # noqa: F811
    make_case,
    front_desk,
    department,
    department_head,
    category,
    work_calendar,
):
    case = make_case(actor=front_desk)
    session, login = sign_in(web.url, front_desk.username)  # the session is kept in Redis
    assert login.status_code == 302
    assert session.get(f"{web.url}/", timeout=30).status_code == 200

    private_redis.stop()
    started = time.monotonic()

    assert session.get(f"{web.url}/", timeout=30).status_code == 200
    second, login = sign_in(web.url, front_desk.username)
    assert login.status_code == 302
    assert second.get(f"{web.url}/", timeout=30).status_code == 200
    intake = post_form(session, f"{web.url}/cases/new/", _intake(category, department))
    assert intake.status_code == 302
    result = post_form(
        session,
        f"{web.url}/cases/{case.number}/result/",
        {"result": "已办结", "how_given": "in_person", "version": str(case.version)},
        form_page=f"{web.url}/cases/{case.number}/",
    )
    assert result.status_code == 302
    found = _lookup(web.url, case, case.query_code)
    assert found.status_code == 200 and 'id="status-result"' in found.text
    # The throttle still counts (in PostgreSQL): three wrong codes lock the number.
    assert [_lookup(web.url, case, f"WRONG00{i}").status_code for i in range(3)] == [200] * 3
    assert _lookup(web.url, case, case.query_code).status_code == 429

    down_health = requests.get(f"{web.url}/healthz", timeout=30)

    assert time.monotonic() - started < 30  # a little slower, never stuck on a dead Redis
    assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_CONFIRMATION
    assert Case.objects.count() == 2
    assert CacheEntry.objects.exists()  # what Redis would have held
    pending = sorted(Notification.objects.filter(sent_at__isnull=True).values_list("pk", flat=True))
    assert Notification.objects.filter(pk__in=pending, kind="case_referred").exists()

    private_redis.start()
    # The next requests find Redis again and move the table's entries over to it.
    wait_for(
        lambda: (
            session.get(f"{web.url}/", timeout=30).status_code == 200
            and not CacheEntry.objects.exists()
        ),
        timeout=30,
        interval=1,
        message="the cache entries of the outage to move to Redis",
    )
    # The count moved too. A worker that met the outage skips Redis for REDIS_RETRY_SECONDS
    # (docs/redis.md), so it may read the emptied table for those few seconds.
    wait_for(
        lambda: _lookup(web.url, case, case.query_code).status_code == 429,
        timeout=30,
        interval=1,
        message="the status lookup's lock to hold again once Redis is back",
    )
    worker = celery_worker_factory(private_redis.url)
    worker.start()
    wait_for(
        lambda: not Notification.objects.filter(pk__in=pending, sent_at__isnull=True).exists(),
        timeout=120,
        interval=0.5,
        message="the notifications queued during the outage to be delivered",
    )
    # Beat's and the worker's heartbeats reach /healthz; while Redis was down it said so.
    health = lambda: requests.get(f"{web.url}/healthz", timeout=30).json()  # noqa: E731
    wait_for(lambda: health()["status"] == "ok", timeout=30, message="/healthz to say ok")
    worker.stop()

    assert down_health.status_code == 200
    assert (down_health.json()["cache"], down_health.json()["broker"]) == ("failing", "failing")
    assert down_health.json()["database"] == "ok"
    assert sorted(sent_mail_ids(celery_worker_factory.mail_dir)) == pending  # each exactly once
    assert delivery.notifications_deliver_due() == 0
