"""Load for `make bench`: signed-in users of each role visiting the pages of bench/pages.py.

Run by bench/run.py (locust headless); BENCH_FIXTURES names the JSON written by
bench/fixtures.py, BENCH_THINK the think time between a user's requests ("min,max" seconds).
Every GET must answer 200 and is not followed when it redirects (a lost session would otherwise
count the login page as a success); the intake POST must redirect to the new case, the status
POST must show the case.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from http.cookiejar import Cookie
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

from bench.pages import role_counts

FIXTURES = json.loads(Path(os.environ["BENCH_FIXTURES"]).read_text())
THINK = [float(x) for x in os.environ.get("BENCH_THINK", "0.2,0.8").split(",")]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOST = "127.0.0.1"


def _cookie(name: str, value: str) -> Cookie:
    return Cookie(0, name, value, None, False, HOST, False, False, "/", True, False, None,
                  False, None, None, {})  # fmt: skip


class RoleUser(FastHttpUser):
    abstract = True
    wait_time = between(*THINK)
    role = ""
    pages: ClassVar[list[dict]] = []
    counter: itertools.count

    def on_start(self) -> None:
        sessions = FIXTURES["sessions"][self.role]
        self.me = sessions[next(self.counter) % len(sessions)]
        if self.me["sessionid"]:
            self.client.cookiejar.set_cookie(_cookie("sessionid", self.me["sessionid"]))
        self.weights = [page["weight"] for page in self.pages]

    @task
    def visit(self) -> None:
        page = random.choices(self.pages, weights=self.weights)[0]
        name = page["name"]
        per_page = random.choice((25, 100))
        if "{per_page}" in page["path"]:
            name = f"{name} · {per_page}"
        path = self._fill(page["path"], per_page)
        if page["method"] == "POST":
            getattr(self, f"post_{page['form']}")(path, name)
        else:
            self._get(path, name)

    def _fill(self, path: str, per_page: int) -> str:
        if "{" not in path:
            return path
        window = random.choice(FIXTURES["windows"])
        return path.format(
            case=random.choice(self.me["cases"] or FIXTURES["numbers"]),
            number=random.choice(FIXTURES["numbers"]),
            full=random.choice(FIXTURES["full_records"]),
            owner=random.choice(FIXTURES["owners"]),
            category=random.choice(FIXTURES["categories"]),
            department=random.choice(FIXTURES["departments"]),
            term=quote(random.choice(FIXTURES["terms"])),
            last4=random.choice(FIXTURES.get("last4s") or ["1234"]),
            part=random.choice(FIXTURES.get("number_parts") or ["0007"]),
            date_from=window[0],
            date_to=window[1],
            per_page=per_page,
        )

    def _get(self, path: str, name: str) -> str:
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return ""
            return response.text or ""

    def _token(self, path: str, name: str) -> str | None:
        match = CSRF.search(self._get(path, name))
        return match.group(1) if match else None

    def post_intake(self, path: str, name: str) -> None:
        token = self._token(path, "intake form")
        if token is None:
            return
        outcome = random.choices(["self", "on_the_spot", "referral"], weights=[6, 3, 1])[0]
        returning = random.random() < 0.5
        phone = (
            random.choice(FIXTURES["phones"])
            if returning
            else f"19{random.randint(0, 999_999_999):09d}"
        )
        data = {
            "csrfmiddlewaretoken": token,
            "visit_time": _now_local(),
            "visitor_name": random.choice(FIXTURES["names"]),
            "phone": phone,
            "visitor_type": random.choice(["student", "parent", "partner", "other"]),
            "channel": random.choice(["in_person", "phone"]),
            "category": random.choice(FIXTURES["categories"]),
            "subject": random.choice(FIXTURES["subjects"]),
            "question": "负载测试：来访人咨询的问题。",
            "outcome": outcome,
            "deadline_mode": "working_days",
            "working_days": random.choice([1, 3, 5]),
            "answer": "已当场解答。" if outcome == "on_the_spot" else "",
            "confirmation_note": "来访人表示满意" if outcome == "on_the_spot" else "",
            "department": random.choice(FIXTURES["departments"]) if outcome == "referral" else "",
            # §2.1.2: a case not answered on the spot says why.
            "pending_reason": {"self": "needs_checking", "referral": "other_department"}.get(
                outcome, ""
            ),
        }
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or "/cases/" not in response.headers.get("Location", ""):
                response.failure(f"intake not registered: HTTP {response.status_code}")

    def post_status(self, path: str, name: str) -> None:
        token = self._token(path, "status form")
        if token is None:
            return
        number, code = random.choice(FIXTURES["status_pairs"])
        data = {"csrfmiddlewaretoken": token, "number": number, "query_code": code}
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200 or number not in (response.text or ""):
                response.failure(f"status lookup failed: HTTP {response.status_code}")


def _now_local() -> str:
    import datetime as dt
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


# One user class per role, as many users as role_counts gives it.
_WEIGHTS = {
    role: sum(page["weight"] for page in FIXTURES["pages"] if page["role"] == role)
    for role in sorted({page["role"] for page in FIXTURES["pages"]})
}
_COUNTS = role_counts(_WEIGHTS, int(os.environ.get("BENCH_USERS", len(_WEIGHTS))))
for _role in _WEIGHTS:
    globals()[f"{_role.title()}User"] = type(
        f"{_role.title()}User",
        (RoleUser,),
        {
            "role": _role,
            "pages": [page for page in FIXTURES["pages"] if page["role"] == _role],
            "fixed_count": _COUNTS[_role],
            "counter": itertools.count(),
        },
    )
