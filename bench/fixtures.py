"""What the load generator needs from the seeded database: signed-in sessions per role, case
numbers each user may open, query codes, filter values. Run inside Django (bench/run.py).

Sessions are created directly in the session store, as a sign-in would leave them: 32 users
signing in through PBKDF2 at the start of every load run would measure the password hasher,
not the pages. CSRF tokens come from the pages themselves (cookie + form field), as in a browser.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count
from django.urls import Resolver404, resolve
from django.utils import timezone

SESSIONS_PER_ROLE = 40


def _session(user) -> str:
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _users_by_role() -> dict[str, list]:
    from accounts.models import User

    busiest = list(
        User.objects.filter(groups__name="staff", department__code__endswith="XF")
        .exclude(groups__name="department_head")
        .annotate(n=Count("owned_cases"))
        .order_by("-n")[:SESSIONS_PER_ROLE]
    )
    desk = sorted(busiest, key=lambda u: u.username != "bench-desk")
    staff = list(
        User.objects.filter(groups__name="staff")
        .exclude(department__code__endswith="XF")
        .exclude(groups__name="department_head")
        .order_by("username")[:SESSIONS_PER_ROLE]
    )
    staff.sort(key=lambda u: u.username != "bench-staff")
    heads = list(User.objects.filter(groups__name="department_head").order_by("username"))
    heads.sort(key=lambda u: u.username != "bench-head")
    return {
        "desk": desk,
        "staff": staff,
        "head": heads,
        "center": list(User.objects.filter(username="bench-center")),
        "auditor": list(User.objects.filter(username="bench-auditor")),
    }


def _page_exists(path: str) -> bool:
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def build(*, rng: random.Random) -> dict:
    from accounts.models import Department
    from bench import stories
    from bench.pages import PAGES
    from cases.models import Case, Category, Visitor
    from cases.selectors import visible_cases

    sessions: dict[str, list[dict]] = {"public": [{"sessionid": None, "cases": []}]}
    by_role = _users_by_role()
    for role, users in by_role.items():
        entries = []
        for index in range(SESSIONS_PER_ROLE):
            if not users:
                break
            user = users[index % len(users)]
            numbers = list(
                visible_cases(user).order_by("-created_at").values_list("number", flat=True)[:400]
            )
            entries.append(
                {
                    "user": user.username,
                    "sessionid": _session(user),
                    "cases": rng.sample(numbers, min(60, len(numbers))),
                }
            )
        sessions[role] = entries
    last_id = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sample_ids = [rng.randint(1, last_id) for _ in range(400)]
    # Not the KPI benchmark's own cases (kpi_bench.py, numbered BENCH-…): seeded ones only.
    sample = list(
        Case.objects.filter(id__in=sample_ids)
        .exclude(number__startswith="BENCH-")
        .values_list("number", "query_code")
    )
    visitors = list(Visitor.objects.filter(id__in=sample_ids).values_list("name", "phone"))
    today = timezone.localdate()
    windows = []
    for _ in range(20):
        start = today - dt.timedelta(days=rng.randint(90, 4 * 365))
        windows.append([start.isoformat(), (start + dt.timedelta(days=90)).isoformat()])
    terms = [name for name, _phone in visitors[:12]]
    terms += ["退费", "调课申请", "证书", "Python", "空调", "平台无法登录", "会计实务"]
    pages = [page for page in PAGES if not page.optional or _page_exists(page.path)]
    # Cases whose page shows the most: closed or archived, handed off, with the meeting, its
    # assignments and answers and a dispute, and (closure) result rounds.
    from handoffs.models import HandoffForm

    full = list(
        HandoffForm.objects.filter(
            disputes__isnull=False, meeting__isnull=False, case__status__in=["closed", "archived"]
        )
        .order_by("-id")
        .values_list("case__number", flat=True)
        .distinct()[:50]
    )
    return {
        "pages": [page.__dict__ for page in pages],
        "sessions": sessions,
        "numbers": [number for number, _code in sample],
        "full_records": full or [number for number, _code in sample],
        "status_pairs": sample[:200],
        "owners": [u.pk for role in ("desk", "staff") for u in by_role[role][:20]],
        "categories": list(Category.objects.values_list("pk", flat=True)),
        "departments": list(Department.objects.values_list("pk", flat=True)),
        "terms": terms,
        "windows": windows,
        "phones": [phone for _name, phone in visitors],
        "last4s": [phone[-4:] for _name, phone in visitors if phone] or ["1234"],
        # A case number's date, then its sequence (SW-20261206-0007: 20261206, 0007).
        "number_parts": [number.split("-")[i] for number, _code in sample[:20] for i in (1, 2)]
        or ["0007"],
        "names": [stories.person_name(rng) for _ in range(50)],
        "subjects": [s for subjects in stories.SUBJECTS.values() for s in subjects],
    }


def main() -> None:
    out = Path(sys.argv[1])
    data = build(rng=random.Random(8))  # reproducible choices
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    print(f"fixtures: {sum(len(v) for v in data['sessions'].values())} sessions, "
          f"{len(data['pages'])} pages")  # fmt: skip


if __name__ == "__main__":
    import os

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")
    import django

    django.setup()
    main()
