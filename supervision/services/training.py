"""TRN-1: training sessions, attendance and teaching cases (§4.1)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from cases.models import Case
from cases.personal import mask_name, mask_phone

from ..errors import BadInput, NotAllowed
from ..models import TeachingCase, TrainingSession

_PHONE_LIKE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


@transaction.atomic
def training_record(
    actor: User,
    *,
    topic: str,
    method: str,
    held_on: dt.date,
    hours: Decimal,
    trainer: str,
    materials: str = "",
    teaching_cases: Iterable[TeachingCase] = (),
) -> TrainingSession:
    if not permissions.can_manage_training(actor):
        raise NotAllowed()
    if method not in TrainingSession.Method.values:
        raise BadInput(gettext("Choose the training method."))
    if hours <= 0:
        raise BadInput(gettext("The duration must be positive."))
    session = TrainingSession.objects.create(
        topic=topic.strip(),
        method=method,
        held_on=held_on,
        hours=hours,
        trainer=trainer.strip(),
        materials=materials.strip(),
        created_by=actor,
    )
    session.teaching_cases.set(list(teaching_cases))
    _audit(actor, "record", session, topic=session.topic, hours=str(hours))
    return session


def _audit(actor: User, action: str, session: TrainingSession, **after) -> None:
    audit_record(
        actor=actor,
        action=f"training.{action}",
        object_type="training_session",
        object_id=session.pk,
        after=after,
    )


@transaction.atomic
def training_set_attendance(
    actor: User, *, session: TrainingSession, attendees: Iterable[User]
) -> TrainingSession:
    """Replace the attendance list of a session."""
    if not permissions.can_manage_training(actor):
        raise NotAllowed()
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    before = sorted(session.attendees.values_list("pk", flat=True))
    attendees = list(attendees)
    session.attendees.set(attendees)
    audit_record(
        actor=actor,
        action="training.attendance",
        object_type="training_session",
        object_id=session.pk,
        before={"attendees": before},
        after={"attendees": sorted(u.pk for u in attendees)},
    )
    return session


def mask_text(text: str, *, name: str, phone: str) -> str:
    """The text with the visitor's name and any phone number masked (PRV-1)."""
    if name:
        text = text.replace(name, mask_name(name))
    if phone:
        text = text.replace(phone, mask_phone(phone))
    return _PHONE_LIKE.sub(lambda m: mask_phone(m.group(1)), text)


@transaction.atomic
def teaching_case_mark(actor: User, *, case: Case, title: str, lessons: str = "") -> TeachingCase:
    """Keep an archived case, its personal data masked, for case-study sessions."""
    if not permissions.can_manage_training(actor):
        raise NotAllowed()
    case = Case.objects.select_related("visitor", "category").get(pk=case.pk)
    if case.status != Case.Status.ARCHIVED:
        raise BadInput(gettext("Only an archived case can become a teaching case."))
    if TeachingCase.objects.filter(case=case).exists():
        raise BadInput(gettext("This case is already a teaching case."))
    # What the visitor gave at this visit (VIS-1), as the case and its archive say.
    parts = [case.subject, case.question, case.answer]
    summary = "\n\n".join(
        mask_text(part, name=case.visitor_name, phone=case.visitor_phone) for part in parts if part
    )
    teaching = TeachingCase.objects.create(
        case=case,
        title=title.strip() or case.subject,
        summary=summary,
        lessons=lessons.strip(),
        marked_by=actor,
    )
    audit_record(
        actor=actor,
        action="training.teaching_case",
        object_type="case",
        object_id=case.number,
        after={"teaching_case": teaching.pk},
    )
    return teaching
