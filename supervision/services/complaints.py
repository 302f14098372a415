"""SUP-1: complaints from the public page, the hotline and the mailbox; investigation; finding."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from cases.models import Case
from cases.services import new_query_code
from firstask.transitions import transition

from ..errors import BadInput, NotAllowed
from ..models import Complaint, Severity, Violation


def complaint_snapshot(complaint: Complaint) -> dict[str, Any]:
    """What the audit trail keeps: never the complainant's name or contact."""
    return {
        "source": complaint.source,
        "status": complaint.status,
        "staff_concerned": complaint.staff_concerned_id,
        "case": complaint.case.number if complaint.case else None,
        "investigator": complaint.investigator_id,
        "finding": complaint.finding,
        "violation": complaint.violation,
        "severity": complaint.severity,
        "anonymous": not (complaint.complainant_name or complaint.complainant_contact),
    }


def _audit(actor: User | None, action: str, complaint: Complaint, before=None) -> None:
    audit_record(
        actor=actor,
        action=f"complaint.{action}",
        object_type="complaint",
        object_id=complaint.pk,
        before=before,
        after=complaint_snapshot(complaint),
    )


@transaction.atomic
def complaint_submit_public(
    *,
    description: str,
    staff_named: str = "",
    case_number: str = "",
    complainant_name: str = "",
    complainant_contact: str = "",
) -> Complaint:
    """A complaint from the public page: no actor; a case number that exists is linked. The
    complainant is shown its reference and query code, to follow it on the status page."""
    if not description.strip():
        raise BadInput(gettext("Describe what you are complaining about."))
    number = case_number.strip().upper()
    complaint = Complaint.objects.create(
        source=Complaint.Source.PUBLIC_FORM,
        received_at=timezone.now(),
        description=description.strip(),
        staff_named=staff_named.strip(),
        case_number_given=number,
        case=Case.objects.filter(number=number).first() if number else None,
        complainant_name=complainant_name.strip(),
        complainant_contact=complainant_contact.strip(),
        query_code=new_query_code(),
    )
    _audit(None, "submit", complaint)
    return complaint


@transaction.atomic
def complaint_log(
    actor: User,
    *,
    source: str,
    received_at: dt.datetime,
    description: str,
    staff_concerned: User | None = None,
    case: Case | None = None,
    staff_named: str = "",
    complainant_name: str = "",
    complainant_contact: str = "",
) -> Complaint:
    """A complaint taken by the supervision hotline, mailbox, letter or in person."""
    if not permissions.can_handle_complaints(actor):
        raise NotAllowed()
    if source == Complaint.Source.PUBLIC_FORM or source not in Complaint.Source.values:
        raise BadInput(gettext("Choose how the complaint was received."))
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise BadInput(gettext("The time received cannot be in the future."))
    if not description.strip():
        raise BadInput(gettext("Describe what you are complaining about."))
    complaint = Complaint.objects.create(
        source=source,
        received_at=received_at,
        description=description.strip(),
        staff_concerned=staff_concerned,
        case=case,
        staff_named=staff_named.strip()
        or (staff_concerned.display_name if staff_concerned else ""),
        case_number_given=case.number if case else "",
        complainant_name=complainant_name.strip(),
        complainant_contact=complainant_contact.strip(),
        logged_by=actor,
        query_code=new_query_code(),
    )
    _audit(actor, "log", complaint)
    return complaint


def _lock(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=complaint.pk)
    )


@transaction.atomic
def complaint_investigate(
    actor: User,
    *,
    complaint: Complaint,
    staff_concerned: User | None = None,
    case: Case | None = None,
) -> Complaint:
    """The actor takes on the investigation and links the staff member and case it is about."""
    if not permissions.can_handle_complaints(actor):
        raise NotAllowed()
    complaint = _lock(complaint)
    if complaint.status == Complaint.Status.CONCLUDED:
        raise BadInput(gettext("This complaint is already concluded."))
    if staff_concerned is not None and staff_concerned.pk == actor.pk:
        raise NotAllowed(gettext("You cannot investigate a complaint about yourself."))
    before = complaint_snapshot(complaint)
    complaint.investigator = actor
    transition(complaint, Complaint.Status.INVESTIGATING, table=Complaint.TRANSITIONS)
    complaint.staff_concerned = staff_concerned or complaint.staff_concerned
    complaint.case = case or complaint.case
    complaint.save(update_fields=["investigator", "status", "staff_concerned", "case"])
    _audit(actor, "investigate", complaint, before)
    return complaint


@transaction.atomic
def complaint_record_finding(
    actor: User,
    *,
    complaint: Complaint,
    finding: str,
    finding_text: str,
    violation: str = "",
    severity: str = "",
) -> Complaint:
    """The finding: 查实 (verified) or 不属实 (not verified), with the investigation result. A
    verified complaint names the breach (§5.3.2) and how serious it was (视情节轻重)."""
    if not permissions.can_handle_complaints(actor):
        raise NotAllowed()
    complaint = _lock(complaint)
    if complaint.investigator_id is None:
        raise BadInput(gettext("A finding needs an investigator: take on the investigation first."))
    if actor.pk != complaint.investigator_id and not permissions.is_center_head(actor):
        raise NotAllowed(gettext("Only the investigator or the center head records the finding."))
    if complaint.status == Complaint.Status.CONCLUDED:
        raise BadInput(gettext("This complaint is already concluded."))
    if finding not in Complaint.Finding.values:
        raise BadInput(gettext("Choose the finding."))
    if not finding_text.strip():
        raise BadInput(gettext("Write down the result of the investigation."))
    if finding == Complaint.Finding.VERIFIED:
        if violation not in Violation.values:
            raise BadInput(gettext("Name the breach the verified complaint is about."))
        if severity not in Severity.values:
            raise BadInput(gettext("Say how serious the breach was."))
    else:
        violation = severity = ""
    before = complaint_snapshot(complaint)
    complaint.finding = finding
    complaint.finding_text = finding_text.strip()
    complaint.violation, complaint.severity = violation, severity
    transition(complaint, Complaint.Status.CONCLUDED, table=Complaint.TRANSITIONS)
    complaint.concluded_at = timezone.now()
    complaint.save(
        update_fields=[
            "finding",
            "finding_text",
            "violation",
            "severity",
            "status",
            "concluded_at",
        ]
    )
    _audit(actor, "finding", complaint, before)
    return complaint
