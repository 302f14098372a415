"""Retention reaches every stored copy (PRV-1 with CLO-5): after the sweep no stored PDF or ZIP
export holds a signature image, the visitor's name or their (masked) phone; the old and new
SHA-256 are in the audit trail and the record's checksum says what it covers."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pypdf
import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from archive import exports
from archive.models import ArchiveRecord, ExportJob
from archive.pdf import render_record_pdf
from archive.record import data_checksum, record_data
from archive.retention import exports_expire
from archive.services import archive_render_pdf
from audit.models import AuditEvent
from audit.selectors import audit_chain_breaks
from tests.archive.factories import archived_case

pytestmark = pytest.mark.django_db

NAME, MASKED_NAME, MASKED_PHONE = "张三", "张*", "138****1234"


def pdf_facts(body: bytes) -> tuple[str, int]:
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    images = {image.name for page in reader.pages for image in page.images}
    return text, len(images)


def stored_pdfs(media: Path) -> dict[str, bytes]:
    """Every PDF in storage, the ones inside ZIP exports included."""
    found = {}
    for path in media.rglob("*"):
        if path.suffix == ".pdf":
            found[str(path)] = path.read_bytes()
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.endswith(".pdf"):
                        found[f"{path}!{name}"] = archive.read(name)
    return found


@pytest.fixture
def old_archive(make_case, work_calendar, settings, auditor):
    """A case signed by the visitor and archived 60 days ago, its PDF stored and exported."""
    settings.RETENTION_DAYS = 30
    with time_machine.travel(timezone.now() - dt.timedelta(days=60), tick=False):
        case, record = archived_case(make_case, rework=True)
        record = archive_render_pdf(record=record)
    job = exports.export_build(job_id=ExportJob.objects.create(requested_by=auditor).pk)
    assert job is not None and job.state == "done"
    return case, record, job


def test_before_the_sweep_the_copies_hold_the_personal_data(old_archive, settings):
    copies = stored_pdfs(Path(settings.MEDIA_ROOT))
    assert len(copies) == 2  # the stored PDF and its copy in the export
    for body in copies.values():
        text, images = pdf_facts(body)
        assert MASKED_PHONE in text and MASKED_NAME in text and images == 2


def test_after_the_sweep_no_stored_copy_holds_signature_name_or_phone(
    old_archive, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention_sweep")
    copies = stored_pdfs(Path(settings.MEDIA_ROOT))
    assert len(copies) == 2  # the old files are gone, the new ones replace them
    for where, body in copies.items():
        text, images = pdf_facts(body)
        assert images == 0, where
        assert NAME not in text and MASKED_NAME not in text, where
        assert MASKED_PHONE not in text and "1234" not in text, where
        assert "retention" in text or "保留" in text, where  # the erasure note


def test_the_audit_trail_holds_old_and_new_checksums(
    old_archive, django_capture_on_commit_callbacks
):
    _case, record, job = old_archive
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention_sweep")
    redacted = ArchiveRecord.objects.get(pk=record.pk)
    event = AuditEvent.objects.get(action="archive.redact_pdf", object_id=record.number)
    assert event.before == {"pdf_sha256": record.pdf_sha256, "data_sha256": record.data_sha256}
    assert event.after is not None
    assert event.after["pdf_sha256"] == redacted.pdf_sha256 != record.pdf_sha256
    assert event.after["data_sha256"] == redacted.data_sha256 != record.data_sha256
    assert redacted.redacted_at is not None
    rewritten = ExportJob.objects.get(pk=job.pk)
    export_event = AuditEvent.objects.get(action="archive.export_redact", object_id=str(job.pk))
    assert export_event.before == {"sha256": job.sha256}
    assert export_event.after is not None
    assert export_event.after["sha256"] == rewritten.sha256 != job.sha256
    assert list(audit_chain_breaks()) == []


def test_the_export_manifest_and_checksum_match_the_new_files(
    old_archive, django_capture_on_commit_callbacks
):
    _case, record, job = old_archive
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention_sweep")
    job = ExportJob.objects.get(pk=job.pk)
    redacted = ArchiveRecord.objects.get(pk=record.pk)
    assert job.file.name
    body = default_storage.open(job.file.name, "rb").read()
    import hashlib

    assert hashlib.sha256(body).hexdigest() == job.sha256
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        manifest = archive.read("manifest.csv").decode()
        assert redacted.pdf_sha256 in manifest and record.pdf_sha256 not in manifest


def test_the_data_checksum_states_what_it_covers(old_archive, django_capture_on_commit_callbacks):
    _case, record, _job = old_archive
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention_sweep")
    redacted = ArchiveRecord.objects.get(pk=record.pk)
    data = record_data(redacted)
    assert data["erasure"]["removed"] == ["visitor.name", "visitor.phone", "rounds.signature_image"]
    assert data["visitor"]["name"] == data["visitor"]["phone"] == ""
    assert data["visitor"]["erased_at"] == data["erasure"]["erased_at"]
    assert data_checksum(data) == redacted.data_sha256 == render_record_pdf(redacted)[1]
    assert redacted.pdf.name
    text, _images = pdf_facts(default_storage.open(redacted.pdf.name, "rb").read())
    assert redacted.data_sha256 in text.replace("\n", "")


def test_the_sweep_is_idempotent_for_the_copies(old_archive, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention_sweep")
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention_sweep")
    assert AuditEvent.objects.count() == events


def test_the_trigger_refuses_a_redaction_of_a_case_not_erased(make_case, work_calendar):
    _case, record = archived_case(make_case)
    record = archive_render_pdf(record=record)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_archiverecord SET redacted_at = now(), pdf_sha256 = 'x' WHERE id = %s",
            [record.pk],
        )


def test_the_trigger_refuses_a_second_redaction_and_any_other_change(
    old_archive, django_capture_on_commit_callbacks
):
    _case, record, _job = old_archive
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention_sweep")
    for sql in (
        "UPDATE archive_archiverecord SET redacted_at = now(), pdf_sha256 = 'y' WHERE id = %s",
        "UPDATE archive_archiverecord SET number = 'X' WHERE id = %s",
        "DELETE FROM archive_archiverecord WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [record.pk])


def test_exports_older_than_the_setting_are_deleted(
    old_archive, settings, django_capture_on_commit_callbacks
):
    _case, _record, job = old_archive
    settings.ARCHIVE_EXPORT_KEEP_DAYS = 7
    assert exports_expire() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_expire(now=timezone.now() + dt.timedelta(days=8)) == 1
    assert not default_storage.exists(job.file.name)
    assert ExportJob.objects.get(pk=job.pk).file.name == ""
    assert AuditEvent.objects.filter(action="archive.export_expire").count() == 1
