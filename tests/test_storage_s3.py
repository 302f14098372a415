"""Media in an S3-compatible bucket (MEDIA_STORAGE=s3), against moto's server mode on a loopback
port: the real flows with STORAGES pointed at it. A signature is stored and served, an archive PDF
is rendered by WeasyPrint (with that signature read back from the bucket), stored and downloaded,
attachments go up and come down, an export ZIP is built and downloaded, and a backup of one bucket
restores into another. Nothing lands in MEDIA_ROOT, and every file is still served by our views
(who may see it, audit), never through a bucket URL."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import socket
import subprocess
import tarfile
import zipfile

import pytest
from botocore.config import Config
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from archive import exports
from archive.models import ArchiveRecord, ExportJob
from archive.retention import exports_expire
from archive.services import archive_render_pdf
from audit.models import AuditEvent
from cases.models import CaseAttachment
from closure.models import ResultRound
from firstask.downloads import DOWNLOAD_CSP
from firstask.storage import media_names, media_store_label
from handoffs import services as handoff_services
from tests.archive.factories import archived_case
from tests.cases.test_views import intake_data
from tests.closure.factories import close_case, record_result, sign
from tests.factories import CategoryFactory
from tests.handoffs.factories import JPEG_BYTES, PDF_BYTES, upload
from tests.s3 import Bucket, make_bucket, moto_server, s3_backend, s3_environment
from tests.test_backup import PDF_HASHES, fresh_database_url, manage  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_endpoint():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def media_root(settings, tmp_path):
    """The local directory that must stay untouched while media go to the bucket."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def bucket(s3_endpoint, settings, media_root):
    found = make_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": s3_backend(s3_endpoint, found.name)}
    return found


def test_the_default_storage_is_the_bucket(bucket):
    default_storage.save("probe/a.txt", ContentFile(b"a"))
    assert bucket.names() == ["probe/a.txt"]
    assert media_store_label() == f"bucket {bucket.name}"


def test_a_name_is_never_overwritten(bucket):
    """As on the local disk: a second file under a taken name gets a name of its own."""
    first = default_storage.save("archive/x.pdf", ContentFile(b"first"))
    second = default_storage.save("archive/x.pdf", ContentFile(b"second"))
    assert first == "archive/x.pdf" and second != first
    assert bucket.read(first) == b"first" and bucket.read(second) == b"second"


