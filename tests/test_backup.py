"""`manage.py backup` and `restore`: a populated instance (cases with signatures and archived
PDFs) is backed up, restored into a fresh database and media directory, and the copy is whole:
the audit chain verifies, the PDFs match their stored SHA-256 and a case page opens."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.core.management import CommandError, call_command
from psycopg import sql

from archive.models import ArchiveRecord
from archive.services import archive_render_pdf
from firstask import backup
from tests.closure.factories import close_case, record_result, sign

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent

OPEN_CASE = """
import os
from django.test import Client
from accounts.models import User
client = Client()
client.force_login(User.objects.get(username=os.environ["OPEN_AS"]))
page = client.get(f"/cases/{os.environ['OPEN_CASE']}/")
print(page.status_code, os.environ["OPEN_SEES"] in page.content.decode())
"""

PDF_HASHES = """
import hashlib
from django.core.files.storage import default_storage
from archive.models import ArchiveRecord
for record in ArchiveRecord.objects.order_by("number"):
    body = default_storage.open(record.pdf.name, "rb").read()
    print(record.number, hashlib.sha256(body).hexdigest() == record.pdf_sha256)
"""


@pytest.fixture
def fresh_database_url():
    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/')[:40]}_restore_{secrets.token_hex(4)}"
    server = url._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def populated(settings, tmp_path, make_case, work_calendar):
    settings.MEDIA_ROOT = tmp_path / "media"
    archived = []
    for subject in ("证书领取时间咨询", "补办学生证"):
        case = make_case(subject=subject)
        sign(record_result(case), rating=2, reasons="还没有解决")
        case.refresh_from_db()
        close_case(case)  # committed: archived at once (ARCHIVE_QUIET_HOURS=0) on commit
        record = ArchiveRecord.objects.get(case=case)
        archived.append((case, archive_render_pdf(record=record)))
    return archived


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_backup_restores_into_a_fresh_database_and_media_directory(
    populated, settings, tmp_path, fresh_database_url
):
    call_command("backup", str(tmp_path / "out"))
    (archive,) = (tmp_path / "out").glob("firstask-*.tar")
    with tarfile.open(archive) as tar:
        manifest_file = tar.extractfile("manifest.json")
        assert manifest_file is not None
        manifest = json.load(manifest_file)
    media = [name for name in manifest["files"] if name.startswith("media/")]
    assert any(name.endswith(".pdf") for name in media)
    assert any("signature" in name or name.endswith(".png") for name in media)

    env = {**os.environ, "DATABASE_URL": fresh_database_url, "MEDIA_ROOT": str(tmp_path / "m2")}
    done = manage("restore", str(archive), env=env)
    assert done.returncode == 0, done.stderr
    assert f"{len(media)} media files" in done.stdout

    verified = manage("audit_verify", env=env)
    assert verified.returncode == 0, verified.stderr
    assert "audit chain intact" in verified.stdout

    hashes = manage("shell", "-v", "0", "-c", PDF_HASHES, env=env)
    assert hashes.returncode == 0, hashes.stderr
    lines = hashes.stdout.split()
    assert lines == [item for case, record in populated for item in (record.number, "True")]

    case = populated[0][0]
    # DEBUG: static files from the finders (no collectstatic in the test tree).
    env |= {
        "DEBUG": "1",
        "OPEN_AS": case.owner.username,
        "OPEN_CASE": case.number,
        "OPEN_SEES": case.subject,
    }
    opened = manage("shell", "-v", "0", "-c", OPEN_CASE, env=env)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.split() == ["200", "True"]


def test_restore_refuses_a_database_that_is_not_empty(populated, tmp_path):
    call_command("backup", str(tmp_path / "out"))
    (archive,) = (tmp_path / "out").glob("firstask-*.tar")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive))


def test_restore_refuses_a_backup_whose_file_was_altered(
    populated, settings, tmp_path, fresh_database_url
):
    call_command("backup", str(tmp_path / "out"))
    (archive,) = (tmp_path / "out").glob("firstask-*.tar")
    altered = tmp_path / "altered.tar"
    with tarfile.open(archive) as source, tarfile.open(altered, "w") as target:
        for member in source.getmembers():
            extracted = source.extractfile(member)
            assert extracted is not None  # the backup holds regular files only
            body = extracted.read()
            if member.name.endswith(".pdf"):
                body = body.replace(b"%%EOF", b"%%EOX")
            member.size = len(body)
            target.addfile(member, io.BytesIO(body))
    env = {**os.environ, "DATABASE_URL": fresh_database_url, "MEDIA_ROOT": str(tmp_path / "m2")}
    done = manage("restore", str(altered), env=env)
    assert done.returncode != 0
    assert "SHA-256 does not match the manifest" in done.stderr
    assert not (tmp_path / "m2").exists()


def test_backup_refuses_a_client_of_another_major_version(db):
    with pytest.raises(backup.BackupError, match="PostgreSQL 9 "):
        backup.pg_client(9)
