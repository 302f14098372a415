from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from . import chain
from .checkpoints import Checkpoint, checkpoint_signature_valid
from .models import AuditCheckpoint, AuditEvent, AuditVerification, PersonalDataAccess

Row = TypeVar("Row", AuditEvent, PersonalDataAccess)


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str
    checkpoint: Checkpoint | None = None  # the checkpoint this finding contradicts


def _missing(after: int, before: int) -> str:
    """Name the ids with no row between two rows. Ids come from one sequence, so the gone rows
    are among them (a rolled-back append also leaves an id unused, but the chain links across
    that gap, so only a gap the chain does not bridge is ever named)."""
    if after == 0:
        return f"the events before #{before}"
    if before - after == 2:
        return f"event #{after + 1}"
    return f"events #{after + 1}–#{before - 1}"


def audit_chain_breaks(
    *,
    checkpoints: Iterable[Checkpoint] = (),
    start: Checkpoint | None = None,
    end: int | None = None,
    batch_size: int = 2000,
) -> Iterator[ChainBreak]:
    """Walk the chain in id order and yield every row that is missing, rewritten or cut off.

    Each finding names the row it is about: a removed row by its own id (the gap before the row
    that still links to it), a rewritten row by its own id (its content no longer matches its
    hash, or its hash was recomputed and its successor still links to the old one), and with
    ``checkpoints`` (signatures already checked) a cut tail, missing rows before a checkpoint's
    event, and a checkpointed head whose hash changed (every later hash recomputed).

    ``start``/``end`` walk only the rows from a trusted checkpoint's event to ``end`` (the
    checkpoint writer checks what was appended since the last one, not the whole table).
    """
    pending = sorted([*checkpoints, *([start] if start else [])], key=lambda cp: cp.last_event_id)
    at = 0
    prev_hash: str | None = chain.GENESIS
    prev_id, prev_intact, count = 0, True, 0
    last_good: Checkpoint | None = None
    events = AuditEvent.objects.order_by("id")
    if start is not None:
        events = events.filter(id__gte=start.last_event_id)
        prev_hash, prev_id, count = None, start.last_event_id - 1, start.event_count - 1
    if end is not None:
        events = events.filter(id__lte=end)
    for event in events.iterator(chunk_size=batch_size):
        while at < len(pending) and pending[at].last_event_id < event.id:
            cp = pending[at]
            # The tail was cut and the application appended on top of the new head.
            yield ChainBreak(
                prev_id + 1,
                f"events after #{prev_id} missing: checkpoint says {cp.event_count} events "
                f"up to #{cp.last_event_id}",
                cp,
            )
            at += 1
        intact = chain.event_hash(prev_hash=event.prev_hash, fields=chain.hashed_fields(event)) == (
            event.hash
        )
        if prev_hash is not None and event.prev_hash != prev_hash and intact:
            if event.id - prev_id > 1:
                yield ChainBreak(
                    prev_id + 1,
                    f"{_missing(prev_id, event.id)} removed: "
                    f"#{event.id} links to a row that is no longer there",
                )
            elif prev_intact:
                yield ChainBreak(
                    prev_id,
                    f"event #{prev_id} rewritten: its hash was recomputed, "
                    f"#{event.id} still links to its old hash",
                )
        if not intact:
            yield ChainBreak(
                event.id, f"event #{event.id} rewritten: content does not match its hash"
            )
        count += 1
        while at < len(pending) and pending[at].last_event_id == event.id:
            cp = pending[at]
            at += 1
            if event.hash != cp.head_hash:
                since = f"after #{last_good.last_event_id}" if last_good else "up to it"
                yield ChainBreak(
                    event.id,
                    f"event #{event.id} does not match the {cp.describe()}: it or a row {since} "
                    "was rewritten and every later hash recomputed",
                    cp,
                )
            elif count != cp.event_count:
                yield ChainBreak(
                    event.id,
                    f"{cp.event_count - count} event(s) up to #{event.id} missing: "
                    f"the {cp.describe()}, the table has {count}",
                    cp,
                )
            else:
                last_good = cp
        prev_hash, prev_id, prev_intact = event.hash, event.id, intact
    for cp in pending[at:]:
        yield ChainBreak(
            prev_id + 1,
            f"events after #{prev_id} missing: checkpoint says {cp.event_count} events "
            f"up to #{cp.last_event_id}",
            cp,
        )


def audit_checkpoints_stored() -> tuple[list[Checkpoint], list[int]]:
    """Every stored checkpoint whose signature verifies, and the ids of those that do not."""
    valid: list[Checkpoint] = []
    forged: list[int] = []
    for row in AuditCheckpoint.objects.order_by("id"):
        checkpoint = row.as_checkpoint()
        if checkpoint_signature_valid(checkpoint):
            valid.append(checkpoint)
        else:
            forged.append(row.pk)
    return valid, forged


def checkpoint_for_day(day: dt.date) -> str | None:
    """The token of the last checkpoint written on ``day`` (local time), for the archive PDFs
    rendered that day; None before the day's first checkpoint."""
    row = AuditCheckpoint.objects.filter(created_at__date=day).order_by("-id").first()
    return row.as_checkpoint().token if row else None


def audit_events_for(*, object_type: str, object_id: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("id")
    )


PAGE_SIZE = 50


def _period(queryset: QuerySet, filters: dict[str, Any], field: str) -> QuerySet:
    # Date lookups, not datetimes built from the dates: year 1 and 9999 stay valid input.
    if filters.get("start"):
        queryset = queryset.filter(**{f"{field}__date__gte": filters["start"]})
    if filters.get("end"):
        queryset = queryset.filter(**{f"{field}__date__lte": filters["end"]})
    if filters.get("before"):
        queryset = queryset.filter(id__lt=filters["before"])
    return queryset


def audit_trail_filtered(*, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The trail, newest first, filtered by case, actor, action prefix, object and period."""
    events = AuditEvent.objects.order_by("-id")
    if filters.get("case"):
        case = filters["case"]
        events = events.filter(
            Q(object_type="case", object_id=case) | Q(after__case=case) | Q(before__case=case)
        )
    if filters.get("actor"):
        events = events.filter(actor_label=filters["actor"])
    if filters.get("action"):
        events = events.filter(action__startswith=filters["action"])
    if filters.get("object_type"):
        events = events.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        events = events.filter(object_id=filters["object_id"])
    return _period(events, filters, "created_at")


def audit_access_filtered(*, filters: dict[str, Any]) -> QuerySet[PersonalDataAccess]:
    """The personal-data access log, newest first, with the same kind of filters."""
    rows = PersonalDataAccess.objects.select_related("actor").order_by("-id")
    if filters.get("case"):
        rows = rows.filter(case_number=filters["case"])
    if filters.get("actor"):
        rows = rows.filter(actor__username=filters["actor"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("visitor"):
        rows = rows.filter(visitor_id=filters["visitor"])
    return _period(rows, filters, "created_at")


def page_of(queryset: QuerySet[Row]) -> tuple[list[Row], int | None]:
    """One page by id (no COUNT over the whole trail) and the id to continue before."""
    rows = list(queryset[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].id if more else None)


def audit_verifications_recent(*, limit: int = 10) -> list[AuditVerification]:
    return list(AuditVerification.objects.select_related("requested_by")[:limit])
