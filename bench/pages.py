"""The pages the benchmark measures: one line each.

Every page is counted (SQL queries, through Django's test client) and loaded (locust, through
gunicorn). ``path`` may hold placeholders that bench/fixtures.py fills per request:
{case} a case the signed-in user may open, {number} any case number, {full} a closed or archived
case with a handoff, its meeting, answers and a dispute (the longest case page), {owner},
{category}, {department}, {term} (a visitor name, subject word or course), {last4} (a phone's
last four digits), {part} (a piece of a case number: its date or sequence), {date_from}/{date_to} (a
three-month window), {per_page} (25 or 100: a list page is counted and loaded at both sizes).
``role`` chooses whose session sends it: desk (busy front-desk staff), staff (a staff member of
a teaching department), head (department heads), center (the center head), auditor, public.
``optional`` pages are measured only when their URL answers (other apps add them over time).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str
    weight: int = 1
    method: str = "GET"
    form: str | None = None  # POST body: "intake" or "status" (see locustfile.py)
    optional: bool = False

    @property
    def has_rows(self) -> bool:
        return "{per_page}" in self.path


PAGES = [
    Page("desk", "/", "desk", weight=6),
    Page("desk (staff)", "/", "staff", weight=2),
    Page("intake form", "/cases/new/", "desk", weight=3),
    Page("intake POST", "/cases/new/", "desk", weight=3, method="POST", form="intake"),
    Page("case detail", "/cases/{case}/", "desk", weight=4),
    Page("case detail (center head)", "/cases/{number}/", "center", weight=1),
    Page("case detail, full record (center head)", "/cases/{full}/", "center", weight=1),
    Page("cases: mine, newest", "/cases/?per_page={per_page}", "desk", weight=2),
    Page("cases: all, newest", "/cases/?ordering=-created&per_page={per_page}", "center"),
    Page(
        "cases: all, page 3",
        "/cases/?ordering=-created&page=3&per_page={per_page}",
        "center",
    ),
    Page(
        "cases: open, by deadline (head)",
        "/cases/?status=open&ordering=deadline&per_page={per_page}",
        "head",
    ),
    Page(
        "cases: category + 3 months",
        "/cases/?category={category}&created_from={date_from}&created_to={date_to}"
        "&per_page={per_page}",
        "center",
    ),
    Page(
        "cases: department + overdue, by deadline",
        "/cases/?department={department}&overdue=true&ordering=deadline&per_page={per_page}",
        "center",
    ),
    Page(
        "cases: owner + closed, by number",
        "/cases/?owner={owner}&status=closed&ordering=-number&per_page={per_page}",
        "center",
    ),
    Page("cases: search number", "/cases/?q={number}&per_page={per_page}", "center"),
    Page("cases: search text", "/cases/?q={term}&per_page={per_page}", "center"),
    # VIS-2: the one search box. Four digits (a phone's last four, or a number's sequence) and
    # a piece of a case number (its date or its sequence). A full phone never goes in a URL.
    Page("cases: search phone last 4", "/cases/?q={last4}&per_page={per_page}", "center"),
    Page("cases: search part of a number", "/cases/?q={part}&per_page={per_page}", "center"),
    Page(
        "cases: search text + category (head)",
        "/cases/?q={term}&category={category}&ordering=-created&per_page={per_page}",
        "head",
    ),
    Page("status form", "/status/", "public"),
    Page("status POST", "/status/", "public", weight=2, method="POST", form="status"),
    Page("handoffs desk", "/handoffs/", "center", optional=True),
    Page("archive", "/archive/", "auditor", optional=True),
    Page("KPI", "/supervision/kpis/", "center", optional=True),
]


def role_counts(weights: dict[str, int], users: int) -> dict[str, int]:
    """Users per role: one each, the rest in proportion to the roles' page weights (largest
    remainder). Locust's own weighting gave the auditor and the staff role no user at 8 users,
    so their pages went unmeasured there."""
    counts = dict.fromkeys(weights, 1)
    spare = users - len(weights)
    if spare < 0:
        raise SystemExit(f"{users} users cannot cover {len(weights)} roles")
    total = sum(weights.values())
    shares = {role: spare * weight / total for role, weight in weights.items()}
    for role, share in shares.items():
        counts[role] += int(share)
    left = users - sum(counts.values())
    for role in sorted(shares, key=lambda r: shares[r] - int(shares[r]), reverse=True)[:left]:
        counts[role] += 1
    return counts
