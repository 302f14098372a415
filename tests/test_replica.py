"""Reads from a real streaming replica (firstask/db_router.py).

Two PostgreSQL 18 clusters of our own from the embedded package (bin/pgembed.py): a primary,
and a hot standby made from it with ``pg_basebackup -R``, each on a free port, set up once for
this module and removed after. gunicorn runs with DATABASE_URL on the primary and
DATABASE_REPLICA_URL on the standby. That a page was read from the standby is shown by pausing
its replay (``pg_wal_replay_pause()``): a case registered meanwhile is on the primary only.

Marked ``replica``: ``make test`` runs them; ``-m "not replica"`` leaves them (and the two
clusters) out.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests
from django.utils import timezone

from firstask.db_router import STICKY_COOKIE
from tests.live import Gunicorn, manage, post_form, sign_in
from tests.notifications.conftest import ROOT, _free_port, wait_for

pytestmark = pytest.mark.replica

STICKY_SECONDS = 4
SETUP = """
import json
from django.core.management import call_command
call_command('migrate', interactive=False, verbosity=0)
call_command('load_calendar', verbosity=0)
from tests.factories import CategoryFactory, DepartmentFactory, UserFactory
department = DepartmentFactory.create(code='JW', name='教务处')
department.head = UserFactory.create(username='jiaowu', name='王建国', department=department,
                              roles=['staff', 'department_head'])
department.save()
own = DepartmentFactory.create(code='CW', name='财务室')
UserFactory.create(username='qiantai', name='陈晓燕', department=own, roles=['staff'])
head = UserFactory.create(username='zhuren', name='刘志明', department=None,
                   roles=['staff', 'center_head'])
