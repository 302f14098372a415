from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.api.conftest import api, token_for  # noqa: F401 - the API client fixtures


@dataclass
class Receiver:
    """A real HTTP endpoint on the loopback: answers each POST with the next scripted status
    (the last one repeats), after ``delay`` seconds, and keeps what it was sent."""

    url: str = ""
    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0
    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.calls.append((dict(self.headers), body))
            if state.delay:
                time.sleep(state.delay)
            status = state.statuses[min(len(state.calls) - 1, len(state.statuses) - 1)]
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "2")
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (timeout test)
                self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(db, receiver):
    from webhooks.models import Endpoint, Event

    return Endpoint.objects.create(name="hotline", url=receiver.url, events=list(Event.values))
