from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import chain, context
from .models import AuditEvent, PersonalDataAccess

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
