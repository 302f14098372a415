"""bench/RESULTS.md from one run's figures (called by bench/run.py)."""

from __future__ import annotations

from pathlib import Path

P95_TARGET_MS = 150
QUERY_TARGET = 12


def _num(row: dict, key: str) -> float:
    try:
        return float(row.get(key) or 0)
    except ValueError:
        return 0.0


def _seed_section(seed: dict) -> list[str]:
    rate = seed["cases"] / max(seed["seconds"], 0.1)
    total = seed["seconds"] + seed.get("seconds_hooks", 0) + seed.get("seconds_settle", 0)
    return [
        "## Seed",
        "",
        "| what | count |",
        "|---|---:|",
        f"| cases | {seed['cases']:,} (open: {seed['open']:,}) |",
        f"| timeline events | {seed['events']:,} |",
        f"| audit rows (one SHA-256 chain, audit mode `{seed.get('audit', 'full')}`) |"
        f" {seed['audit_events']:,} |",
        f"| visitors (returning ones reused) | {seed['visitors']:,} |",
        f"| departments involved (referrals, handoffs) | {seed['involved']:,} |",
        "",
        f"Seed time: **{seed['seconds']:.0f} s** ({rate:,.0f} cases/s): COPY "
        f"{seed['seconds_copy']:.0f} s, index rebuild {seed['seconds_index']:.0f} s, "
        f"VACUUM ANALYZE {seed['seconds_vacuum']:.0f} s. CPU: seeder "
        f"{seed.get('cpu_seconds_seeder', 0):.0f} s, PostgreSQL "
        f"{seed.get('cpu_seconds_postgres', 0):.0f} s. The other apps' tables (archive records, "
        f"result rounds, call-backs, referrals, handoff forms: `bench/seed_*.py`): "
        f"{seed.get('seconds_hooks', 0):.0f} s; a final VACUUM (ANALYZE): "
        f"{seed.get('seconds_settle', 0):.0f} s. In all **{total:.0f} s**.",
        "",
    ]


