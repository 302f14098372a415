"""A restarted PostgreSQL costs no request; a database that is down answers 503, not 500.

A cluster of our own under gunicorn (two sync workers, persistent connections): each worker
holds a connection from before the restart, which the health check replaces before reuse.
"""

from __future__ import annotations

import pytest
import requests
from psycopg import sql

from firstask.sql import db_table, render
from tests.live import Gunicorn, PrivatePostgres, manage, sign_in

USER = "qiantai"
# One process for both (each start of Django costs seconds on a busy machine).
MIGRATE_AND_MAKE_USER = (
    "from django.core.management import call_command; "
    "call_command('migrate', interactive=False, verbosity=0); "
    "from tests.factories import UserFactory; "
    f"UserFactory.create(username={USER!r}, name='陈晓燕', roles=['staff'])"
)


@pytest.fixture(scope="module")
def cluster():
    postgres = PrivatePostgres()
    try:
        postgres.create()
        env = {"DATABASE_URL": postgres.url, "REDIS_URL": ""}
        manage("shell", "-c", MIGRATE_AND_MAKE_USER, env=env)
        yield postgres
    finally:
        postgres.remove()


@pytest.fixture(scope="module")
def web(cluster, tmp_path_factory):
    # No Redis: the cache is the cluster's own table, so the database is the only server here.
    server = Gunicorn(
        env={"DATABASE_URL": cluster.url, "REDIS_URL": "", "CONN_MAX_AGE": "600"},
        log=tmp_path_factory.mktemp("gunicorn") / "gunicorn.log",
    )
    server.start()
    yield server
    server.stop()


def _statuses(session: requests.Session, url: str, times: int) -> list[int]:
    return [session.get(url, timeout=30, allow_redirects=False).status_code for _ in range(times)]


def test_a_restarted_database_costs_no_request(web, cluster):
    session, login = sign_in(web.url, USER)
    assert login.status_code == 302
    assert _statuses(session, f"{web.url}/", 6) == [200] * 6  # both workers hold a connection

    cluster.restart()

    after = _statuses(session, f"{web.url}/", 12) + _statuses(session, f"{web.url}/cases/", 4)
    assert after == [200] * 16


def test_a_database_that_is_down_answers_503_with_retry_after(web, cluster):
    session, login = sign_in(web.url, USER)
    assert login.status_code == 302

    cluster.stop()
    try:
        desk = session.get(f"{web.url}/", timeout=30, headers={"Accept-Language": "en"})
        chinese = session.get(f"{web.url}/cases/", timeout=30)
        _, signing_in = sign_in(web.url, USER)
        health = requests.get(f"{web.url}/healthz", timeout=30)
    finally:
        cluster.start()

    assert desk.status_code == chinese.status_code == signing_in.status_code == 503
    assert desk.headers["Retry-After"] == "10"
    assert "The desk is briefly unavailable" in desk.text
    assert "Nothing of this request was saved" in desk.text
    assert "系统暂时无法使用" in chinese.text
    assert health.status_code == 503
    assert health.json()["database"] == "failing"
    assert health.json()["status"] == "failing"
    # Back up: the same session works again, no restart of the web server needed.
    assert _statuses(session, f"{web.url}/", 4) == [200] * 4


@pytest.mark.django_db(transaction=True)
def test_a_database_error_mid_intake_answers_503_and_leaves_nothing_half_written(
    client, front_desk, department, department_head, category, work_calendar
):
    """The audit table is locked by another session, so the intake's audit insert — after the
    visitor, the case and its timeline are written — fails as a lost database would."""
    import threading

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from audit.models import AuditEvent
    from cases.models import Case, CaseEvent, Visitor
    from notifications.models import Notification

    holding, release = threading.Event(), threading.Event()

    def hold_the_audit_table() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                lock = sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                    db_table(AuditEvent)
                )
                cursor.execute(render(lock))
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    counts = (Visitor.objects.count(), AuditEvent.objects.count())
    blocker = threading.Thread(target=hold_the_audit_table, daemon=True)
    blocker.start()
    assert holding.wait(timeout=10)
    client.force_login(front_desk)
    client.raise_request_exception = False
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/cases/new/",
                {
                    "visit_time": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                    "visitor_name": "张三",
                    "phone": "13812341234",
                    "visitor_type": "student",
                    "channel": "in_person",
                    "category": category.pk,
                    "subject": "证书补办",
                    "question": "证书丢了怎么补办？",
                    "outcome": "referral",
                    "department": department.pk,
                    "deadline_mode": "working_days",
                    "working_days": "3",
                    "pending_reason": "other_department",
                },
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        release.set()
        blocker.join(timeout=10)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    written = " ".join(query["sql"] for query in queries.captured_queries)
    assert 'INSERT INTO "cases_case"' in written  # the case was written, then rolled back
    assert Case.objects.count() == CaseEvent.objects.count() == Notification.objects.count() == 0
    assert (Visitor.objects.count(), AuditEvent.objects.count()) == counts
