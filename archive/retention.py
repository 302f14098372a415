"""Retention reaches every stored copy of an erased case (PRV-1 with CLO-5).

When the retention sweep erases a case (``cases.retention``), its stored archive PDF is rendered
again without the visitor's name, phone and signature images, and each stored ZIP export holding
it gets the new PDF in place of the old one. Both are recorded with their old and new SHA-256
(``archive.redact_pdf``, ``archive.export_redact``); the old files are deleted once the erasure
commits. The archive record changes only through the one redaction its trigger allows
(0001_squashed). Exports older than ``ARCHIVE_EXPORT_KEEP_DAYS`` are deleted outright.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import secrets
import tempfile
import zipfile

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from cases.models import Case

from .models import ArchiveRecord, ExportJob


def export_keep_days() -> int:
    return getattr(settings, "ARCHIVE_EXPORT_KEEP_DAYS", 30)


def _delete_on_commit(name: str | None) -> None:
    def delete() -> None:
        if name and default_storage.exists(name):
            default_storage.delete(name)

    transaction.on_commit(delete)


def redact_archive_copies(case: Case) -> None:
    """The erasure step of the archive app: runs in the erasing transaction, idempotent."""
    record = ArchiveRecord.objects.select_for_update().filter(case=case).first()
    if record is None or not record.pdf_sha256 or record.redacted_at is not None:
        return  # no stored PDF yet (it will be rendered without the data) or already redacted
    old_name = record.pdf.name
    record = archive_redact_pdf(record=record)
    exports_expire()
    exports_redact(record=record)
    _delete_on_commit(old_name)


def archive_redact_pdf(*, record: ArchiveRecord) -> ArchiveRecord:
    from .pdf import render_record_pdf

    before = {"pdf_sha256": record.pdf_sha256, "data_sha256": record.data_sha256}
    pdf, data_sha256 = render_record_pdf(record)
    name = default_storage.save(
        f"archive/{record.year:04d}/{record.month:02d}/{record.number}-erased.pdf",
        ContentFile(pdf),
    )
    record.pdf.name = name
    record.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    record.data_sha256 = data_sha256
    record.pdf_rendered_at = record.redacted_at = timezone.now()
    record.save(
        update_fields=["pdf", "pdf_sha256", "data_sha256", "pdf_rendered_at", "redacted_at"]
    )
    audit_record(
        actor=None,
        action="archive.redact_pdf",
        object_type="archive",
        object_id=record.number,
        before=before,
        after={
            "pdf_sha256": record.pdf_sha256,
            "data_sha256": data_sha256,
            "covers": "record without the visitor's personal data (retention erasure)",
        },
    )
    return record


def _holds(job: ExportJob, entry: str) -> bool:
    try:
        with (
            default_storage.open(job.file.name or "", "rb") as handle,
            zipfile.ZipFile(handle) as zf,
        ):
            return entry in zf.namelist()
    except (FileNotFoundError, zipfile.BadZipFile):
        return False


def exports_redact(*, record: ArchiveRecord) -> int:
    """Put the redacted PDF into every stored export that holds the record; returns how many."""
    entry = f"{record.number}.pdf"
    changed = 0
    jobs = ExportJob.objects.select_for_update().filter(state=ExportJob.State.DONE)
    for job in jobs.exclude(file="").order_by("pk"):
        if _holds(job, entry):
            _export_replace(job, record=record, entry=entry)
            changed += 1
    return changed


def _export_replace(job: ExportJob, *, record: ArchiveRecord, entry: str) -> None:
    old_name, old_sha256 = job.file.name, job.sha256
    with default_storage.open(record.pdf.name or "", "rb") as handle:
        pdf = handle.read()
    with tempfile.TemporaryFile() as spool:
        with (
            default_storage.open(old_name or "", "rb") as source,
            zipfile.ZipFile(source) as old,
            zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as new,
        ):
            for info in old.infolist():
                if info.filename == entry:
                    new.writestr(entry, pdf)
                elif info.filename == "manifest.csv":
                    new.writestr("manifest.csv", _manifest(old.read(info), record))
                else:
                    new.writestr(info, old.read(info))
        spool.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: spool.read(1 << 16), b""):
            digest.update(chunk)
        spool.seek(0)
        name = default_storage.save(
            f"exports/{timezone.localdate():%Y%m}/{secrets.token_hex(12)}.zip", File(spool)
        )
    job.file.name, job.sha256 = name, digest.hexdigest()
    job.save(update_fields=["file", "sha256"])
    audit_record(
        actor=None,
        action="archive.export_redact",
        object_type="archive_export",
        object_id=job.pk,
        before={"sha256": old_sha256},
        after={"sha256": job.sha256, "replaced": record.number, "pdf_sha256": record.pdf_sha256},
    )
    _delete_on_commit(old_name)


def _manifest(raw: bytes, record: ArchiveRecord) -> bytes:
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    for row in rows[1:]:
        if row and row[0] == record.number:
            row[-1] = record.pdf_sha256
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode("utf-8")


@transaction.atomic
def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports finished more than ``ARCHIVE_EXPORT_KEEP_DAYS`` ago: the
    auditor downloads an export soon after asking for it; a copy kept longer is a copy the
    retention policy would have to chase."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=export_keep_days())
    old = ExportJob.objects.select_for_update().filter(finished_at__lt=cutoff).exclude(file="")
    count = 0
    for job in old.order_by("pk"):
        _delete_on_commit(job.file.name)
        audit_record(
            actor=None,
            action="archive.export_expire",
            object_type="archive_export",
            object_id=job.pk,
            before={"sha256": job.sha256},
            after={"deleted": True},
        )
        job.file.name = ""
        job.save(update_fields=["file"])
        count += 1
    return count
