"""Reads of visitors as people (VIS-1): who is on file for a phone, a person's page, the
duplicate finder. What a user sees of a person follows PRV-1: the name and phone in full only
for someone who may see one of the person's cases in full (the owner of one, the center head)."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, QuerySet
from django.http import Http404

from accounts import permissions
from accounts.models import User

from .models import Case, Visitor, VisitorMerge, name_key
from .personal import mask_name, mask_phone, phone_key
from .selectors import LISTED_FIELDS, visible_cases

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # installed with django-stubs (dev only)


class _CaseCount(TypedDict):
    n_cases: int


def live_visitors() -> QuerySet[Visitor]:
    return Visitor.objects.filter(erased_at__isnull=True, merged_into__isnull=True)


@dataclass
class Person:
    visitor: Visitor
    name: str  # in full or masked, as the viewer may see it
    phone: str
    full: bool
    cases: list[Case] = field(default_factory=list)


def _person(visitor: Visitor, *, user: User, cases: list[Case]) -> Person:
    full = permissions.can_manage_personal_data(user) or any(
        case.owner_id == user.pk for case in cases
    )
    name = visitor.name if full else mask_name(visitor.name)
    phone = (visitor.phone or "") if full else mask_phone(visitor.phone or "")
    return Person(visitor=visitor, name=name, phone=phone, full=full, cases=cases)


def people_for_phone(*, user: User, phone: str, limit: int = 10) -> list[Person]:
    """INT-2 per person: the people on file for a (normalised) phone, each with their earlier
    cases that the user may see, newest first. Two queries whatever the number of people."""
    visitors = list(live_visitors().filter(phone_hash=phone_key(phone)).order_by("pk")[:20])
    if not visitors:
        return []
    cases = visible_cases(user).filter(visitor__in=visitors).order_by("-created_at")
    by_visitor: dict[int, list[Case]] = {visitor.pk: [] for visitor in visitors}
    for case in cases[: limit * len(visitors)]:
        by_visitor[case.visitor_id].append(case)
    return [
        _person(visitor, user=user, cases=by_visitor[visitor.pk][:limit]) for visitor in visitors
    ]


def visitor_get_for_user(*, user: User, pk: int) -> Visitor:
    """The person, if the user may see at least one of their cases (center head: any); else
    404, like a missing one."""
    visitor = Visitor.objects.filter(pk=pk).first()
    if visitor is None:
        raise Http404
    if permissions.sees_all_cases(user):
        return visitor
    if not visible_cases(user, walk=True).filter(visitor=visitor).exists():
        raise Http404
    return visitor


@dataclass
class VisitorPage:
    person: Person
    rows: list[tuple[Case, str, str]]  # the case, the name and phone as given (masked or not)
    merges: list[VisitorMerge]


def visitor_page(*, user: User, visitor: Visitor, limit: int = 200) -> VisitorPage:
    """A person's cases across time that the user may see. Each case shows what was given at
    that visit, in full only where the user owns the case or is the center head (PRV-1; a
    department member sees them masked here, the case page tells who works on it)."""
    cases = list(
        Case.objects.select_related("category", "owner")
        .only(*LISTED_FIELDS, "visitor", "visitor_phone", "created_at")
        .filter(pk__in=visible_cases(user).filter(visitor=visitor).order_by().values("pk"))
        .order_by("-created_at")[:limit]
    )
    head = permissions.can_manage_personal_data(user)
    rows = []
    for case in cases:
        full = head or case.owner_id == user.pk
        rows.append(
            (
                case,
                case.visitor_name if full else mask_name(case.visitor_name),
                case.visitor_phone if full else mask_phone(case.visitor_phone),
            )
        )
    merges = list(
        VisitorMerge.objects.filter(target=visitor).select_related("source", "merged_by")[:20]
    )
    return VisitorPage(person=_person(visitor, user=user, cases=cases), rows=rows, merges=merges)


@dataclass
class Candidate:
    first: Visitor
    second: Visitor
    first_cases: int
    second_cases: int
    similarity: float


def duplicate_candidates(*, limit: int = 50, threshold: float = 0.5) -> list[Candidate]:
    """Pairs of people on the same phone whose names look alike (a typo, 王小明 / 王晓明): for
    the center head to merge. A family sharing a phone (王小明 / 李娟) is not suggested."""
    shared = (
        live_visitors()
        .exclude(phone_hash="")
        .values("phone_hash")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("phone_hash")[:500]
    )
    visitors = list(live_visitors().filter(phone_hash__in=shared).annotate(n_cases=Count("cases")))
    groups: dict[str, list[WithAnnotations[Visitor, _CaseCount]]] = {}
    for visitor in visitors:
        groups.setdefault(visitor.phone_hash, []).append(visitor)
    found = []
    for group in groups.values():
        group.sort(key=lambda v: v.pk)
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                ratio = SequenceMatcher(None, first.name_key, second.name_key).ratio()
                if ratio >= threshold:
                    found.append(
                        Candidate(first, second, first.n_cases, second.n_cases, round(ratio, 2))
                    )
    found.sort(key=lambda c: -c.similarity)
    return found[:limit]


def intake_people(*, user: User, phone: str, name: str, picked: str) -> dict:
    """The intake panel's context: the people on file for the phone, which one is chosen (the
    one picked, else the one whose name is the name typed) and whether the name typed is new
    for this phone (a family member, or a typo to check before adding a person)."""
    people = people_for_phone(user=user, phone=phone) if phone else []
    ids = {person.visitor.pk for person in people}
    typed = name_key(name)
    chosen = int(picked) if picked.isdigit() and int(picked) in ids else None
    if chosen is None:
        chosen = next((p.visitor.pk for p in people if typed and p.visitor.name_key == typed), None)
    new_name = bool(people and typed and all(p.visitor.name_key != typed for p in people))
    return {"people": people, "chosen": chosen, "new_name": new_name}
