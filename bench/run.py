"""`make bench`: seed, count, load, report. Writes bench/RESULTS.md (replaced by each run).

    python bench/run.py [--cases 1000000] [--users 8,32] [--duration 60] [--reuse]

Steps: (1) a fresh database (BENCH_DATABASE_URL) is migrated and seeded with bench/seed.py;
(2) SQL queries per page are counted at 25 and 100 rows (bench/querycount.py); (3) gunicorn
serves the app as in production (DEBUG off) and locust, headless in its own process, loads it
over loopback with signed-in users at each user count, while the workers' memory is sampled;
(4) the optional figures scripts bench/*_bench.py (overdue scan, PDF render, KPI …) are run;
(5) the tables go to bench/RESULTS.md. Intermediate files are kept under bench/out/.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
PY = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/firstask_bench"
# The other issues' figures: (title, script, arguments, needs a database of its own). A script
# that is not there yet is skipped; its output (JSON or text) goes to RESULTS.md as it is.
# The overdue scan replaces every case of its database, so it gets a fresh one.
FIGURES = [
    ("Overdue scan", "overdue_scan.py",
     ["--cases", "{cases}", "--open", "{open}", "--due", "{due}"], True),
    ("Archive: PDF render and ZIP export", "archive_bench.py", ["--i-know-this-writes"], False),
    ("KPI", "kpi_bench.py", [], False),
]  # fmt: skip


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
        CACHE_KEY_PREFIX="bench",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY", "bench-only-secret-key-not-for-production"),
        DEBUG="0",
        # Loopback speaks plain HTTP: cookies without the Secure flag, or the client drops them;
        # no redirect to https (HTTPS is on by default when DEBUG is off).
        SECURE_COOKIES="0",
        HTTPS="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="firstask.settings",
    )
    return env


def run(
    cmd: list[str], env: dict[str, str], check_exit: bool = True, **kwargs
) -> subprocess.CompletedProcess:
    log("$ " + " ".join(shlex.quote(c) for c in cmd))
    return subprocess.run(cmd, env=env, cwd=ROOT, check=check_exit, **kwargs)


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    started = time.perf_counter()
    for _ in range(2000):
        sum(range(1000))
    speed = (time.perf_counter() - started) / 2000 * 1e6
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{mem_kb / 1024 / 1024:.0f} GiB",
        "python": platform.python_version(),
        "speed": f"{speed:.1f} µs for sum(range(1000)) (a quiet modern core: about 8–12)",
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "commit": commit,
    }


def database(args, env) -> dict:
    """A freshly migrated and seeded database, or the existing one with --reuse."""
    name = urlsplit(args.database_url).path.lstrip("/")
    meta_file = OUT / "seed.json"
    if args.reuse and meta_file.exists():
        meta = json.loads(meta_file.read_text())
        if meta.get("cases_requested") == args.cases and meta.get("database") == name:
            log(f"reusing {name}: {meta['cases']:,} cases")
            run([PY, "manage.py", "migrate", "--no-input", "-v0"], env)
            return meta
    fresh_database(args.database_url)
    run([PY, "manage.py", "migrate", "--no-input", "-v0"], env)
    log(f"seeding {args.cases:,} cases")
    seeded = run(
        [PY, "bench/seed.py", "--cases", str(args.cases), "--audit", args.audit],
        env,
        stdout=subprocess.PIPE,
        text=True,
    )
    meta = json.loads(seeded.stdout.strip().splitlines()[-1])
    meta.update(cases_requested=args.cases, database=name, audit=args.audit)
    started = time.monotonic()
    for hook in sorted(BENCH.glob("seed_*.py")):  # other apps' tables, as they are built
        run([PY, str(hook), "--cases", str(args.cases)], env)
    meta["seconds_hooks"] = round(time.monotonic() - started, 1)
    meta["seconds_settle"] = settle(args.database_url)
    meta_file.write_text(json.dumps(meta))
    log(
        f"seeded {meta['cases']:,} cases, {meta['events']:,} events, "
        f"{meta['audit_events']:,} audit rows in {meta['seconds']:.0f} s"
    )
    return meta


def settle(url: str, *, wait: float = 300) -> float:
    """VACUUM (ANALYZE) the whole database once nothing else holds a snapshot in it, as
    autovacuum would have done by the time a real center's pages are read. A page may only be
    marked all-visible (what index-only scans need) when no transaction could still miss its
    rows: a VACUUM run while autovacuum was analysing the six million events left the
    hooks' tables unmarked, and the coordination desk read 30,000 heap rows per view."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() - started < wait:
            others = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL"
            ).fetchone()[0]
            if not others:
                break
            time.sleep(2)
        conn.execute("VACUUM (ANALYZE)")
    seconds = time.monotonic() - started
    log(f"VACUUM (ANALYZE) of the seeded database: {seconds:.0f} s")
    return round(seconds, 1)


