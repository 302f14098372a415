"""SQL queries and in-process time per page, through Django's test client against the seeded
database (run inside Django by bench/run.py). A list page is counted at 25 and at 100 rows.

    python bench/querycount.py FIXTURES.json OUT.json [--explain EXPLAIN.txt] [--slow-ms 20]
        [--repeat 3] [--warmup 0] [--get-only]

--warmup N sends N unmeasured requests of each page first; --get-only leaves out the pages that
post (the default-settings rows of bench/run.py --pg-defaults: one warm request per page).

With --explain, every query slower than --slow-ms is run again under EXPLAIN (ANALYZE, BUFFERS)
and written to the file: the first place to look when a page is slow.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote


def fill(path: str, fixtures: dict, session: dict, per_page: int) -> str:
    """The page's path with the first value of every placeholder (URL-encoded)."""
    window = fixtures["windows"][0]
    return path.format(
        case=(session["cases"] or fixtures["numbers"])[0],
        number=fixtures["numbers"][0],
        full=fixtures["full_records"][0],
        owner=fixtures["owners"][0],
        category=fixtures["categories"][0],
        department=fixtures["departments"][0],
        term=quote(fixtures["terms"][0]),
        last4=(fixtures.get("last4s") or ["1234"])[0],
        part=(fixtures.get("number_parts") or ["0007"])[0],
        date_from=window[0],
        date_to=window[1],
        per_page=per_page,
    )


def measure(client, page: dict, path: str, fixtures: dict):
    """One request of the page; returns (response, captured queries, milliseconds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = None
    if page["form"] == "intake":
        data = {
            "visit_time": time.strftime("%Y-%m-%dT%H:%M", time.localtime()),
            "visitor_name": "王小明", "phone": fixtures["phones"][0], "visitor_type": "student",
            "channel": "in_person", "category": fixtures["categories"][0], "subject": "退费进度",
            "question": "查询次数测试", "outcome": "self", "deadline_mode": "working_days",
            "working_days": 3, "pending_reason": "needs_checking",
        }  # fmt: skip
    elif page["form"] == "status":
        number, code = fixtures["status_pairs"][0]
        data = {"number": number, "query_code": code}
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path) if data is None else client.post(path, data)
        elapsed = (time.perf_counter() - started) * 1000
    return response, queries.captured_queries, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("fixtures")
    parser.add_argument("out")
    parser.add_argument("--explain")
    parser.add_argument("--slow-ms", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--get-only", action="store_true")
    args = parser.parse_args()
    from django.db import connection
    from django.test import Client

    fixtures = json.loads(Path(args.fixtures).read_text())
    rows, explained = [], []
    for page in fixtures["pages"]:
        if args.get_only and page["form"]:
            continue
        session = fixtures["sessions"][page["role"]][0]
        client = Client()
        if session["sessionid"]:
            client.cookies["sessionid"] = session["sessionid"]
        for per_page in (25, 100) if "{per_page}" in page["path"] else (None,):
            path = fill(page["path"], fixtures, session, per_page or 25)
            timings, counts = [], []
            for _ in range(args.warmup):
                measure(client, page, path, fixtures)
            for _ in range(args.repeat):
                response, queries, elapsed = measure(client, page, path, fixtures)
                timings.append(elapsed)
                counts.append(len(queries))
            rows.append({
                "name": page["name"], "per_page": per_page, "path": path,
                "status": response.status_code, "queries": counts[-1],
                "queries_first": counts[0], "ms": round(statistics.median(timings), 1),
            })  # fmt: skip
            if args.explain:
                for query in queries:
                    if float(query["time"]) * 1000 >= args.slow_ms and query["sql"].startswith(
                        "SELECT"
                    ):
                        with connection.cursor() as cursor:
                            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                            plan = "\n".join(row[0] for row in cursor.fetchall())
                        explained.append(
                            f"## {page['name']} ({per_page}) {path}\n"
                            f"{float(query['time']) * 1000:.1f} ms\n{query['sql']}\n{plan}\n"
                        )
    Path(args.out).write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    if args.explain:
        Path(args.explain).write_text("\n".join(explained) or "no query over the threshold\n")
    for row in rows:
        print(f"{row['queries']:>3} q {row['ms']:>8.1f} ms  {row['status']}  "
              f"{row['name']} {row['per_page'] or ''}")  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")
    import django

    django.setup()
    main()