category = CategoryFactory.create(code='JX', name='教学与课程')
from api.services import api_token_create
_, token = api_token_create(None, user=head, name='replica test', scopes=['cases:read'])
print(json.dumps({'category': category.pk, 'department': department.pk, 'token': token}))
"""


def _pgembed():
    spec = importlib.util.spec_from_file_location("pgembed", ROOT / "bin" / "pgembed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Clusters:
    """A primary and its streaming standby, both from the embedded PostgreSQL's binaries (so
    pg_basebackup and the servers are one version), owned by its unprivileged user as root."""

    def __init__(self) -> None:
        self.pg = _pgembed()
        self.dir = Path(tempfile.mkdtemp(prefix="firstask-replica-"))
        owner = self.pg._owner()
        if owner is not None:
            shutil.chown(self.dir, owner.pw_uid, owner.pw_gid)
        self.primary, self.standby = self.dir / "primary", self.dir / "standby"
        self.primary_port, self.standby_port = _free_port(), _free_port()
        self.primary_url = self.pg.url(self.primary_port, "firstask")
        self.standby_url = self.pg.url(self.standby_port, "firstask")

    def create(self) -> None:
        self.pg._initdb(self.primary, self.primary_port)
        self._configure(
            self.primary,
            self.primary_port,
            "wal_level = replica\nmax_wal_senders = 4\nshared_buffers = '32MB'\nfsync = off\n",
        )
        with open(self.primary / "pg_hba.conf", "a", encoding="utf-8") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        self.pg.start(self.primary, self.primary_port, "firstask")
        backup = [
            *("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres"),
            *("-D", str(self.standby), "-R", "-X", "stream", "-c", "fast"),
        ]
        self.pg._run(backup)
        self._configure(self.standby, self.standby_port, "")
        self.start_standby()

    @staticmethod
    def _configure(data: Path, port: int, extra: str) -> None:
        # Later lines win: the copy made by pg_basebackup names the primary's port and socket.
        conf = f"port = {port}\nunix_socket_directories = '{data}'\n{extra}"
        with open(data / "postgresql.auto.conf", "a", encoding="utf-8") as auto:
            auto.write(conf)

    def start_standby(self) -> None:
        self.pg.start(self.standby, self.standby_port, "firstask")

    def stop_standby(self) -> None:
        self.pg.stop(self.standby)

    def sql(self, url: str, query: str) -> object:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            row = conn.execute(query).fetchone()
        return row[0] if row else None

    def caught_up(self) -> None:
        """Wait until the standby has replayed all the primary has written."""
        target = self.sql(self.primary_url, "SELECT pg_current_wal_lsn()::text")
        query = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        wait_for(lambda: self.sql(self.standby_url, query), timeout=60, message="replay")

    def pause(self) -> None:
        """Stop the standby's replay just after it replayed a commit made now, so that its lag
        (the age of its last replayed commit, once WAL waits) starts from now."""
        self.sql(self.primary_url, "SELECT pg_current_xact_id()")
        self.caught_up()
        self.sql(self.standby_url, "SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        self.sql(self.standby_url, "SELECT pg_wal_replay_resume()")

    def remove(self) -> None:
        for data in (self.standby, self.primary):
            if (data / "PG_VERSION").exists():
                self.pg.stop(data)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def clusters() -> Iterator[Clusters]:
    pair = Clusters()
    try:
        pair.create()
        output = manage(
            "shell", "-c", SETUP, env={"DATABASE_URL": pair.primary_url, "REDIS_URL": ""}
        )
        pair.ids = json.loads(output.splitlines()[-1])  # type: ignore[attr-defined]
        pair.caught_up()
        yield pair
    finally:
        pair.remove()


def _server(clusters: Clusters, log: Path, **settings: str) -> Gunicorn:
    # No Redis: the cache and sessions are tables of the primary, so the two clusters are the
    # only servers here.
    server = Gunicorn(
        env={
            "DATABASE_URL": clusters.primary_url,
            "DATABASE_REPLICA_URL": clusters.standby_url,
            "REDIS_URL": "",
            "CONN_MAX_AGE": "600",
            "REPLICA_STICKY_SECONDS": str(STICKY_SECONDS),
            "REPLICA_RETRY_SECONDS": "1",
            **settings,
        },
        log=log,
    )
    server.start()
    return server


@pytest.fixture(scope="module")
def web(clusters, tmp_path_factory) -> Iterator[Gunicorn]:
    """Lag never skips the standby here, so a paused replay shows which server a page read."""
    server = _server(
        clusters,
        tmp_path_factory.mktemp("gunicorn") / "gunicorn.log",
        REPLICA_MAX_LAG_SECONDS="3600",
        REPLICA_CHECK_SECONDS="30",
    )
    yield server
    server.stop()


def _session(web: Gunicorn, username: str) -> requests.Session:
    session, login = sign_in(web.url, username)
    assert login.status_code == 302
    # Signing in is a write: forget its "read from the primary" window (tested on its own).
    del session.cookies[STICKY_COOKIE]
    return session


def _register(web: Gunicorn, session: requests.Session, clusters: Clusters) -> str:
    """The front desk registers a case (a POST), which is on the primary only while paused."""
    intake = {
        "visit_time": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "visitor_name": "张三",
        "phone": "13812341234",
        "visitor_type": "student",
        "channel": "in_person",
        "category": str(clusters.ids["category"]),  # type: ignore[attr-defined]
        "subject": "证书补办",
        "question": "证书丢了怎么补办？",
        "outcome": "referral",
        "pending_reason": "other_department",
        "department": str(clusters.ids["department"]),  # type: ignore[attr-defined]
        "deadline_mode": "working_days",
        "working_days": "3",
    }
    response = post_form(session, f"{web.url}/cases/new/", intake)
    assert response.status_code == 302, response.text[-2000:]
    number = re.search(r"SW-\d{8}-\d+", response.headers["Location"])
    assert number, response.headers["Location"]
    return number.group(0)


def _get(session: requests.Session, url: str) -> requests.Response:
    return session.get(url, timeout=30, allow_redirects=False)


def _api(web: Gunicorn, clusters: Clusters) -> requests.Response:
    token = clusters.ids["token"]  # type: ignore[attr-defined]
    return requests.get(
        f"{web.url}/api/v1/cases/", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def test_the_case_list_and_the_api_list_read_from_the_replica(web, clusters):
    assert requests.get(f"{web.url}/healthz", timeout=30).json()["replica"] == "ok"
    head = _session(web, "zhuren")
    desk = _session(web, "qiantai")
    clusters.pause()
    try:
        number = _register(web, desk, clusters)

        listed = _get(head, f"{web.url}/cases/")
        api = _api(web, clusters)
        case_page = _get(head, f"{web.url}/cases/{number}/")  # not a replica page
    finally:
        clusters.resume()

    assert listed.status_code == api.status_code == case_page.status_code == 200
    assert number not in listed.text
    assert number not in api.text and "results" in api.json()
    assert number in case_page.text
    clusters.caught_up()
    assert number in _get(head, f"{web.url}/cases/").text


def test_who_just_wrote_reads_from_the_primary_for_the_sticky_window(web, clusters):
    desk = _session(web, "qiantai")
    clusters.pause()
    try:
        number = _register(web, desk, clusters)
        posted = time.monotonic()
        within = _get(desk, f"{web.url}/cases/")
        within_seconds = time.monotonic() - posted
        time.sleep(STICKY_SECONDS + 0.5)
        after = _get(desk, f"{web.url}/cases/")
    finally:
        clusters.resume()

    assert within_seconds < STICKY_SECONDS
    assert within.status_code == after.status_code == 200
    assert number in within.text
    assert number not in after.text  # the window is over: the paused replica again


def test_with_the_replica_stopped_the_pages_answer_from_the_primary(web, clusters):
    head = _session(web, "zhuren")
    desk = _session(web, "qiantai")
    # Both workers have read from the replica, and keep a connection to it.
    assert [_get(head, f"{web.url}/cases/").status_code for _ in range(4)] == [200] * 4
    clusters.pause()
    number = _register(web, desk, clusters)
    clusters.stop_standby()
    try:
        listed = [_get(head, f"{web.url}/cases/") for _ in range(4)]
        api = _api(web, clusters)
        kpis = _get(head, f"{web.url}/supervision/kpis/")
        health = requests.get(f"{web.url}/healthz", timeout=30)
    finally:
        clusters.start_standby()  # replay resumes on start

    assert [response.status_code for response in listed] == [200] * 4
    assert all(number in response.text for response in listed)
    assert api.status_code == 200 and number in api.text
    assert kpis.status_code == 200
    assert health.status_code == 200 and health.json()["replica"] == "failing"
    assert "read replica down, reading from the primary" in web.log.read_text()
    clusters.caught_up()
    time.sleep(1.5)  # REPLICA_RETRY_SECONDS: the replica is asked again
    assert _get(head, f"{web.url}/cases/").status_code == 200


def test_a_replica_lagging_past_the_limit_is_skipped(clusters, tmp_path):
    max_lag = 8
    server = _server(
        clusters,
        tmp_path / "gunicorn.log",
        REPLICA_MAX_LAG_SECONDS=str(max_lag),
        REPLICA_CHECK_SECONDS="0",
    )
    try:
        head = _session(server, "zhuren")
        desk = _session(server, "qiantai")
        paused = time.monotonic()  # the last commit the replica replays is made just after
        clusters.pause()
        try:
            number = _register(server, desk, clusters)
            behind = _get(head, f"{server.url}/cases/")
            behind_seconds = time.monotonic() - paused
            wait_for(
                lambda: number in _get(head, f"{server.url}/cases/").text,
                timeout=60,
                interval=0.5,
                message="the list read from the primary",
            )
            skipped_after = time.monotonic() - paused
        finally:
            clusters.resume()
    finally:
        server.stop()

    # Still within the limit (the lag is at most the time since `paused`): the paused replica.
    assert behind_seconds < max_lag
    assert behind.status_code == 200 and number not in behind.text
    assert skipped_after >= max_lag - 0.5  # skipped only once the limit was past
    assert "read replica lagging" in (tmp_path / "gunicorn.log").read_text()