def fresh_database(url: str) -> None:
    """Drop and create the database of ``url`` (a benchmark's own, never the application's)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: a benchmark database name contains 'bench'")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        database = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(database))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn as in production, with a sampler of its workers' resident memory."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.port = free_port()
        self.workers = workers
        cmd = [
            PY, "-m", "gunicorn", "firstask.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
            "--worker-class", "sync", "--timeout", "60", "--log-level", "warning",
        ]  # fmt: skip
        log("$ " + " ".join(cmd))
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._wait_ready()
        threading.Thread(target=self._sample, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/status/", timeout=5)
                return
            except OSError:
                time.sleep(0.5)
        raise SystemExit("gunicorn did not answer within 60 s")

    def _sample(self) -> None:
        import psutil

        master = psutil.Process(self.proc.pid)
        while not self._stop.is_set():
            try:
                for child in master.children():
                    rss = child.memory_info().rss
                    self.peak[child.pid] = max(self.peak.get(child.pid, 0), rss)
            except psutil.Error:
                pass
            time.sleep(0.25)

    def warm_up(self, fixtures: dict) -> None:
        """Each worker compiles templates and loads catalogues on first use: not what a
        day-long server spends its time on, so every page is requested a few times first."""
        from bench.querycount import fill

        for page in fixtures["pages"]:
            if page["method"] != "GET":
                continue
            session = fixtures["sessions"][page["role"]][0]
            path = fill(page["path"], fixtures, session, 25)
            headers = (
                {"Cookie": f"sessionid={session['sessionid']}"} if session["sessionid"] else {}
            )
            for _ in range(2 * self.workers):
                request = urllib.request.Request(self.url + path, headers=headers)
                try:
                    urllib.request.urlopen(request, timeout=60).read()
                except OSError as error:
                    log(f"warm-up {path}: {error}")
                    break

    def stop(self) -> None:
        self._stop.set()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def load(server: Server, users: int, seconds: int, args, env) -> list[dict]:
    prefix = OUT / f"locust_{users}"
    env = {
        **env,
        "BENCH_FIXTURES": str(OUT / "fixtures.json"),
        "BENCH_THINK": args.think,
        "BENCH_USERS": str(users),
    }
    run(
        [
            PY, "-m", "locust", "-f", "bench/locustfile.py", "--headless",
            "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
            "--host", server.url, "--csv", str(prefix), "--only-summary",
            "--stop-timeout", "10", "--loglevel", "WARNING",
        ],
        env,
        stdout=subprocess.DEVNULL,
        check_exit=False,  # locust exits 1 when a request failed: that is a result, not a crash
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def load_runs(spec: str, duration: int) -> dict[int, int]:
    """``"8:180,32:60"`` (or ``"8,32"`` with ``duration``) as {users: seconds}."""
    runs = {}
    for part in spec.split(","):
        users, _, seconds = part.strip().partition(":")
        runs[int(users)] = int(seconds or duration)
    return runs


def postgres_settings(url: str) -> dict[str, str]:
    """The server settings that decide how much of the database stays in memory."""
    import psycopg

    names = ["server_version", "shared_buffers", "effective_cache_size", "work_mem", "jit"]
    with psycopg.connect(url) as conn:
        return {
            name: conn.execute("SELECT current_setting(%s)", [name]).fetchone()[0] for name in names
        }


def run_figures(args, env) -> list[str]:
    sections = []
    values = {"cases": args.cases, "open": args.cases // 5, "due": max(args.cases // 100, 1)}
    for title, name, arguments, own_database in FIGURES:
        script = BENCH / name
        if not script.exists():
            continue
        started = time.monotonic()
        script_env = env
        if own_database:
            script_env = {**env, "DATABASE_URL": args.database_url + "_" + script.stem}
            fresh_database(script_env["DATABASE_URL"])
            run([PY, "manage.py", "migrate", "--no-input", "-v0"], script_env)
        cmd = [PY, str(script), *(a.format(**values) for a in arguments)]
        try:
            done = run(cmd, script_env, stdout=subprocess.PIPE, text=True, timeout=1800)
            output = done.stdout.strip()
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            output = f"failed: {error}"
        seconds = time.monotonic() - started
        sections.append(figure_markdown(title, " ".join(cmd[1:]), output, seconds))
        log(f"{name}: {seconds:.0f} s")
    return sections


def figure_markdown(title: str, command: str, output: str, seconds: float) -> str:
    head = f"### {title}\n\n`{command.replace(str(ROOT) + '/', '')}` ({seconds:.0f} s)\n"
    try:
        data = json.loads(output)
    except ValueError:
        return f"{head}\n```\n{output}\n```\n"
    if not isinstance(data, dict):
        return f"{head}\n```\n{output}\n```\n"
    rows = [f"| {key} | {value} |" for key, value in data.items()]
    return "\n".join([head, "| figure | value |", "|---|---|", *rows, ""])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="firstask benchmark (issue 8)")
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", 10**6)))
    parser.add_argument(
        "--users",
        default="8:180,32:60",
        help="load runs, comma separated: USERS or USERS:SECONDS (default seconds: --duration)",
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds per load run")
    parser.add_argument("--think", default="0.2,0.8", help="think time min,max seconds")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--audit", choices=["full", "register", "none"], default="full")
    parser.add_argument("--reuse", action="store_true", help="keep a database seeded earlier")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args(argv)
    runs = load_runs(args.users, args.duration)
    args.runs = runs
    OUT.mkdir(exist_ok=True)
    env = environment(args)
    started = time.monotonic()
    info = machine()
    info["postgres"] = postgres_settings(args.database_url.rsplit("/", 1)[0] + "/postgres")
    if info["postgres"]["shared_buffers"] == "128MB":
        log(
            "PostgreSQL runs with the default shared_buffers (128MB): the 6 GB database is read "
            "through the OS cache on every page. Production settings: README, Production."
        )
    seed = database(args, env)
    run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    run([PY, "bench/fixtures.py", str(OUT / "fixtures.json")], env)
    run(
        [PY, "bench/querycount.py", str(OUT / "fixtures.json"), str(OUT / "queries.json"),
         "--explain", str(OUT / "explain.txt")],
        env,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    queries = json.loads((OUT / "queries.json").read_text())
    loads: dict[int, list[dict]] = {}
    memory: dict[int, int] = {}
    if not args.skip_load:
        server = Server(env, args.workers)
        try:
            server.warm_up(json.loads((OUT / "fixtures.json").read_text()))
            for users, seconds in runs.items():
                log(f"load: {users} users for {seconds} s")
                loads[users] = load(server, users, seconds, args, env)
        finally:
            server.stop()
        memory = server.peak
    figures = run_figures(args, env)
    from bench.report import write

    write(
        BENCH / "RESULTS.md",
        info=info,
        args=args,
        argv=sys.argv[1:],
        seed=seed,
        queries=queries,
        loads=loads,
        memory=memory,
        figures=figures,
        seconds=time.monotonic() - started,
        date=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )
    log(f"wrote bench/RESULTS.md in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
