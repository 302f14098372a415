"""Writes to visitor records as people (VIS-1): correcting a typo in a person's name, and the
center head's merge of two records that are one person, and its undo.

None of these changes what a case says the visitor gave at the visit (the Case.visitor_*
columns): a merge moves the cases' link to the person, never their snapshot. Only the PIPL
correction (cases.privacy.visitor_correct) and the retention erasure change the snapshot of an
archived case, through ``archived_visitor_writes``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import permissions
from accounts.models import User
from audit.services import audit_record

from .errors import NotAllowed, WrongState
from .models import Case, Visitor, VisitorMerge, name_key
from .personal import mask_name


@contextmanager
def archived_visitor_writes() -> Iterator[None]:
    """Let this transaction change the visitor columns of archived cases, and nothing else of
    them (the archive migration's trigger reads the setting). Transaction-local: it ends with the
    transaction even if the block raises."""
    if not connection.in_atomic_block:
        raise RuntimeError("archived_visitor_writes must run inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('firstask.visitor_write', 'on', true)")
    yield
    # Not in a ``finally``: after a database error the transaction accepts no statement, and
    # the setting ends with it anyway.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('firstask.visitor_write', 'off', true)")


def _live(visitor_id: int) -> Visitor:
    visitor = Visitor.objects.select_for_update(no_key=True).filter(pk=visitor_id).first()
    if visitor is None or visitor.erased_at is not None or visitor.merged_into_id is not None:
        raise WrongState(gettext("This visitor record is no longer in use."))
    return visitor


def _sees_all_cases_of(actor: User, *visitor_ids: int) -> bool:
    from .selectors import visible_cases

    cases = Case.objects.filter(visitor_id__in=visitor_ids)
    return cases.count() == visible_cases(actor).filter(visitor_id__in=visitor_ids).count()


@transaction.atomic
def visitor_rename(actor: User, *, visitor: Visitor, name: str, reason: str) -> Visitor:
    """A typo in the person's name, corrected on the person (not on the cases: each keeps what
    was said at its visit). The owner of one of the person's cases or the center head."""
    visitor = _live(visitor.pk)
    owns_one = Case.objects.filter(visitor=visitor, owner=actor).exists()
    if not (owns_one or permissions.can_manage_personal_data(actor)):
        raise NotAllowed()
    name = " ".join(name.split())
    if not name or not reason.strip():
        raise WrongState(gettext("Give the corrected name and the reason."))
    old = visitor.name
    visitor.name = name
    try:
        with transaction.atomic():
            visitor.save(update_fields=["name", "updated_at"])
    except IntegrityError:
        raise WrongState(
            gettext("Another person with this phone already has this name: merge them instead.")
        ) from None
    audit_record(
        actor=actor,
        action="visitor.rename",
        object_type="visitor",
        object_id=visitor.pk,
        # Masked, as everywhere in the trail (it is never erased); the key tells spellings apart.
        before={"name": mask_name(old), "name_key_changed": name_key(old) != visitor.name_key},
        after={"name": mask_name(name), "reason": reason.strip()},
    )
    return visitor


@transaction.atomic
def visitor_merge(actor: User, *, source: Visitor, target: Visitor, reason: str) -> VisitorMerge:
    """Two records that are one person: ``source``'s cases follow to ``target`` and ``source``
    is retired (kept, pointing at ``target``, so the merge can be undone)."""
    if not permissions.can_manage_personal_data(actor):
        raise NotAllowed()
    if source.pk == target.pk:
        raise WrongState(gettext("Choose two different visitor records."))
    if not reason.strip():
        raise WrongState(gettext("Give the reason for the merge."))
    first, second = sorted([source.pk, target.pk])  # one lock order for every merge
    locked = {first: _live(first), second: _live(second)}
    source, target = locked[source.pk], locked[target.pk]
    if not _sees_all_cases_of(actor, source.pk, target.pk):
        raise NotAllowed(gettext("You may not see every case of these visitors."))
    moved = list(Case.objects.filter(visitor=source).order_by("pk").values_list("pk", flat=True))
    with archived_visitor_writes():
        Case.objects.filter(pk__in=moved).update(visitor=target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    merge = VisitorMerge.objects.create(
        source=source, target=target, case_ids=moved, reason=reason.strip(), merged_by=actor
    )
    audit_record(
        actor=actor,
        action="visitor.merge",
        object_type="visitor",
        object_id=target.pk,
        before={"source": source.pk, "target": target.pk},
        after={"merge": merge.pk, "cases_moved": len(moved), "reason": reason.strip()},
    )
    return merge


@transaction.atomic
def visitor_merge_undo(actor: User, *, merge: VisitorMerge, reason: str) -> VisitorMerge:
    """Split them again: the cases that moved go back, the retired record is in use again."""
    if not permissions.can_manage_personal_data(actor):
        raise NotAllowed()
    merge = VisitorMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise WrongState(gettext("This merge was already undone."))
    if not reason.strip():
        raise WrongState(gettext("Give the reason for undoing the merge."))
    source = Visitor.objects.select_for_update(no_key=True).get(pk=merge.source_id)
    with archived_visitor_writes():
        Case.objects.filter(pk__in=merge.case_ids, visitor_id=merge.target_id).update(
            visitor=source
        )
    source.merged_into = None
    try:
        with transaction.atomic():
            source.save(update_fields=["merged_into", "updated_at"])
    except IntegrityError:
        raise WrongState(
            gettext("A person with this phone and name was added since; merge them first.")
        ) from None
    merge.undone_at, merge.undone_by = timezone.now(), actor
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_record(
        actor=actor,
        action="visitor.merge_undo",
        object_type="visitor",
        object_id=merge.target_id,
        before={"merge": merge.pk, "source": source.pk, "target": merge.target_id},
        after={"cases_returned": len(merge.case_ids), "reason": reason.strip()},
    )
    return merge
