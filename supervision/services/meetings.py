"""SUP-3: work meetings (§4.2.3) with the measures decided and their follow-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from firstask.transitions import transition

from ..errors import BadInput, NotAllowed
from ..models import Measure, WorkMeeting


@transaction.atomic
def meeting_record(
    actor: User,
    *,
    held_on: dt.date,
    place: str,
    attendees: Iterable[User],
    problems: str,
) -> WorkMeeting:
    if not permissions.can_record_meetings(actor):
        raise NotAllowed()
    attendees = list(attendees)
    if not attendees:
        raise BadInput(gettext("List who attended the meeting."))
    if not problems.strip():
        raise BadInput(gettext("Write down the problems found."))
    meeting = WorkMeeting.objects.create(
        held_on=held_on, place=place.strip(), problems=problems.strip(), created_by=actor
    )
    meeting.attendees.set(attendees)
    audit_record(
        actor=actor,
        action="meeting.record",
        object_type="work_meeting",
        object_id=meeting.pk,
        after={"held_on": held_on.isoformat(), "attendees": sorted(u.pk for u in attendees)},
    )
    return meeting


@transaction.atomic
def measure_add(
    actor: User, *, meeting: WorkMeeting, description: str, owner: User, due_on: dt.date
) -> Measure:
    if not permissions.can_record_meetings(actor):
        raise NotAllowed()
    if not description.strip():
        raise BadInput(gettext("Describe the measure."))
    if due_on < meeting.held_on:
        raise BadInput(gettext("The due date is before the meeting."))
    measure = Measure.objects.create(
        meeting=meeting, description=description.strip(), owner=owner, due_on=due_on
    )
    audit_record(
        actor=actor,
        action="meeting.measure_add",
        object_type="work_meeting",
        object_id=meeting.pk,
        after={"measure": measure.pk, "owner": owner.pk, "due_on": due_on.isoformat()},
    )
    return measure


@transaction.atomic
def measure_follow_up(actor: User, *, measure: Measure, status: str, follow_up: str) -> Measure:
    """The measure's owner or a supervisor records how it went."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if actor.pk != measure.owner_id and not permissions.can_record_meetings(actor):
        raise NotAllowed()
    if status not in Measure.Status.values:
        raise BadInput(gettext("Choose the status of the measure."))
    if status in (Measure.Status.DONE, Measure.Status.DROPPED) and not follow_up.strip():
        raise BadInput(gettext("Say what was done (or why the measure was dropped)."))
    before = {"status": measure.status}
    transition(measure, status, table=Measure.TRANSITIONS)
    measure.follow_up = follow_up.strip()
    measure.save(update_fields=["status", "follow_up", "updated_at"])
    audit_record(
        actor=actor,
        action="meeting.measure_follow_up",
        object_type="work_meeting",
        object_id=measure.meeting_id,
        before=before,
        after={"measure": measure.pk, "status": status},
    )
    return measure
