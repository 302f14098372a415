"""Celery tasks of the audit trail: thin, safe to rerun (no new event, no new checkpoint)."""

from celery import shared_task

from . import services


@shared_task(name="audit.write_checkpoint", acks_late=True, ignore_result=True)
def write_checkpoint() -> int | None:
    row = services.audit_checkpoint_write()
    return row.pk if row else None


# A whole-chain walk outlasts the default limits on a large trail.
@shared_task(
    name="audit.verify_chain",
    acks_late=True,
    ignore_result=True,
    time_limit=3600,
    soft_time_limit=3540,
)
def verify_chain(verification_id: int) -> bool | None:
    verification = services.audit_verification_run(verification_id=verification_id)
    return verification.intact if verification else None
