"""Every write to a case. Each business action is one function: it locks the row, checks the
actor and the state, writes, appends the timeline and audit events (ARCHITECTURE.md, State)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from psycopg import sql

from accounts import permissions
from accounts.models import Department, User
from audit.services import audit_record
from firstask.sql import db_table, render
from firstask.transitions import transition

from . import calendar, extensions, visitor_messages
from .errors import ArchivedCase, NotAllowed, StaleVersion, WrongState
from .models import (
    ALLOWED_TRANSITIONS,
    WORK_FLAGS,
    Case,
    CaseEvent,
    CaseNumberCounter,
    Category,
    Outcome,
    PendingReason,
    SpotConfirmation,
    Visitor,
    name_key,
)
from .personal import mask_name, mask_phone, normalize_phone, phone_key, visitor_snapshot

QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8))


def new_status_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def _allocate_number(day: dt.date) -> str:
    """Next number of the day. The upsert holds the counter row until commit, so concurrent
    intakes queue on it instead of colliding; a rolled-back intake gives its number back."""
    query = sql.SQL(
        "INSERT INTO {table} (day, last) VALUES (%s, 1) "
        "ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    ).format(table=db_table(CaseNumberCounter))
    with connection.cursor() as cursor:
        cursor.execute(render(query), [day])
        (last,) = cursor.fetchone()
    return f"{settings.CASE_NUMBER_PREFIX}-{day:%Y%m%d}-{last:04d}"


def case_snapshot(case: Case) -> dict[str, Any]:
    """What the audit trail keeps of a case: no raw personal data."""
    return {
        "number": case.number,
        "status": case.status,
        "owner": case.owner_id,
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "category": case.category_id,
        "outcome": case.outcome,
        "version": case.version,
    }


def event_add(
    *, case: Case, actor: User | None, kind: str, text: str = "", **data: Any
) -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=actor, kind=kind, text=text, data=data)


_EVENTS_MANY = """
INSERT INTO cases_caseevent (case_id, kind, actor_id, created_at, text, data)
SELECT e.case_id, %(kind)s, NULL, %(at)s, '', e.data
FROM jsonb_to_recordset(%(events)s::jsonb) AS e(case_id bigint, data jsonb)
"""


def events_add_many(
    *, kind: str, events: list[tuple[int, dict[str, Any]]], at: dt.datetime
) -> None:
    """System events (no actor) on many cases at once, for the set-based scans: one
    INSERT … SELECT from a JSON document, not a model instance per row."""
    if not events:
        return
    document = json.dumps([{"case_id": pk, "data": data} for pk, data in events])
    with connection.cursor() as cursor:
        cursor.execute(_EVENTS_MANY, {"kind": kind, "at": at, "events": document})


def case_lock(*, case: Case, version: int | None = None) -> Case:
    """Re-read the case under a row lock; refuse a stale form and any change to an archive."""
    # NO KEY: the lock serialises the changes of a case without holding up the foreign-key
    # checks of rows that merely point at it (a concurrent transaction's new timeline line).
    locked = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    if locked.status == Case.Status.ARCHIVED:
        raise ArchivedCase()
    if version is not None and locked.version != version:
        raise StaleVersion()
    return locked


def _save(case: Case, *fields: str) -> None:
    case.version = F("version") + 1
    case.save(update_fields=[*fields, "version", "updated_at"])
    case.refresh_from_db(fields=["version"])


def _visitor_for_intake(*, name: str, phone: str, visitor_id: int | None) -> Visitor:
    """The person this visit is from (INT-2, VIS-1): the one the clerk picked among the people
    on file for the phone, else the person with this phone and this name, created if new.

    A phone may belong to several people, so a different name is another person, never a
    rename. Two clerks adding the same new person at once: the unique (phone hash, name key)
    constraint makes the second insert fail, and get_or_create then reads the first one's row."""
    if visitor_id is not None:
        picked = Visitor.objects.filter(
            pk=visitor_id, phone=phone, erased_at__isnull=True, merged_into__isnull=True
        ).first()
        if picked is None:
            raise WrongState(gettext("The person picked does not have this phone number."))
        return picked
    # NO KEY: another intake for the same visitor that is committing checks its case's
    # foreign key with FOR KEY SHARE; a FOR UPDATE lock here made it wait for this
    # transaction while this one waited for its audit chain lock: a deadlock (bench, 32 users).
    visitor, _created = Visitor.objects.select_for_update(no_key=True).get_or_create(
        phone_hash=phone_key(phone),
        name_key=name_key(name),
        erased_at__isnull=True,
        merged_into__isnull=True,
        defaults={"name": name, "phone": phone},
    )
    return visitor


