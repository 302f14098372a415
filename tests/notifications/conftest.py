"""Fixtures for the background-work tests: a private Redis, the web process's broker, a real
Celery worker subprocess and a loopback chat-robot server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def free_port():
    return _free_port


def wait_for(predicate, *, timeout: float, interval: float = 0.2, message: str = ""):
    """Poll until ``predicate()`` is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message or predicate}")
        time.sleep(interval)


class PrivateRedis:
    """A redis-server of our own on a spare port, so a test can stop and start the broker."""

    def __init__(self, directory: Path):
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=10, message="redis-server")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *args: str) -> bytes:
        parts = [f"${len(a.encode())}\r\n{a}\r\n" for a in args]
        payload = f"*{len(args)}\r\n{''.join(parts)}".encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(payload)
            return sock.recv(4096)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path)
    yield redis
    redis.stop()


@pytest.fixture
def broker_at():
    """Point this (web) process's Celery app at another broker for the test, then restore it.
    The app reads its configuration once, so the settings fixture cannot reach it."""
    from firstask.celery import app

    original = app.conf.broker_url

    def switch(url: str) -> None:
        from kombu import pools

        app.pool.force_close_all()
        # kombu keeps one pool per connection URL process-wide: without a reset, switching
        # back hands later tests the closed pool ("Acquire on closed pool").
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None
        app.conf.broker_url = url

    yield switch
    switch(original)


class Worker:
    """`celery -A firstask worker -B` in its own process group, on the test database."""

    def __init__(self, *, broker_url: str, mail_dir: Path, schedule: Path, log: Path):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": broker_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute path
            "NOTIFY_SWEEP_SECONDS": "2",
            "SECRET_KEY": "worker-test-key",
            "DEBUG": "0",
            "PYTHONUNBUFFERED": "1",
        }
        self.schedule = schedule
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "firstask",
            "worker",
            "-B",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--schedule",
            str(self.schedule),
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # our interpreter, fixed arguments
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )

    def kill(self) -> None:
        """SIGKILL the whole group (worker and its embedded beat): a crash, no clean-up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class WorkerFactory:
    """Starts workers that share one mail directory and one log; call it with a broker URL."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.log = tmp_path / "worker.log"
        self.workers: list[Worker] = []

    def __call__(self, broker_url: str) -> Worker:
        worker = Worker(
            broker_url=broker_url,
            mail_dir=self.mail_dir,
            schedule=self.tmp_path / f"beat-{len(self.workers)}",
            log=self.log,
        )
        self.workers.append(worker)
        return worker


@pytest.fixture
def celery_worker_factory(tmp_path: Path) -> Iterator[WorkerFactory]:
    make = WorkerFactory(tmp_path)
    yield make
    for worker in make.workers:
        worker.stop()


def sent_mail_ids(mail_dir: Path) -> list[int]:
    """Notification ids of every e-mail the worker wrote (one header per message)."""
    ids = []
    for path in mail_dir.iterdir():
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("X-Firstask-Notification:"):
                ids.append(int(line.split(":", 1)[1]))
    return ids


class Robot:
    """A loopback chat-robot endpoint: records posts, fails the first ``failures`` of them."""

    def __init__(self):
        self.posts: list[dict] = []
        self.paths: list[str] = []
        self.failures = 0
        self.answer = {"errcode": 0, "errmsg": "ok"}
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.posts.append(json.loads(body))
                robot.paths.append(self.path)
                if robot.failures:
                    robot.failures -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                data = json.dumps(robot.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=k"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot(settings):
    server = Robot()
    settings.NOTIFY_WEBHOOK_URL = server.url
    yield server
    server.close()


@pytest.fixture
def aliyun(settings):
    from tests.notifications.sms_gateways import AliyunGateway, configure

    gateway = AliyunGateway()
    configure(settings, "aliyun", gateway)
    yield gateway
    gateway.close()


@pytest.fixture
def tencent(settings):
    from tests.notifications.sms_gateways import TencentGateway, configure

    gateway = TencentGateway()
    configure(settings, "tencent", gateway)
    yield gateway
    gateway.close()
