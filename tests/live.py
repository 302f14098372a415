"""A real web server for the resilience tests: gunicorn with two sync workers in its own process
group, and a signed-in HTTP session against it."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

from tests.notifications.conftest import ROOT, _free_port, wait_for

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's


class Gunicorn:
    def __init__(self, *, env: dict[str, str], log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings_live",
            "SECRET_KEY": "live-test-key",
            "DEBUG": "0",
            "HTTPS": "0",
            "SECURE_COOKIES": "0",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            *(sys.executable, "-m", "gunicorn", "firstask.wsgi"),
            *("--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "30"),
            *("--graceful-timeout", "2", "--error-logfile", "-"),
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # our interpreter, fixed arguments
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        wait_for(self._answers, timeout=60, message="gunicorn")

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/accounts/login/", timeout=20).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)  # gunicorn's quick shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.process = None


def csrf_token(response: requests.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert found, response.text[-2000:]
    return found.group(1)


def post_form(session: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    """GET the page for its CSRF token, then POST ``data`` to ``url`` (the same page unless
    ``form_page`` is given)."""
    page = session.get(kwargs.pop("form_page", url), timeout=30)
    return session.post(
        url,
        {"csrfmiddlewaretoken": csrf_token(page), **data},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=30,
    )


def sign_in(base: str, username: str) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    response = post_form(
        session, f"{base}/accounts/login/", {"username": username, "password": PASSWORD}
    )
    return session, response


class PrivatePostgres:
    """A PostgreSQL 15 cluster of our own (initdb in a temporary directory, its own port), run
    as the ``postgres`` user, so a test can restart and stop it under a running server."""

    BIN = Path("/usr/lib/postgresql/15/bin")

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="firstask-pg-"))
        shutil.chown(self.dir, user="postgres")
        self.port = _free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/firstask"

    def _run(self, program: str, *args: str) -> None:
        # Output to a file, never a pipe: the server would inherit the pipe and hold it open.
        command = ["runuser", "-u", "postgres", "--", str(self.BIN / program), *args]
        with (self.dir / "ctl.log").open("ab") as log:
            subprocess.run(command, check=True, stdout=log, stderr=log, timeout=60)

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        data, log = str(self.dir / "data"), str(self.dir / "server.log")
        self._run("pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-m", "fast", action)

    def create(self) -> None:
        self._run("initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres", "-N")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "firstask")

    def restart(self) -> None:
        self._ctl("restart")

    def stop(self) -> None:
        self._ctl("stop")

    def start(self) -> None:
        self._ctl("start")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def manage(*args: str, env: dict[str, str]) -> str:
    """Run ``manage.py`` with the given environment; returns its output."""
    done = subprocess.run(  # our interpreter, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "live-test-key", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout
