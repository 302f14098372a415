"""`make run` as a newcomer meets it: a clean copy of the project, no DATABASE_URL, no REDIS_URL.

One module-scoped demo serves every test here: the embedded PostgreSQL starts under the copy's
var/, the demo loads, Django serves with a Celery worker and beat on the database's own queue. The
crawl signs in as every demo role and follows every link it is shown; nothing may answer 5xx.
The copy shares the suite's virtualenv (installing it again would only measure PyPI).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

ROOT = Path(__file__).resolve().parent.parent
ROLES = ["qiantai", "jiaowu", "zhuren", "shenji", "admin"]
PASSWORD = "firstask-demo"  # the demo's published password
# Links not followed: they change state on GET by design (sign out, language) or are files/assets.
SKIP = re.compile(r"^/(static/|media/|accounts/logout|i18n/|admin/.+/(delete|history)/)")
PER_NAME = 3  # pages visited per URL name and role: enough to meet each kind of object
PER_ROLE = 300
# URL names no link leads to: what the crawl cannot reach by following what a page shows.
NOT_BY_LINK = {
    "accounts:csp_report": "the browser posts violation reports",
    "accounts:login": "the crawl signs in before it starts",
    "accounts:logout": "signing out ends the crawl",
    "set_language": "a POST from the language menu",
    "healthz": "read by load balancers and docker-compose's health check",
    "cases:status_token": "the QR link printed on the receipt, for the visitor",
    "cases:visitor_lookup": "htmx, fired while a phone number is typed",
    "closure:sign": "the one-time signing screen handed to the visitor",
    "closure:signed": "shown after the visitor signs",
    "closure:signature": "a signature image, shown only inside a signed round",
    "archive:export_detail": "exists once an export was started (POST)",
    "archive:export_download": "exists once an export was started (POST)",
    "archive:export_progress": "exists once an export was started (POST)",
    "supervision:complaint_thanks": "shown after a complaint is posted",
    "closure:decide": "the center head's POST on a closure awaiting approval, from its case page",
    "cases:attachment": "a visitor's document, listed only on a case given one (the demo has none)",
    "favicon": "browsers ask for /favicon.ico themselves; pages link the static icon",
    "api:case_detail": "called by other systems with a bearer token",
    "api:case_timeline": "called by other systems with a bearer token",
    "api:case_result": "called by other systems with a bearer token",
    "metrics": "scraped by Prometheus, not opened by people",
    "directory:oidc_start": "on the login page only while OpenID Connect is configured",
    "directory:oidc_callback": "the identity provider sends the browser here",
    "directory:import_confirm": "the confirm button of a dry run (POST)",
    "signing:phone": "the link in the visitor's result-ready SMS",
    "closure:kiosk_hand": "offered only while a kiosk is running",
    "cases:messages_stop": "offered only for a visitor who asked for messages at intake",
    "signing:kiosk": "only a kiosk's own session opens it",
    "signing:kiosk_poll": "htmx, polled by the kiosk's waiting screen",
    "signing:kiosk_sign": "only a kiosk's own session opens it",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_copy(target: Path) -> None:
    """The files a fresh clone would have: tracked plus new, never var/ or the venv."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            destination = target / name.decode()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def processes_under(path: Path) -> list[str]:
    """Command lines of live processes started from, or holding data in, `path`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(proc / "cwd")
            state = (proc / "stat").read_text().split()[2]
        except OSError:
            continue
        if state != "Z" and (str(path) in cmdline or cwd.startswith(str(path))):
            found.append(cmdline)
    return found


class Demo:
    def __init__(self, root: Path, port: int, log: Path) -> None:
        self.root, self.port, self.log = root, port, log
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_URL", "REDIS_URL", "CELERY_", "DJANGO_", "PYTEST"))
            and key not in {"SECRET_KEY", "SITE_URL", "DEBUG", "VAR_DIR", "EMAIL_URL"}
        }
        env["EMBEDDED_PG_PORT"] = str(free_port())
        self.process = subprocess.Popen(
            ["make", "run", f"PORT={self.port}"],
            cwd=self.root,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{self.base}/status/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(1)
        raise AssertionError("make run did not serve /status/:\n" + self.log.read_text()[-3000:])

    def stop(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise


class Visitor:
    """A signed-in browser without a browser: cookies, CSRF, and the status of every page."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def sign_in(self, username: str) -> None:
        _status, page = self.get("/accounts/login/")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, page[-2000:]
        form = {"csrfmiddlewaretoken": found.group(1), "username": username, "password": PASSWORD}
        request = urllib.request.Request(  # our own loopback server
            self.base + "/accounts/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": self.base + "/accounts/login/"},
        )
        with self.opener.open(request, timeout=60) as response:
            assert "/accounts/login/" not in response.url, f"{username} could not sign in"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = Path(tempfile.mkdtemp(prefix="firstask-run-"))
    root.chmod(0o755)  # the embedded server's user must reach root/var/pgdata
    clean_copy(root)
    (root / ".venv").symlink_to(ROOT / ".venv")
    demo = Demo(root, free_port(), tmp_path_factory.mktemp("make-run") / "make-run.log")
    try:
        demo.start()
        yield demo
    finally:
        if demo.process is not None and demo.process.poll() is None:
            demo.stop()
        leftovers = processes_under(root)
        shutil.rmtree(root, ignore_errors=True)
        assert not leftovers, f"left running after make run stopped: {leftovers}"


def test_the_center_head_opens_the_coordination_desk(demo):
    visitor = Visitor(demo.base)
    visitor.sign_in("zhuren")
    status, page = visitor.get("/handoffs/")
    assert status == 200
    assert "JB-" in page  # the demo's handoff forms are on the desk


def test_the_log_is_quiet_and_names_the_port_served(demo):
    visitor = Visitor(demo.base)
    visitor.sign_in("qiantai")
    assert visitor.get("/handoffs/")[0] == 403
    time.sleep(1)
    log = demo.log.read_text()
    assert f"firstask is starting on http://127.0.0.1:{demo.port}/" in log
    assert "Forbidden (Permission denied): /handoffs/" in log
    for noise in ("Traceback", "Warning", "database is locked", "sqlite", "DEBUG"):
        assert noise not in log, f"{noise!r} in the demo log:\n{log[-3000:]}"


def url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def crawl(visitor: Visitor, username: str, port: int, entry: list[str]) -> tuple[dict, list]:
    """Follow every link, form action and htmx URL the role is shown, from `entry`; return the
    URL names opened (with the keyword arguments met in their paths) and the failures."""
    reached: dict[str, list[dict]] = {}
    failures = []
    queue, seen, per_name = list(entry), set(entry), Counter[str]()
    while queue and sum(per_name.values()) < PER_ROLE:
        path = queue.pop(0)
        try:
            match = resolve(urllib.parse.urlsplit(path).path)
            name, kwargs = match.view_name, match.kwargs
        except Resolver404:
            name, kwargs = path, {}
        if per_name[name] >= PER_NAME:
            continue
        per_name[name] += 1
        status, page = visitor.get(path)
        if status >= 500:
            failures.append(f"{username} {path} {status}")
            continue
        reached.setdefault(name, []).append(kwargs)
        if port != 8000 and ":8000/" in page:
            failures.append(f"{username} {path} links to another port than the one served")
        for link in re.findall(r'(?:href|hx-get|hx-post|action)="(/[^"#]*)"', page):
            link = link.replace("&amp;", "&")
            if link not in seen and not SKIP.match(link):
                seen.add(link)
                queue.append(link)
    return reached, failures


def paths_for(name: str, met: list[dict]) -> list[str]:
    """URLs of `name` built from keyword arguments met elsewhere in the crawl (a case number,
    a round, an id), one per distinct fitting set."""
    paths = set()
    for kwargs in [{}, *met]:
        for candidate in [kwargs] + [{key: value} for key, value in kwargs.items()]:
            try:
                paths.add(reverse(name, kwargs=candidate))
            except NoReverseMatch:
                continue
    return sorted(paths)[:PER_NAME]


def test_every_page_every_role_can_reach_answers_without_a_server_error(demo):
    entry = ["/", reverse("cases:status"), reverse("supervision:complaint_public")]
    # Pages for integrators: the API's docs and schema, and its lists (401 without a token).
    entry += [reverse(f"api:{name}") for name in ("docs", "schema", "cases", "departments")]
    entry += [reverse("api:categories"), reverse("api:posts")]
    ours = {name for name in url_names() if not name.startswith("admin:")}
    reached: set[str] = set()
    failures = []
    visitors = {}
    met: list[dict] = []
    for username in ROLES:
        visitors[username] = Visitor(demo.base)
        visitors[username].sign_in(username)
        opened, failed = crawl(visitors[username], username, demo.port, entry)
        reached |= set(opened)
        failures += failed
        met += [kwargs for found in opened.values() for kwargs in found if kwargs]
    # What no link led to (actions shown only in some states, pages of one object): opened by
    # every role with the arguments the crawl met; a refusal is fine, a 5xx is not.
    for name in sorted(ours - reached - set(NOT_BY_LINK)):
        for path in paths_for(name, met):
            for username, visitor in visitors.items():
                status, _page = visitor.get(path)
                if status >= 500:
                    failures.append(f"{username} {path} {status}")
                else:
                    reached.add(name)
    assert not failures, failures
    # Every URL name was opened, except those listed in NOT_BY_LINK with the reason.
    assert ours - reached - set(NOT_BY_LINK) == set()
