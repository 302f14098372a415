from __future__ import annotations

import logging
from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import chain, context, mail
from .checkpoints import Checkpoint, checkpoint_sign
from .models import AuditCheckpoint, AuditEvent, AuditVerification, PersonalDataAccess
from .selectors import ChainBreak, audit_chain_breaks, audit_checkpoints_stored

logger = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 0x46A5_0001


def _lock_chain() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    Callers pass values safe to keep forever: no raw phone numbers or names of visitors.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(getattr(actor, "username", "") or "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_jsonable(before),
        after=_jsonable(after),
        request_id=context.request_id.get(),
        prev_hash=last or chain.GENESIS,
    )
    event.hash = chain.event_hash(prev_hash=event.prev_hash, fields=chain.hashed_fields(event))
    event.save(force_insert=True)
    return event


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Round-trip through the canonical encoder so the hash covers what the database keeps."""
    if value is None:
        return None
    import json

    return json.loads(chain.canonical(value))


@transaction.atomic
def audit_record_standalone(**kwargs: Any) -> AuditEvent:
    """For actions that have no other write (e.g. viewing personal data)."""
    return audit_record(**kwargs)


def personal_data_access_record(
    actor: Any, *, kind: str, visitor_id: int, case_number: str = "", reason: str = ""
) -> PersonalDataAccess:
    """PRV-1: log a full view of a visitor's personal data. Views by the people working on the
    case go to the access log only (one INSERT, atomic by itself: every case page shows the
    data to its owner, so no transaction around it); a reveal, export or correction is also an
    audit event, written in the same transaction."""
    with transaction.atomic() if kind != PersonalDataAccess.Kind.VIEW else nullcontext():
        access = PersonalDataAccess.objects.create(
            actor=actor,
            kind=kind,
            visitor_id=visitor_id,
            case_number=case_number,
            reason=reason[:500],
            request_id=context.request_id.get(),
        )
        if kind != PersonalDataAccess.Kind.VIEW:
            audit_record(
                actor=actor,
                action=f"pii.{kind}",
                object_type="visitor",
                object_id=visitor_id,
                after={"case": case_number, "reason": reason[:500], "access": access.pk},
            )
    return access


class AuditChainBroken(Exception):
    def __init__(self, breaks: list[ChainBreak]) -> None:
        super().__init__("; ".join(b.reason for b in breaks[:5]))
        self.breaks = breaks


# Key of the advisory lock that keeps two beats from writing the same checkpoint twice.
_CHECKPOINT_LOCK = 0x46A5_0002


def audit_checkpoint_write() -> AuditCheckpoint | None:
    """Sign and keep the chain's head, then mail it to the auditors (after commit).

    Nothing is written when no event was appended since the last checkpoint. Before signing,
    the rows appended since the last checkpoint are checked (links, hashes, and the count of
    every row up to the head), so a tampered chain is never signed: AuditChainBroken is raised
    and the auditors are alerted instead.
    """
    try:
        return _checkpoint_write()
    except AuditChainBroken as error:
        mail.audit_alert_mail(breaks=error.breaks)
        raise


@transaction.atomic
def _checkpoint_write() -> AuditCheckpoint | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_CHECKPOINT_LOCK])
        if not cursor.fetchone()[0]:
            return None
    head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    if head is None:
        return None
    head_id, head_hash = head
    trusted, _forged = audit_checkpoints_stored()
    start = trusted[-1] if trusted else None
    if start is not None and start.last_event_id >= head_id:
        return None
    breaks = list(audit_chain_breaks(start=start, end=head_id))
    count = AuditEvent.objects.filter(id__lte=head_id).count()
    appended = AuditEvent.objects.filter(
        id__gt=start.last_event_id if start else 0, id__lte=head_id
    ).count()
    if start is not None and count != start.event_count + appended:
        breaks.append(
            ChainBreak(
                start.last_event_id,
                f"{start.event_count + appended - count} event(s) up to #{start.last_event_id} "
                f"missing: the {start.describe()}",
            )
        )
    if breaks:
        raise AuditChainBroken(breaks)
    checkpoint = Checkpoint(
        last_event_id=head_id,
        event_count=count,
        head_hash=head_hash,
        created_at=timezone.now().replace(microsecond=0),
    )
    row = AuditCheckpoint.objects.create(
        last_event_id=checkpoint.last_event_id,
        event_count=checkpoint.event_count,
        head_hash=checkpoint.head_hash,
        created_at=checkpoint.created_at,
        signature=checkpoint_sign(checkpoint),
    )
    transaction.on_commit(lambda: mail.audit_checkpoint_mail(checkpoint=row.as_checkpoint()))
    return row


def audit_trail_viewed(actor: Any, *, what: str, filters: dict[str, Any]) -> AuditEvent:
    """Reading the trail or the access log is itself recorded (who looked at what, how)."""
    shown = {key: value for key, value in filters.items() if value not in (None, "")}
    return audit_record_standalone(
        actor=actor,
        action="audit.view",
        object_type="audit",
        object_id=what,
        after={"filters": shown},  # nested: a filter on after.case must not find the view itself
    )


@transaction.atomic
def audit_verification_request(actor: Any) -> AuditVerification:
    """Ask a worker to check the whole chain; the page shows the result when it is done."""
    verification = AuditVerification.objects.create(requested_by=actor)
    audit_record(
        actor=actor,
        action="audit.verify_requested",
        object_type="audit_verification",
        object_id=verification.pk,
    )
    transaction.on_commit(lambda: _queue_verification(verification.pk), robust=True)
    return verification


def _queue_verification(pk: int) -> None:
    from .tasks import verify_chain

    try:
        verify_chain.apply_async(args=[pk], retry=False)
    except Exception as error:  # the row waits; the page says so
        logger.warning("broker unavailable, chain verification %s waits: %s", pk, error)


_MAX_FINDINGS = 200


def audit_verification_run(*, verification_id: int) -> AuditVerification | None:
    """Run one requested check (idempotent: a finished run is not run again)."""
    verification = AuditVerification.objects.filter(pk=verification_id).first()
    if verification is None or verification.status == AuditVerification.Status.DONE:
        return verification
    checkpoints, forged = audit_checkpoints_stored()
    findings = [f"stored checkpoint {pk}: signature does not verify" for pk in forged]
    for found in audit_chain_breaks(checkpoints=checkpoints):
        findings.append(found.reason)
        if len(findings) >= _MAX_FINDINGS:
            break
    with transaction.atomic():
        verification = AuditVerification.objects.select_for_update().get(pk=verification_id)
        if verification.status == AuditVerification.Status.DONE:
            return verification
        verification.status = AuditVerification.Status.DONE
        verification.finished_at = timezone.now()
        verification.intact = not findings
        verification.events = AuditEvent.objects.count()
        verification.findings = findings
        verification.save(update_fields=["status", "finished_at", "intact", "events", "findings"])
        audit_record(
            actor=None,
            action="audit.verified",
            object_type="audit_verification",
            object_id=verification.pk,
            after={"intact": verification.intact, "findings": len(findings)},
        )
    return verification