def test_signature_is_stored_in_the_bucket_and_served_by_our_view(
    client, bucket, media_root, make_case, work_calendar, colleague
):
    case = make_case()
    sign(record_result(case))
    round_ = ResultRound.objects.get(case=case)
    assert bucket.names() == [round_.signature.name]
    stored = bucket.read(round_.signature.name)
    assert stored.startswith(b"\x89PNG")

    url = reverse("closure:signature", args=[case.number, round_.number])
    client.force_login(case.owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert b"".join(response.streaming_content) == stored
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    assert not media_root.exists()


def test_archive_pdf_is_rendered_stored_in_the_bucket_and_downloaded(
    client, bucket, media_root, auditor, make_case, work_calendar
):
    _case, record = archived_case(make_case)
    assert not record.pdf_sha256  # rendered on first download (no worker ran)

    client.force_login(auditor)
    response = client.get(f"/archive/{record.number}.pdf")
    assert response.status_code == 200  # served by our view, not a redirect to the bucket
    body = b"".join(response.streaming_content)
    record.refresh_from_db()
    assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == record.pdf_sha256
    assert record.pdf.name.startswith("archive/") and bucket.read(record.pdf.name) == body
    # The visitor's signature was read back from the bucket into the PDF.
    reader = PdfReader(io.BytesIO(body))
    assert {image.name for page in reader.pages for image in page.images}
    assert AuditEvent.objects.filter(action="archive.pdf_download", actor=auditor).exists()
    assert not media_root.exists()


def test_intake_document_goes_to_the_bucket_and_downloads_sandboxed(
    client, bucket, media_root, front_desk, category
):
    client.force_login(front_desk)
    client.post(reverse("cases:new"), intake_data(category, document=upload("证件.pdf", PDF_BYTES)))
    stored = CaseAttachment.objects.get()
    assert stored.file.name and stored.file.name.startswith("cases/")
    assert bucket.names() == [stored.file.name]

    response = client.get(reverse("cases:attachment", args=[stored.case.number, stored.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert not media_root.exists()


def test_answer_attachment_goes_to_the_bucket_and_only_those_who_may_see_it_download(
    client, bucket, make_case, department, dept_member, front_desk, colleague
):
    case = make_case(outcome="referral", department=department)
    referral = case.referrals.get()
    handoff_services.referral_accept(dept_member, referral=referral)
    referral.refresh_from_db()
    answer = handoff_services.referral_answer(
        dept_member, referral=referral, text="已安排补课", upload=upload("安排.jpg", JPEG_BYTES)
    )
    assert answer.attachment.name and answer.attachment.name.startswith("handoffs/")
    assert bucket.read(answer.attachment.name) == JPEG_BYTES

    url = reverse("handoffs:attachment", args=[answer.pk])
    client.force_login(front_desk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG_BYTES
    client.force_login(colleague)
    assert client.get(url).status_code == 404


def test_export_zip_is_built_in_the_bucket_downloaded_and_expired(
    client, bucket, media_root, auditor, make_case, work_calendar,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    archived_case(make_case, subject="证书领取")
    archived_case(
        make_case, subject="退费进度", category=CategoryFactory.create(code="CW", name="缴费")
    )
    client.force_login(auditor)
    client.post("/archive/export/", {})
    job = ExportJob.objects.get()
    exports.export_build(job_id=job.pk)  # what the Celery task does
    job.refresh_from_db()
    key = job.file.name
    assert job.state == "done" and key and key in bucket.names()

    response = client.get(f"/archive/export/{job.pk}/download/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == job.sha256
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pdfs = {name: archive.read(name) for name in archive.namelist() if name.endswith(".pdf")}
    assert {f"{record.number}.pdf" for record in ArchiveRecord.objects.all()} == set(pdfs)
    for record in ArchiveRecord.objects.all():
        assert hashlib.sha256(pdfs[f"{record.number}.pdf"]).hexdigest() == record.pdf_sha256

    with django_capture_on_commit_callbacks(execute=True):
        exports_expire(now=timezone.now() + dt.timedelta(days=365))
    job.refresh_from_db()
    assert not job.file.name and data_key_gone(bucket, key)
    assert not media_root.exists()


def data_key_gone(bucket: Bucket, key: str) -> bool:
    return key not in bucket.names()


def test_media_names_lists_every_key_under_every_prefix(bucket):
    for name in ("a.txt", "archive/2026/01/x.pdf", "archive/2026/02/y.pdf", "cases/z.pdf"):
        default_storage.save(name, ContentFile(b"x"))
    assert media_names() == [
        "a.txt",
        "archive/2026/01/x.pdf",
        "archive/2026/02/y.pdf",
        "cases/z.pdf",
    ]


@pytest.mark.django_db(transaction=True)
def test_backup_of_a_bucket_restores_into_another_bucket(
    s3_endpoint, bucket, media_root, tmp_path, make_case, work_calendar, request
):
    """`backup` reads the bucket through the storage API; `restore`, configured by the
    environment alone (MEDIA_STORAGE=s3 and the AWS_* variables, as in production), refuses a
    bucket that holds files and fills an empty one with exactly the same names and bytes."""
    database_url = request.getfixturevalue("fresh_database_url")
    for subject in ("证书领取时间咨询", "补办学生证"):
        case = make_case(subject=subject)
        close_case(case)  # committed: archived at once (ARCHIVE_QUIET_HOURS=0)
        archive_render_pdf(record=ArchiveRecord.objects.get(case=case))
    call_command("backup", str(tmp_path / "out"))
    (archive,) = (tmp_path / "out").glob("firstask-*.tar")
    with tarfile.open(archive) as tar:
        manifest_file = tar.extractfile("manifest.json")
        assert manifest_file is not None
        files = json.load(manifest_file)["files"]
    media = sorted(name.removeprefix("media/") for name in files if name.startswith("media/"))
    assert media == bucket.names()
    assert any(name.endswith(".pdf") for name in media)
    assert any(name.endswith(".png") for name in media)

    def restore_into(target: Bucket) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(tmp_path / "m2"),
            **s3_environment(s3_endpoint, target.name),
        }
        return manage("restore", str(archive), env=env), env

    refused, _env = restore_into(bucket)
    assert refused.returncode != 0
    assert f"bucket {bucket.name} is not empty" in refused.stderr

    target = make_bucket(s3_endpoint)
    done, env = restore_into(target)
    assert done.returncode == 0, done.stderr
    assert f"{len(media)} media files" in done.stdout
    assert target.names() == media
    assert all(target.read(name) == bucket.read(name) for name in media)
    hashes = manage("shell", "-v", "0", "-c", PDF_HASHES, env=env)
    assert hashes.returncode == 0, hashes.stderr
    numbers = ArchiveRecord.objects.order_by("number").values_list("number", flat=True)
    assert hashes.stdout.split() == [item for number in numbers for item in (number, "True")]
    assert not (tmp_path / "m2").exists()


def dead_store(bucket: Bucket) -> dict:
    """The bucket's settings, at a port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    backend = s3_backend(dead, bucket.name)
    backend["OPTIONS"]["client_config"] = Config(
        s3={"addressing_style": "path"}, connect_timeout=1, retries={"max_attempts": 1}
    )
    return backend


def test_a_store_that_does_not_answer_is_a_503_not_a_500(
    client, bucket, settings, s3_endpoint, front_desk, category
):
    client.force_login(front_desk)
    client.post(reverse("cases:new"), intake_data(category, document=upload("证件.pdf", PDF_BYTES)))
    stored = CaseAttachment.objects.get()
    settings.STORAGES = {**settings.STORAGES, "default": dead_store(bucket)}
    client.raise_request_exception = False
    response = client.get(reverse("cases:attachment", args=[stored.case.number, stored.pk]))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "文件存储暂时没有响应" in response.content.decode()  # the page in Chinese


def test_healthz_reports_the_bucket_and_a_silent_one_only_degrades(client, bucket, settings):
    assert client.get("/healthz").json()["media"] == "ok"
    settings.STORAGES = {**settings.STORAGES, "default": dead_store(bucket)}
    response = client.get("/healthz")
    assert response.status_code == 200  # the node keeps serving every page without files
    assert response.json()["media"] == "failing" and response.json()["status"] != "ok"
