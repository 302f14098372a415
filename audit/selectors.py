from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from . import chain
from .models import AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def audit_chain_breaks(*, batch_size: int = 2000) -> Iterator[ChainBreak]:
    """Walk the chain in id order and yield every row whose link or content does not verify."""
    prev = chain.GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            yield ChainBreak(event.id, "prev_hash does not match the previous row")
        expected = chain.event_hash(prev_hash=event.prev_hash, fields=chain.hashed_fields(event))
        if expected != event.hash:
            yield ChainBreak(event.id, "content does not match its hash")
        prev = event.hash


def audit_events_for(*, object_type: str, object_id: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("id")
    )
