"""Services for a visitor's personal data (PRV-1): reveal with a reason, access-request export,
correction. Each is logged in the PII access log and, except plain views, the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.models import PersonalDataAccess
from audit.services import audit_record, personal_data_access_record

from . import events
from .errors import NotAllowed, WrongState
from .models import Case, Visitor
from .personal import mask_name, mask_phone, normalize_phone, visitor_snapshot

Kind = PersonalDataAccess.Kind


def _masked(visitor: Visitor) -> dict[str, str]:
    return {"name": mask_name(visitor.name), "phone": mask_phone(visitor.phone or "")}


def _require_not_erased(case: Case) -> None:
    if case.visitor.erased_at is not None:
        raise WrongState(gettext("The visitor's personal data has been erased (retention)."))


def personal_data_view_log(actor: User, *, case: Case) -> None:
    """A person working on the case opened its page with the data in full."""
    personal_data_access_record(
        actor, kind=Kind.VIEW, visitor_id=case.visitor_id, case_number=case.number
    )


@transaction.atomic
def personal_data_reveal(actor: User, *, case: Case, reason: str) -> None:
    """Center head or auditor looks at the data in full, once, for a stated reason."""
    if not permissions.can_reveal_personal_data(actor):
        raise NotAllowed()
    if not reason.strip():
        raise WrongState(gettext("Give the reason why you need the full data."))
    _require_not_erased(case)
    personal_data_access_record(
        actor,
        kind=Kind.REVEAL,
        visitor_id=case.visitor_id,
        case_number=case.number,
        reason=reason.strip(),
    )


@transaction.atomic
def visitor_export(actor: User, *, case: Case, reason: str) -> dict[str, Any]:
    """Access request: everything we hold about the visitor of this case, as plain data."""
    if not permissions.can_manage_personal_data(actor):
        raise NotAllowed()
    if not reason.strip():
        raise WrongState(gettext("Give the reason (e.g. the visitor's request)."))
    visitor = case.visitor
    _require_not_erased(case)
    personal_data_access_record(
        actor,
        kind=Kind.EXPORT,
        visitor_id=visitor.pk,
        case_number=case.number,
        reason=reason.strip(),
    )
    cases = visitor.cases.select_related("category", "owner").order_by("created_at")
    return {
        "visitor": {"name": visitor.name, "phone": visitor.phone},
        "cases": [_case_export(item) for item in cases],
    }


def _case_export(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "registered": case.created_at.isoformat(),
        "name_given": case.visitor_name,
        "phone_given": case.visitor_phone,
        "visitor_type": case.visitor_type,
        "channel": case.channel,
        "category": case.category.name,
        "subject": case.subject,
        "question": case.question,
        "answer": case.answer,
        "status": case.status,
        "first_responder": case.owner.display_name,
        "timeline": [
            {
                "time": event.created_at.isoformat(),
                "what": events.describe(event.kind, event.data),
                "text": event.text,
            }
            for event in case.events.order_by("created_at", "id")
        ],
    }


@transaction.atomic
def visitor_correct(actor: User, *, case: Case, name: str, phone: str, reason: str) -> Visitor:
    """The center head corrects the visitor's name or phone (the visitor's right to correction,
    PIPL): on the person and on what every case of theirs says was given, archived cases
    included, each marked as corrected (VIS-1). The audit event keeps the old values masked."""
    from .visitors import archived_visitor_writes

    if not permissions.can_manage_personal_data(actor):
        raise NotAllowed()
    if not reason.strip():
        raise WrongState(gettext("Give the reason for the correction."))
    visitor = Visitor.objects.select_for_update(no_key=True).get(pk=case.visitor_id)
    if visitor.erased_at is not None:
        raise WrongState(gettext("The visitor's personal data has been erased (retention)."))
    name, phone = " ".join(name.split()), normalize_phone(phone)
    before = _masked(visitor)
    visitor.name, visitor.phone = name, phone
    try:
        with transaction.atomic():
            visitor.save(update_fields=["name", "phone", "updated_at"])
    except IntegrityError:
        raise WrongState(
            gettext("Another person with this phone already has this name: merge them instead.")
        ) from None
    with archived_visitor_writes():
        corrected = Case.objects.filter(visitor=visitor).update(
            **visitor_snapshot(name=name, phone=phone), visitor_corrected_at=timezone.now()
        )
    personal_data_access_record(
        actor,
        kind=Kind.CORRECT,
        visitor_id=visitor.pk,
        case_number=case.number,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action="visitor.correct",
        object_type="visitor",
        object_id=visitor.pk,
        before=before,
        after={**_masked(visitor), "reason": reason.strip(), "cases_corrected": corrected},
    )
    return visitor
