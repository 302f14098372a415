#!/usr/bin/env python
"""`make run`: the whole product on embedded defaults, stopped together on Ctrl-C.

Without DATABASE_URL it starts the embedded PostgreSQL (bin/pgembed.py, data in var/pgdata), then
migrates, loads the demo, and serves Django's development server with one Celery worker and beat
(broker: Redis when REDIS_URL is set, else a queue table in the same PostgreSQL). Receipts, QR codes
and e-mail links point at the address served unless SITE_URL says otherwise.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR") or ROOT / "var")
sys.path.insert(0, str(ROOT / "bin"))

import pgembed  # noqa: E402 - a sibling script, importable once bin/ is on the path


def _manage(python: str, env: dict[str, str], *args: str) -> None:
    subprocess.run([python, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # A stop from a process manager or a closed terminal runs the same clean-up as Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    args = parser.parse_args()
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    public_host = "127.0.0.1" if args.host in {"0.0.0.0", "::"} else args.host  # noqa: S104
    env.setdefault("SITE_URL", f"http://{public_host}:{args.port}")
    # A quiet log: the demo's e-mails go to files, not the terminal; no banner warning about
    # the development server (firstask/celery.py hushes the worker's run-as-root one in DEBUG).
    env.setdefault("EMAIL_URL", f"filemail://{VAR_DIR / 'mail'}")
    env.setdefault("DJANGO_RUNSERVER_HIDE_WARNING", "true")
    python = sys.executable
    started_db = False
    if not env.get("DATABASE_URL"):
        try:
            started_db = not pgembed.is_running()
            env["DATABASE_URL"] = pgembed.start()
        except pgembed.EmbeddedError as error:
            print(f"make run: {error}", file=sys.stderr)
            return 1
        print(
            f"embedded PostgreSQL: {env['DATABASE_URL']} (data in {pgembed.DEFAULT_DATA})",
            flush=True,
        )
    processes: list[subprocess.Popen] = []
    try:
        _manage(python, env, "migrate", "--no-input", "--verbosity", "0")
        if not args.no_demo:
            _manage(python, env, "seed_demo")
        print(
            f"firstask is starting on {env['SITE_URL']}/  (Ctrl-C stops it; "
            "e-mails it sends are written to var/mail/)",
            flush=True,
        )
        processes.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter and project
                [
                    python,
                    "-m",
                    "celery",
                    "--quiet",
                    "-A",
                    "firstask",
                    "worker",
                    "-B",
                    "--loglevel=WARNING",
                    "--concurrency=1",
                    "--without-mingle",
                    "--without-gossip",
                    "--schedule",
                    str(VAR_DIR / "celerybeat-schedule"),
                ],
                cwd=ROOT,
                env=env,
                # Its own process group: a signal to ours reaches the worker only through the
                # orderly stop below, not its pool children directly.
                process_group=0,
            )
        )
        processes.append(
            subprocess.Popen(  # noqa: S603
                [python, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
                cwd=ROOT,
                env=env,
            )
        )
        return processes[-1].wait()
    except KeyboardInterrupt:
        return 0
    except subprocess.CalledProcessError as error:
        print(f"make run: {' '.join(error.cmd[1:])} failed", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the stop
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if started_db:
            pgembed.stop()
            print("embedded PostgreSQL stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())