def _check_pending_reason(reason: str, note: str) -> None:
    if reason not in PendingReason.values:
        raise WrongState(gettext("Say why the question could not be answered on the spot."))
    if reason == PendingReason.OTHER and not note.strip():
        raise WrongState(gettext("Explain the other reason."))


@transaction.atomic
def case_register(
    actor: User,
    *,
    visitor_name: str,
    phone: str,
    visitor_type: str,
    channel: str,
    category: Category,
    subject: str,
    question: str,
    outcome: str,
    visit_time: dt.datetime | None = None,
    deadline: dt.datetime | None = None,
    answer: str = "",
    confirmation_note: str = "",
    department: Department | None = None,
    visitor_id: int | None = None,
    notify_visitor: bool = False,
    visitor_email: str = "",
    pending_reason: str = "",
    pending_note: str = "",
    confirmation_method: str = "",
    rating: int | None = None,
) -> Case:
    """Log a visit; the actor becomes the first responder (INT-1..4, OWN-1). ``visitor_id``:
    the person picked among those on file for the phone (VIS-1). With ``notify_visitor`` the
    visitor is sent the receipt and later news (visitor_messages). A question not answered on
    the spot needs the reason told to the visitor (§2.1.2).

    An answer given on the spot is a result given at once: its deadline is the moment it was
    given ("now"), so it counts in 及时率, and the visitor confirms it like any result
    (§3.4.1) — on the signing screen (``confirmation_method`` empty or ``signature``: the case
    waits for the signature), or in words the owner records with the visitor's ``rating``
    (the case closes at once)."""
    if not permissions.can_register_case(actor):
        raise NotAllowed()
    now = timezone.now()
    confirmation = None
    if outcome == Outcome.ON_THE_SPOT:
        if not answer.strip():
            raise WrongState(gettext("Write down the answer you gave on the spot."))
        confirmation = _spot_confirmation(confirmation_method, rating, confirmation_note)
        deadline = now
        pending_reason = pending_note = ""
    else:
        _check_deadline(deadline, now=now)
        _check_pending_reason(pending_reason, pending_note)
    if outcome == Outcome.REFERRAL and department is None:
        raise WrongState(gettext("Choose the department the visitor is referred to."))

    name, phone = " ".join(visitor_name.split()), normalize_phone(phone)
    if not name:
        raise WrongState(gettext("Enter the visitor's name."))
    visitor = _visitor_for_intake(name=name, phone=phone, visitor_id=visitor_id)
    case = Case.objects.create(
        **visitor_snapshot(name=name, phone=phone),
        number=_allocate_number(calendar.local_date(now)),
        query_code=new_query_code(),
        status_token=new_status_token(),
        visitor=visitor,
        visitor_type=visitor_type,
        channel=channel,
        category=category,
        subject=subject.strip(),
        question=question.strip(),
        visit_time=visit_time or now,
        owner=actor,
        owner_department_id=actor.department_id,
        received_department_id=actor.department_id,
        outcome=outcome,
        deadline=deadline,
        deadline_version=1 if deadline else 0,
        answer=answer.strip(),
    )
    _first_timeline(actor, case=case, pending_reason=pending_reason, pending_note=pending_note)
    audit_record(
        actor=actor,
        action="case.register",
        object_type="case",
        object_id=case.number,
        after={
            **case_snapshot(case),
            "visitor": visitor.pk,
            "visitor_name": mask_name(name),
            "visitor_phone": mask_phone(phone),
            "pending_reason": pending_reason,
        },
    )
    _route_at_intake(actor, case=case, department=department)
    if notify_visitor:
        visitor_messages.contact_register(case=case, email=visitor_email)
        visitor_messages.tell_receipt(case=case)
    # The registered intake steps take their part last, in this transaction, by their order
    # (extensions.IntakeStep): the referral's row (handoffs), the referred department's notice
    # (cases.notices), an answer given on the spot as the first result (closure), the webhook
    # deliveries, filing a case closed on the spot (archive).
    extensions.run_intake_steps(
        actor=actor, case=case, department=department, confirmation=confirmation
    )
    return case


