"""Where the web workers spend their CPU under the bench mix (issue 20): gunicorn as `make bench`
runs it, locust at ``--users`` for ``--seconds``, and py-spy sampling every worker meanwhile.

    python bench/profile.py [--users 32] [--seconds 60] [--database-url URL]

Needs a seeded database and bench/out/fixtures.json (a `make bench` run made both). Writes
``bench/profiles/<commit>-<users>u.svg`` (py-spy's flame graph, idle frames left out) and
``bench/profiles/<commit>-<users>u.txt``: the share of the samples each layer of a request was
on the stack for (inclusive), counted from py-spy's collapsed stacks of the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PROFILES = BENCH / "profiles"
# Frames the summary adds up: the layers a request passes through.
LAYERS = {
    "the view (everything inside Django's middleware)": re.compile(
        r"^BaseHandler\._get_response \(django/core/handlers/base\.py"
    ),
    "waiting for PostgreSQL (psycopg send and wait)": re.compile(
        r"^(Connection\.wait|ClientCursorMixin\._execute_send) \(psycopg/"
    ),
    "waiting for Redis (cache, sessions)": re.compile(r"\(redis/"),
    "ORM: compiling SQL": re.compile(r"^SQLCompiler\.as_sql \(django/db/models/sql/compiler\.py"),
    "ORM: building model instances": re.compile(r"^ModelIterable\.__iter__ \(django/db/models/"),
    "templates (Django)": re.compile(r"^Template\.render \(django/template/backends/django\.py"),
    "templates (Jinja2 rows)": re.compile(r"\(jinja2/environment\.py"),
    "forms and filters": re.compile(r"\(django/forms/|\(django_filters/|form_tags\.py"),
    "sessions": re.compile(r"\(django/contrib/sessions/"),
    "roles and permissions": re.compile(r"\(accounts/permissions\.py"),
    "translation": re.compile(r"\(django/utils/translation/"),
    "URL reversing": re.compile(r"^reverse \(django/urls/base\.py"),
    "writing the response (gunicorn)": re.compile(r"^write \(gunicorn/util\.py"),
}


def main(argv: list[str] | None = None) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.run import OUT, Server, environment, load, log

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", default="0.2,0.8")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--rate", type=int, default=97, help="py-spy samples per second")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/firstask_bench"
        ),
    )
    parser.add_argument(
        "--summarise", metavar="RAW", help="only print the summary of a raw profile"
    )
    args = parser.parse_args(argv)
    if args.summarise:
        shares, samples = summarise(Path(args.summarise).read_text())
        print(f"{samples:,} busy samples")
        print("\n".join(f"{share:6.1f}%  {name}" for name, share in shares))
        return
    env = environment(args)
    fixtures = json.loads((OUT / "fixtures.json").read_text())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    PROFILES.mkdir(exist_ok=True)
    svg = PROFILES / f"{commit}-{args.users}u.svg"
    raw = OUT / f"profile-{args.users}u.txt"
    server = Server(env, args.workers)
    try:
        server.warm_up(fixtures)
        # Two samplers over the same workers: the flame graph to look at, and the collapsed
        # stacks ("frame;frame;… count") the summary is counted from.
        spies = [
            _spy(server.proc.pid, args, form, path)
            for form, path in (("flamegraph", svg), ("raw", raw))
        ]
        time.sleep(1)
        log(f"profile: {args.users} users for {args.seconds} s, py-spy at {args.rate} Hz")
        stats = load(server, args.users, args.seconds, args, env)
        for spy in spies:
            _out, errors = spy.communicate(timeout=args.seconds + 60)
            if spy.returncode != 0:
                raise SystemExit(f"py-spy failed: {errors.strip()}")
    finally:
        server.stop()
    total = next((row for row in stats if row["Name"] == "Aggregated"), {})
    summary, samples = summarise(raw.read_text())
    lines = [
        f"commit {commit}; {args.users} users for {args.seconds} s, think {args.think} s; "
        f"{args.workers} gunicorn workers; py-spy --rate {args.rate} --nonblocking",
        f"requests {total.get('Request Count')}, failures {total.get('Failure Count')}, "
        f"req/s {float(total.get('Requests/s') or 0):.1f}, p50 {total.get('50%')} ms, "
        f"p95 {total.get('95%')} ms",
        "",
        f"share of the workers' {samples:,} busy samples with the layer on the stack "
        "(inclusive; layers overlap):",
        *(f"{share:6.1f}%  {name}" for name, share in summary),
    ]
    (PROFILES / f"{commit}-{args.users}u.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def _spy(pid: int, args: argparse.Namespace, form: str, path: Path) -> subprocess.Popen:
    command = [
        _py_spy(), "record", "--pid", str(pid), "--subprocesses", "--rate", str(args.rate),
        "--duration", str(args.seconds), "--nonblocking", "--format", form, "--output", str(path),
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _py_spy() -> str:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else "py-spy"


def summarise(collapsed: str) -> tuple[list[tuple[str, float]], int]:
    """Each layer's inclusive share of the samples: a stack counts once for a layer when any of
    its frames belongs to it (so recursion, templates within templates, counts once)."""
    counts: dict[str, int] = defaultdict(int)
    total = 0
    for line in collapsed.splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack or not number.isdigit():
            continue
        samples = int(number)
        total += samples
        frames = stack.split(";")
        for name, pattern in LAYERS.items():
            if any(pattern.search(frame) for frame in frames):
                counts[name] += samples
    shares = sorted(
        ((name, 100.0 * count / total) for name, count in counts.items()), key=lambda i: -i[1]
    )
    return (shares if total else []), total


if __name__ == "__main__":
    main()
