"""Internal notes on a case (staff only: never on the status page or the receipt; marked
internal in the timeline and the archived PDF), @username mentions that notify, and links
between related cases (cases.models.CaseLink, shown on both pages)."""

from __future__ import annotations

import re
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from notifications.services import Notice, notify

from .errors import NotAllowed, WrongState
from .models import Case, CaseEvent, CaseLink
from .selectors import case_get_for_user, visible_cases
from .services import case_lock, event_add

# Django usernames: letters, digits and @ . + - _ ; a trailing full stop ends the sentence.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")
MAX_NOTE = 4000


def can_write_notes(user: User) -> bool:
    """Staff who work cases; auditors read them."""
    return permissions.can_register_case(user)


def mentioned_usernames(text: str) -> list[str]:
    return list(dict.fromkeys(name.rstrip(".") for name in MENTION.findall(text)))


def _mention_text(case: Case, author: str, text: str) -> tuple[str, str]:
    values = {"number": case.number, "author": author, "text": text[:300]}
    return (
        gettext("%(author)s mentioned you on case %(number)s") % values,
        gettext("%(author)s wrote in an internal note on case %(number)s: %(text)s") % values,
    )


@transaction.atomic
def note_add(actor: User, *, case: Case, text: str) -> CaseEvent:
    if not can_write_notes(actor):
        raise NotAllowed()
    text = text.strip()
    if not text:
        raise WrongState(gettext("Write the note."))
    if len(text) > MAX_NOTE:
        raise WrongState(gettext("The note is too long (at most 4000 characters)."))
    case = case_lock(case=case)
    named = User.objects.filter(username__in=mentioned_usernames(text), is_active=True)
    # Only colleagues who may open the case are told; the note says who was.
    told = [u for u in named if u.pk != actor.pk and visible_cases(u).filter(pk=case.pk).exists()]
    event = event_add(
        case=case,
        actor=actor,
        kind="internal_note",
        text=text,
        internal=True,
        mentioned=[u.username for u in told],
    )
    if told:
        notify(
            [
                Notice(
                    recipient_ids=tuple(u.pk for u in told),
                    kind="case_mention",
                    object_type="case",
                    object_id=case.number,
                    deadline_version=event.pk,  # each note tells each person once
                    url=case.get_absolute_url(),
                    render=partial(_mention_text, case, actor.display_name, text),
                    webhook=False,
                )
            ]
        )
    audit_record(
        actor=actor,
        action="case.note",
        object_type="case",
        object_id=case.number,
        after={"event": event.pk, "mentioned": [u.username for u in told]},
    )
    return event


def case_links(*, case: Case, user: User) -> list[Case]:
    """The cases linked to this one that the user may open (both directions)."""
    rows = CaseLink.objects.filter(Q(first=case) | Q(second=case)).values_list("first", "second")
    ids = {a if b == case.pk else b for a, b in rows}
    if not ids:
        return []
    return list(visible_cases(user).filter(pk__in=ids).order_by("-created_at"))


@transaction.atomic
def link_add(actor: User, *, case: Case, other_number: str) -> CaseLink:
    if not can_write_notes(actor):
        raise NotAllowed()
    other_number = other_number.strip().upper()
    if other_number == case.number:
        raise WrongState(gettext("A case cannot be linked to itself."))
    try:
        other = case_get_for_user(user=actor, number=other_number)
    except Http404 as error:  # missing or not visible: answered alike
        raise WrongState(gettext("No case with this number that you may open.")) from error
    case = case_lock(case=case)
    first, second = sorted((case, other), key=lambda c: c.pk)
    try:
        with transaction.atomic():
            link = CaseLink.objects.create(first=first, second=second, created_by=actor)
    except IntegrityError as error:
        raise WrongState(gettext("These cases are linked already.")) from error
    for here, there in ((case, other), (other, case)):
        if here.status != Case.Status.ARCHIVED:  # an archived timeline takes no new line
            event_add(case=here, actor=actor, kind="case_linked", other=there.number)
    audit_record(
        actor=actor,
        action="case.link",
        object_type="case",
        object_id=case.number,
        after={"linked": other.number},
    )
    return link