def _spot_confirmation(method: str, rating: int | None, note: str) -> dict[str, Any]:
    """How the visitor confirmed an answer given on the spot, checked before anything is
    written: the signing screen, or in words with the rating they gave and what they said."""
    method = method or SpotConfirmation.SIGNATURE
    if method not in SpotConfirmation.values:
        raise WrongState(gettext("Choose how the visitor confirmed the answer."))
    if method == SpotConfirmation.SIGNATURE:
        return {"method": method, "rating": None, "note": ""}
    if rating not in (1, 2, 3, 4, 5):
        raise WrongState(gettext("Record the satisfaction the visitor gave (1 to 5)."))
    if not note.strip():
        raise WrongState(gettext("Record how the visitor confirmed the answer."))
    return {"method": method, "rating": rating, "note": note.strip()}


def _first_timeline(actor: User, *, case: Case, pending_reason: str, pending_note: str) -> None:
    """The first lines of the timeline in one INSERT (same time; the id keeps their order)."""
    first = [
        CaseEvent(case=case, actor=actor, kind="registered", data={"owner": actor.display_name})
    ]
    if case.outcome != Outcome.ON_THE_SPOT and case.deadline is not None:  # checked at intake
        data = {
            "deadline": case.deadline.isoformat(),
            "reason": pending_reason,
            "note": pending_note.strip(),
        }
        first.append(CaseEvent(case=case, actor=actor, kind="deadline_promised", data=data))
    CaseEvent.objects.bulk_create(first)


def _route_at_intake(actor: User, *, case: Case, department: Department | None) -> None:
    """Where the outcome chosen at intake sends the case: answered, referred or handed off."""
    if case.outcome == Outcome.ON_THE_SPOT:
        _answered_on_the_spot(actor, case=case)
    elif case.outcome == Outcome.REFERRAL and department is not None:  # None refused above
        case.involved_departments.add(department)
        event_add(
            case=case,
            actor=actor,
            kind="referral_requested",
            department=department.name,
            department_id=department.pk,
        )
        case_transition(actor, case=case, to=Case.Status.REFERRED, record_event=False)
    elif case.outcome == Outcome.HANDOFF:
        event_add(case=case, actor=actor, kind="handoff_requested")
        case_transition(actor, case=case, to=Case.Status.COORDINATING, record_event=False)


def _answered_on_the_spot(actor: User, *, case: Case) -> None:
    """The answer was the result: the case waits for the visitor's confirmation (closure)."""
    event_add(case=case, actor=actor, kind="answered_on_the_spot", answer=case.answer)
    case_transition(actor, case=case, to=Case.Status.AWAITING_CONFIRMATION, record_event=False)


def _check_deadline(deadline: dt.datetime | None, *, now: dt.datetime) -> None:
    if deadline is None:
        raise WrongState(gettext("Promise the visitor a deadline."))
    if deadline <= now:
        raise WrongState(gettext("The promised deadline must be in the future."))
    if not calendar.is_workday(calendar.local_date(deadline)):
        raise WrongState(gettext("The promised deadline falls on a weekend or public holiday."))


