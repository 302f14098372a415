"""Choosing the media store by the environment (MEDIA_STORAGE), and what firstask.storage reads
from the local disk. The flows against a bucket are in test_storage_s3.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from firstask.storage import media_names, media_store_label

ROOT = Path(__file__).resolve().parent.parent
SHOW_STORAGE = """
from django.conf import settings
from django.core.files.storage import storages
options = settings.STORAGES["default"].get("OPTIONS", {})
print(type(storages["default"]).__name__)
print(options.get("bucket_name"), options.get("endpoint_url"), options.get("file_overwrite"))
print(options["client_config"].s3["addressing_style"] if options else None)
"""


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    # Only settings are read: the database need not be reachable (port 9 is closed).
    environment["DATABASE_URL"] = "postgres://nobody@127.0.0.1:9/firstask_unreachable"
    environment["DJANGO_SETTINGS_MODULE"] = "firstask.settings"
    script = f"import django\ndjango.setup()\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_local_disk_is_the_default():
    done = _python(SHOW_STORAGE, MEDIA_STORAGE="local")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "FileSystemStorage"


def test_s3_is_configured_from_the_environment_and_never_overwrites():
    done = _python(
        SHOW_STORAGE,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="firstask-media",
        AWS_S3_ENDPOINT_URL="http://minio:9000",
        AWS_S3_ADDRESSING_STYLE="path",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "S3Storage",
        "firstask-media",
        "http://minio:9000",
        "False",
        "path",
    ]


def test_s3_without_a_bucket_refuses_to_start_and_says_what_is_missing():
    done = _python("", MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="")
    assert done.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in done.stderr


def test_an_unknown_media_storage_refuses_to_start():
    done = _python("", MEDIA_STORAGE="ftp")
    assert done.returncode != 0
    assert "MEDIA_STORAGE must be 'local' or 's3', not 'ftp'" in done.stderr


def test_media_names_of_a_media_root_not_created_yet_is_empty(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "never-made"
    assert media_names() == []
    assert media_store_label() == f"MEDIA_ROOT {tmp_path / 'never-made'}"


def test_media_names_walks_the_local_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for name in ("b.txt", "archive/2026/01/x.pdf", "cases/2026/02/y.pdf"):
        default_storage.save(name, ContentFile(b"x"))
    assert media_names() == ["archive/2026/01/x.pdf", "b.txt", "cases/2026/02/y.pdf"]
