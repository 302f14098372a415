"""Bulk ZIP export of a filtered set of archives (CLO-5) and the audit of every download."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import secrets
import tempfile
import zipfile
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from audit.services import audit_record, audit_record_standalone
from cases.errors import NotAllowed

from .models import ArchiveRecord, ExportJob
from .services import archive_render_pdf, enqueue

logger = logging.getLogger(__name__)

FILTER_KEYS = ("q", "year", "month", "category", "department", "owner", "satisfaction")
MANIFEST_HEADER = ["archive_number", "case_number", "category", "closed_date", "pdf_sha256"]
PROGRESS_EVERY = 10


class ChecksumMismatch(Exception):
    """A stored PDF no longer matches the checksum recorded when it was rendered."""


def clean_filters(params: Any) -> dict[str, str]:
    return {key: str(params.get(key)).strip() for key in FILTER_KEYS if params.get(key)}


@transaction.atomic
def export_request(actor: User, *, filters: dict[str, str]) -> ExportJob:
    if not permissions.can_export_archive(actor):
        raise NotAllowed()
    job = ExportJob.objects.create(requested_by=actor, filters=filters)
    audit_record(
        actor=actor,
        action="archive.export_request",
        object_type="archive_export",
        object_id=job.pk,
        after={"filters": filters},
    )
    from .tasks import archive_export_run

    transaction.on_commit(lambda: enqueue(archive_export_run, job.pk))
    return job


def _records(job: ExportJob) -> list[ArchiveRecord]:
    from .selectors import archive_filter

    found = archive_filter(user=job.requested_by, params=job.filters).qs
    return list(found.select_related("case", "category").order_by("number"))


def _pdf_of(record: ArchiveRecord) -> ArchiveRecord:
    return record if record.pdf_sha256 else archive_render_pdf(record=record)


def _add_pdf(archive: zipfile.ZipFile, record: ArchiveRecord) -> str:
    """Stream the stored PDF into the ZIP, checking it against its recorded SHA-256."""
    digest = hashlib.sha256()
    with (
        default_storage.open(record.pdf.name or "", "rb") as source,
        archive.open(f"{record.number}.pdf", "w") as target,
    ):
        for chunk in iter(lambda: source.read(1 << 16), b""):
            digest.update(chunk)
            target.write(chunk)
    if digest.hexdigest() != record.pdf_sha256:
        raise ChecksumMismatch(record.number)
    return digest.hexdigest()


def _manifest_row(record: ArchiveRecord, sha256: str) -> list[str]:
    closed = record.case.closed_at
    return [
        record.number,
        record.case.number,
        record.category.code,
        timezone.localtime(closed).date().isoformat() if closed else "",
        sha256,
    ]


def export_build(*, job_id: int) -> ExportJob | None:
    """The Celery task's work: one PDF per case plus manifest.csv, progress saved as it goes."""
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.finished:
        return job
    try:
        records = _records(job)
        ExportJob.objects.filter(pk=job.pk).update(state="running", total=len(records), done=0)
        with tempfile.TemporaryFile() as spool:
            manifest = _write_zip(spool, job, records)
            spool.seek(0)
            digest = _sha256_of(spool)
            spool.seek(0)
            name = default_storage.save(
                f"exports/{timezone.localdate():%Y%m}/{secrets.token_hex(12)}.zip", File(spool)
            )
    except Exception as error:
        logger.exception("archive export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state="failed", error=str(error)[:500], finished_at=timezone.now()
        )
        return ExportJob.objects.get(pk=job.pk)
    return _export_finish(job, name=name, digest=digest, count=len(manifest))


def _write_zip(spool: Any, job: ExportJob, records: list[ArchiveRecord]) -> list[list[str]]:
    rows: list[list[str]] = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, record in enumerate(records, start=1):
            record = _pdf_of(record)
            rows.append(_manifest_row(record, _add_pdf(archive, record)))
            if index % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=job.pk).update(done=index)
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(MANIFEST_HEADER)
        writer.writerows(rows)
        archive.writestr("manifest.csv", text.getvalue().encode("utf-8"))
    return rows


def _sha256_of(handle: Any) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 16), b""):
        digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def _export_finish(job: ExportJob, *, name: str, digest: str, count: int) -> ExportJob:
    job = ExportJob.objects.select_for_update().get(pk=job.pk)
    job.file.name = name
    job.sha256 = digest
    job.state = ExportJob.State.DONE
    job.done = job.total = count
    job.finished_at = timezone.now()
    job.save()
    audit_record(
        actor=None,
        action="archive.export_build",
        object_type="archive_export",
        object_id=job.pk,
        after={"count": count, "sha256": digest},
    )
    return job


def export_download_record(actor: User, *, job: ExportJob) -> None:
    """Each download is audited (CLO-5)."""
    if not permissions.can_export_archive(actor) or job.requested_by_id != actor.pk:
        raise NotAllowed()
    audit_record_standalone(
        actor=actor,
        action="archive.export_download",
        object_type="archive_export",
        object_id=job.pk,
        after={"count": job.total, "sha256": job.sha256, "filters": job.filters},
    )


def pdf_download_record(actor: User, *, record: ArchiveRecord) -> None:
    audit_record_standalone(
        actor=actor,
        action="archive.pdf_download",
        object_type="archive",
        object_id=record.number,
        after={"case": record.case.number, "pdf_sha256": record.pdf_sha256},
    )