def case_transition(
    actor: User | None,
    *,
    case: Case,
    to: str,
    record_event: bool = True,
    **event_data: Any,
) -> Case:
    """Move a case along ALLOWED_TRANSITIONS. The single place that assigns Case.status; higher
    apps (handoffs, closure, archive) call it inside their own transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("case_transition must run inside a transaction")
    if to not in ALLOWED_TRANSITIONS.get(case.status, frozenset()):
        raise WrongState()
    before = case_snapshot(case)
    # The event goes in before the status: once a case is archived, the database refuses any
    # new row on it (archive triggers).
    if record_event:
        event_add(case=case, actor=actor, kind="status_changed", status=to, **event_data)
    transition(case, to, table=ALLOWED_TRANSITIONS)
    _save(case, "status")
    audit_record(
        actor=actor,
        action="case.transition",
        object_type="case",
        object_id=case.number,
        before=before,
        after=case_snapshot(case),
    )
    return case


def _require_owner_or_head(actor: User, case: Case) -> None:
    if not permissions.acts_for_owner(actor, case):
        raise NotAllowed()


@transaction.atomic
def case_extend_deadline(
    actor: User,
    *,
    case: Case,
    new_deadline: dt.datetime,
    reason: str,
    visitor_informed: str,
    version: int,
) -> Case:
    """OWN-3: a later deadline, with the reason and how the visitor was told."""
    case = case_lock(case=case, version=version)
    _require_owner_or_head(actor, case)
    if not case.is_active:
        raise WrongState()
    if not reason.strip() or not visitor_informed.strip():
        raise WrongState(gettext("Give the reason and how the visitor was informed."))
    _check_deadline(new_deadline, now=timezone.now())
    if case.deadline and new_deadline <= case.deadline:
        raise WrongState(gettext("The new deadline must be later than the current one."))
    before = case_snapshot(case)
    old = case.deadline
    case.deadline = new_deadline
    case.deadline_version += 1
    case.overdue_flagged_at = None
    case.reminded_at = None
    case.extension_count += 1
    _save(
        case,
        "deadline",
        "deadline_version",
        "overdue_flagged_at",
        "reminded_at",
        "extension_count",
    )
    event_add(
        case=case,
        actor=actor,
        kind="deadline_extended",
        old=old.isoformat() if old else None,
        new=new_deadline.isoformat(),
        reason=reason.strip(),
        informed=visitor_informed.strip(),
    )
    audit_record(
        actor=actor,
        action="case.extend_deadline",
        object_type="case",
        object_id=case.number,
        before=before,
        after={**case_snapshot(case), "reason": reason.strip()},
    )
    visitor_messages.tell_extension(case=case, reason=reason)
    return case


@transaction.atomic
def case_reassign_owner(
    actor: User, *, case: Case, new_owner: User, reason: str, version: int
) -> Case:
    """OWN-1: only the center head moves ownership, with a reason (leave, departure)."""
    if not permissions.can_reassign_owner(actor):
        raise NotAllowed()
    case = case_lock(case=case, version=version)
    if case.status == Case.Status.CLOSED:
        raise WrongState()
    if not reason.strip():
        raise WrongState(gettext("Give the reason for the change of first responder."))
    if not new_owner.is_active or not permissions.can_register_case(new_owner):
        raise WrongState(gettext("The new first responder must be an active staff member."))
    if new_owner.pk == case.owner_id:
        raise WrongState(gettext("This person is already the first responder."))
    before = {**case_snapshot(case), "department": case.owner_department_id}
    old_owner, old_department = case.owner, case.owner_department
    # The case moves to the new owner's department: it holds the case from now on, and the
    # department figures of what happens from now on are its (supervision.kpis).
    case.owner = new_owner
    case.owner_department_id = new_owner.department_id
    _save(case, "owner", "owner_department")
    event_add(
        case=case,
        actor=actor,
        kind="owner_reassigned",
        old=old_owner.display_name,
        new=new_owner.display_name,
        old_department=old_department.name if old_department else "",
        new_department=new_owner.department.name if new_owner.department else "",
        reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action="case.reassign_owner",
        object_type="case",
        object_id=case.number,
        before=before,
        after={
            **case_snapshot(case),
            "department": case.owner_department_id,
            "reason": reason.strip(),
        },
    )
    return case


def case_involve_department(actor: User | None, *, case: Case, department: Department) -> None:
    """Higher apps call this when a department starts working on a case (it may then see it)."""
    case.involved_departments.add(department)


def case_work_flag_set(*, case: Case, flag: str) -> None:
    """Record on the case that it now has rows of one kind (``WORK_FLAGS``: referrals, handoff
    forms, disputes, call-backs). The service writing such a row calls this in its transaction;
    the case page reads that kind only when the flag says so. Not a change the visitor or a form
    sees: no version bump, no timeline or audit event (the row's own service writes those)."""
    if flag not in WORK_FLAGS:
        raise ValueError(f"not a work flag: {flag}")
    if not connection.in_atomic_block:
        raise RuntimeError("case_work_flag_set must run inside a transaction")
    if getattr(case, flag):
        return
    Case.objects.filter(pk=case.pk).update(**{flag: True})
    setattr(case, flag, True)
