#!/usr/bin/env python
"""`make run`'s server: Django's development server plus, when installed, a Celery worker with
beat on the embedded broker, stopped together on Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    python = sys.executable
    processes = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [
                python,
                "-m",
                "celery",
                "-A",
                "firstask",
                "worker",
                "-B",
                "--loglevel=INFO",
                "--concurrency=1",
                "--schedule",
                str(ROOT / "var" / "celerybeat-schedule"),
            ],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(  # noqa: S603
            [python, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
            cwd=ROOT,
            env=env,
        ),
    ]
    try:
        return processes[1].wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