def _query_section(queries: list[dict]) -> list[str]:
    by_name: dict[str, dict] = {}
    for row in queries:
        by_name.setdefault(row["name"], {})[row["per_page"]] = row
    lines = [
        "## SQL queries per page",
        "",
        "Counted through Django's test client against the seeded database (a warm second",
        "request; the first request of a session may add one). In-process time is one request,",
        "median of three, no concurrency.",
        "",
        "| page | queries at 25 rows | at 100 rows | in-process ms (25 / 100) | HTTP |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, sizes in by_name.items():
        if None in sizes:
            row = sizes[None]
            lines.append(f"| {name} | {row['queries']} | — | {row['ms']:.0f} | {row['status']} |")
        else:
            a, b = sizes[25], sizes[100]
            same = "" if a["queries"] == b["queries"] else " ⚠"
            lines.append(
                f"| {name} | {a['queries']} | {b['queries']}{same} | {a['ms']:.0f} / {b['ms']:.0f}"
                f" | {a['status']} |"
            )
    return [*lines, ""]


DEFAULTS_TARGET_MS = 50  # issue 20: every desk and list page, one warm request, stock settings


def _defaults_section(defaults: dict) -> list[str]:
    """One warm request per page on this run's settings and on PostgreSQL's defaults."""

    def settings(label: str) -> str:
        values = defaults[label]["settings"]
        return ", ".join(f"{name} {values[name]}" for name in values if name != "server_version")

    def key(row: dict) -> tuple:
        return row["name"], row["per_page"]

    stock = {key(row): row for row in defaults["defaults"]["rows"]}
    lines = [
        "## Default settings",
        "",
        "One warm request per page (median of 5 after 3 unmeasured; Django's test client, no",
        "concurrency; pages that post left out), first on this run's settings, then with the",
        "cluster restarted on PostgreSQL's defaults (`bin/pgembed.py restart --defaults`). Target",
        f"(issue 20): every desk and list page under {DEFAULTS_TARGET_MS} ms on the defaults.",
        "",
        f"- this run: {settings('tuned')}",
        f"- defaults: {settings('defaults')}",
        "",
        "| page | rows | ms, this run | ms, defaults | queries | desk or list < "
        f"{DEFAULTS_TARGET_MS} ms |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in defaults["tuned"]["rows"]:
        other = stock.get(key(row))
        if other is None:
            continue
        listed = row["name"].startswith(("desk", "cases:")) or row["name"] in {
            "handoffs desk",
            "archive",
        }
        verdict = ("✓" if other["ms"] < DEFAULTS_TARGET_MS else "✗") if listed else ""
        lines.append(
            f"| {row['name']} | {row['per_page'] or '—'} | {row['ms']:.0f} | {other['ms']:.0f} | "
            f"{other['queries']} | {verdict} |"
        )
    return [*lines, ""]


def _load_section(users: int, rows: list[dict], duration: int) -> list[str]:
    lines = [
        f"## Load: {users} concurrent users, {duration} s",
        "",
        "| page | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {int(_num(row, 'Request Count'))} | {int(_num(row, 'Failure Count'))} | "
            f"{_num(row, 'Requests/s'):.1f} | {_num(row, '50%'):.0f} | {_num(row, '95%'):.0f} | "
            f"{_num(row, '99%'):.0f} | {_num(row, 'Max Response Time'):.0f} |"
        )
    return [*lines, ""]


def _targets(queries: list[dict], loads: dict[int, list[dict]], seed: dict) -> list[str]:
    lines = ["## Targets (issue 8)", "", "| target | result |", "|---|---|"]
    total = seed["seconds"] + seed.get("seconds_hooks", 0) + seed.get("seconds_settle", 0)
    lines.append(
        f"| seeding {seed['cases']:,} cases < 15 min | {total:.0f} s with the other apps' tables "
        f"and the final VACUUM ({'met' if total < 900 else 'NOT met'}) |"
    )
    worst_q = max((row["queries"] for row in queries), default=0)
    rows_pages: dict[str, set[int]] = {}
    for row in queries:
        if row["per_page"]:
            rows_pages.setdefault(row["name"], set()).add(row["queries"])
    same = all(len(counts) == 1 for counts in rows_pages.values())
    lines.append(
        f"| queries per page ≤ {QUERY_TARGET}, same at 25 and 100 rows | "
        f"max {worst_q}; {'same' if same else 'NOT the same'} at 25/100 |"
    )
    low = min(loads) if loads else None
    if low is not None:
        pages = [r for r in loads[low] if r["Name"] != "Aggregated"]
        slow = [r["Name"] for r in pages if _num(r, "95%") >= P95_TARGET_MS]
        lines.append(
            f"| every page p95 < {P95_TARGET_MS} ms at {low} users | "
            + (f"{len(slow)} of {len(pages)} pages over: {', '.join(slow)}" if slow else "met")
            + " |"
        )
    high = max(loads) if loads else None
    if high is not None:
        total = next((r for r in loads[high] if r["Name"] == "Aggregated"), {})
        lines.append(
            f"| zero errors at {high} users | {int(_num(total, 'Failure Count'))} errors in "
            f"{int(_num(total, 'Request Count'))} requests, {_num(total, 'Requests/s'):.1f} req/s |"
        )
    return [*lines, ""]


def write(
    path: Path,
    *,
    info,
    args,
    argv,
    seed,
    queries,
    loads,
    memory,
    figures,
    seconds,
    date,
    defaults=None,
):
    command = "make bench" + (f' BENCH_ARGS="{" ".join(argv)}"' if argv else "")
    if str(args.cases) != "1000000":
        command += f" BENCH_CASES={args.cases}"
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py); replaced by each run. See bench/README.md.",
        "",
        f"- date: {date}; whole run {seconds / 60:.1f} min",
        f"- command: `{command}`",
        f"- machine: {info['cpu']}, {info['memory']}, Python {info['python']}, "
        f"load average at start {info['load']}",
        f"- CPU speed check: {info['speed']}",
        f"- code: commit {info['commit']}",
        "- PostgreSQL: "
        + ", ".join(f"{name} {value}" for name, value in info.get("postgres", {}).items()),
        f"- server: gunicorn, {args.workers} sync workers, DEBUG off; load: locust (headless, own "
        f"process, loopback), think time {args.think} s between a user's requests; every role "
        "has at least one user",
        "",
        *_targets(queries, loads, seed),
        *_seed_section(seed),
        *_query_section(queries),
    ]
    for users, rows in sorted(loads.items()):
        lines += _load_section(users, rows, args.runs.get(users, args.duration))
    if memory:
        peaks = sorted(memory.values(), reverse=True)
        lines += [
            "## Memory",
            "",
            "Peak resident memory per gunicorn worker over all load runs: "
            + ", ".join(f"{rss / 2**20:.0f} MiB" for rss in peaks)
            + ".",
            "",
        ]
    if defaults:
        lines += _defaults_section(defaults)
    if figures:
        lines += ["## Other figures", "", *[f"{section}\n" for section in figures]]
    else:
        lines += [
            "## Other figures",
            "",
            "No figures script yet (bench/scan_bench.py, archive_bench.py, kpi_bench.py).",
            "",
        ]
    path.write_text("\n".join(lines))
