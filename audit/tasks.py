"""Celery tasks of the audit trail: thin, safe to rerun (no new event, no new checkpoint)."""

from celery import shared_task

from . import services


@shared_task(name="audit.write_checkpoint", acks_late=True, ignore_result=True)
def write_checkpoint() -> int | None:
    row = services.audit_checkpoint_write()
    return row.pk if row else None
