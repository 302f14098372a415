from __future__ import annotations

from celery import shared_task

from . import exports, services
from .models import ArchiveRecord


@shared_task(acks_late=True)
def archive_render_pdf(record_id: int) -> None:
    """Idempotent; a failed render is picked up again by the sweep."""
    record = ArchiveRecord.objects.filter(pk=record_id).first()
    if record is not None:
        services.archive_render_pdf(record=record)


@shared_task(acks_late=True)
def archive_sweep() -> int:
    return services.archive_sweep()


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def archive_export_run(job_id: int) -> None:
    exports.export_build(job_id=job_id)
