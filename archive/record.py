"""The archived record's data: what the PDF prints and what its SHA-256 covers (CLO-5).

The data is language-neutral (codes and kinds, not translated labels) and holds no raw personal
data, so the checksum is the same whoever renders it, in whatever language, however often.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from audit.chain import canonical
from cases.models import Case, CaseErasure
from cases.personal import mask_name, mask_phone

from . import handoff_record
from .models import ArchiveRecord


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _user(user: Any) -> str:
    return user.display_name if user else ""


def _case(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "subject": case.subject,
        "question": case.question,
        "channel": case.channel,
        "visitor_type": case.visitor_type,
        "category": {"code": case.category.code, "name": case.category.name},
        "visit_time": _iso(case.visit_time),
        "registered_at": _iso(case.created_at),
        "owner": _user(case.owner),
        "owner_department": case.owner_department.name if case.owner_department else "",
        "outcome": case.outcome,
        "deadline": _iso(case.deadline),
        "extensions": case.extension_count,
        "rework_rounds": case.rework_count,
        "answer": case.answer,
        "satisfaction": case.satisfaction,
        "closed_at": _iso(case.closed_at),
        "departments": sorted(d.name for d in case.involved_departments.all()),
    }


def _visitor(case: Case) -> dict[str, Any]:
    """What the visitor gave at the visit (VIS-1), masked, from the case itself: nothing done
    later to the visitor's record changes it. The two exceptions say so on the record."""
    data: dict[str, str | None] = {
        "name": mask_name(case.visitor_name),
        "phone": mask_phone(case.visitor_phone),
    }
    if case.visitor_corrected_at:
        data["corrected_at"] = _iso(case.visitor_corrected_at)
    erasure = getattr(case, "erasure", None)
    if erasure is not None:
        data["erased_at"] = _iso(erasure.erased_at)
    return data


def _events(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "id": event.pk,
            "at": _iso(event.created_at),
            "kind": event.kind,
            "actor": _user(event.actor),
            "text": event.text,
            "data": event.data,
        }
        for event in case.events.select_related("actor").order_by("created_at", "id")
    ]


def _rounds(case: Case) -> list[dict[str, Any]]:
    rounds = case.result_rounds.select_related("recorded_by", "approved_by").order_by("number")
    return [
        {
            "number": r.number,
            "result": r.result,
            "how_given": r.how_given,
            "recorded_by": _user(r.recorded_by),
            "recorded_at": _iso(r.recorded_at),
            "state": r.state,
            "confirmation": r.confirmation_kind,
            "rating": r.rating,
            "not_solved": r.not_solved,
            "reasons": r.reasons,
            "comment": r.comment,
            "confirmed_at": _iso(r.confirmed_at),
            "other_method": r.other_method,
            "other_detail": r.other_detail,
            "approved_by": _user(r.approved_by),
            "approved_at": _iso(r.approved_at),
            "approval_reason": r.approval_reason,
            "new_deadline": _iso(r.new_deadline),
            "signature_sha256": r.signature_sha256,
        }
        for r in rounds
    ]


def _callbacks(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "at": _iso(c.made_at),
            "by": _user(c.made_by),
            "method": c.method,
            "note": c.note,
            "rating": c.rating,
        }
        for c in case.callbacks.select_related("made_by").order_by("made_at", "id")
    ]


# What a retention erasure takes out of the record (codes, so the checksum is language-neutral).
ERASED_PARTS = ["visitor.name", "visitor.phone", "rounds.signature_image"]


def _erasure(case: Case) -> dict[str, Any] | None:
    erasure = CaseErasure.objects.filter(case=case).first()
    if erasure is None:
        return None
    return {"erased_at": _iso(erasure.erased_at), "removed": ERASED_PARTS}


def record_data(record: ArchiveRecord) -> dict[str, Any]:
    """The record's data. After a retention erasure the visitor is blank and an ``erasure``
    entry says when and what was removed, so the checksum states what it covers; a record never
    erased has no such entry and keeps the checksum it was filed with."""
    case = (
        Case.objects.select_related("category", "owner", "owner_department", "erasure")
        .prefetch_related("involved_departments")
        .get(pk=record.case_id)
    )
    erasure = _erasure(case)
    data = {
        "archive": {
            "number": record.number,
            "year": record.year,
            "month": record.month,
            "category": record.category.code,
            "archived_at": _iso(record.archived_at),
            "archived_by": _user(record.archived_by),
        },
        "case": _case(case),
        "visitor": _visitor(case),
        "events": _events(case),
        "rounds": _rounds(case),
        "callbacks": _callbacks(case),
        "referrals": handoff_record.referrals(case),
        "handoffs": handoff_record.handoffs(case),
    }
    if erasure:
        data["erasure"] = erasure
    return data


def data_checksum(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(data).encode()).hexdigest()
