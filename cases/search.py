"""The case list's one search box (VIS-2): a full phone number, its last four digits, a case
number or any part of it (``0007``, ``20261206``), an archive number, the visitor's name as given
at the visit, or words of the subject.

Every alternative is served by an index, so PostgreSQL combines them (BitmapOr) and a capped
count stops after the cap:
- a full phone: the keyed hash of the number as given (Case.visitor_phone_hash, PII_HASH_KEY);
  the number itself is never in the query, a URL or a log (cases.views.case_list);
- four digits: the indexed last-four column;
- a part of the case number: a GIN index of the number's pieces (migration 0008): each
  ``-``-separated piece of the term must be one of them, then ``icontains`` rechecks;
- subject and name: GIN indexes of character bigrams (migrations 0004, 0008), rechecked by
  ``icontains``;
- an archive number: whatever the apps above register as ``extensions.SearchCondition``
  (archive).
"""

from __future__ import annotations

import re

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

from . import extensions
from .personal import normalize_phone, phone_key


class _Bigrams(Func):
    function = "cases_bigrams"


class _NumberParts(Func):
    function = "cases_number_parts"
    output_field = ArrayField(TextField())


class _Contains(Func):
    """``left @> right``, the operator a GIN index over a text array serves."""

    arg_joiner = " @> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class BigramsContain(_Contains):
    """``cases_bigrams(column) @> cases_bigrams(term)``."""

    def __init__(self, column: str, term: str) -> None:
        super().__init__(_Bigrams(F(column)), _Bigrams(Value(term)))


def _holds(column: str, term: str) -> GreaterThan:
    """``icontains`` as ``strpos(upper(column), upper(term)) > 0``, for walking a sort index.

    The list walks only when its capped count found more than a thousand matches, so the term
    is common. PostgreSQL cannot tell: it guesses from the pattern's length that a LIKE of four
    characters matches a few dozen cases, and read all million (parallel sequential scan and
    sort, 330 ms on the bench) instead of walking the sort index until it has a page. For a
    comparison of a function it guesses a third of the rows, and walks."""
    return GreaterThan(StrIndex(Upper(column), Upper(Value(term))), 0)


def _text(column: str, term: str, *, walk: bool) -> Q:
    if walk:
        return Q(_holds(column, term))
    rule = Q(**{f"{column}__icontains": term})
    return Q(BigramsContain(column, term)) & rule if len(term) >= 2 else rule


_NUMBER_TERM = re.compile(r"[A-Za-z0-9-]{2,20}")


def _number_part(term: str, *, walk: bool) -> Q | None:
    """Any part of a case number: ``0007``, ``20261206``, ``1206-0007``."""
    if not _NUMBER_TERM.fullmatch(term):
        return None
    pieces = [piece for piece in term.upper().split("-") if piece]
    if not pieces or any(len(piece) < 2 for piece in pieces):
        return Q(number=term.upper())
    if walk:
        return Q(_holds("number", term))
    parts = Value(pieces, output_field=ArrayField(TextField()))
    return Q(_Contains(_NumberParts(F("number")), parts)) & Q(number__icontains=term)


def _phone(term: str) -> Q | None:
    digits = re.sub(r"\D", "", term)
    if len(digits) == 4 and digits == term:
        return Q(visitor_phone_last4=digits)
    try:
        phone = normalize_phone(term)
    except ValidationError:
        return None
    return Q(visitor_phone_hash=phone_key(phone))


def looked_up(term: str) -> list[Q]:
    """The conditions the apps above add for ``term`` (each may query: call it once)."""
    asks = extensions.registered(extensions.SearchCondition)
    return [extra for ask in asks if (extra := ask.condition(term)) is not None]


def case_text_condition(
    term: str, *, walk: bool = False, extras: list[Q] | None = None, phones: bool = True
) -> Q:
    """The cases the search box finds for ``term`` (already stripped, not empty).

    ``walk``: the form for walking a sort index (see selectors.visible_cases): each row is
    checked with ``icontains`` alone, without computing its bigrams. ``extras``: looked_up(term)
    when the caller builds the condition more than once. ``phones=False``: no phone matching,
    for a search form whose terms go into its URL (the archive browser's GET form)."""
    condition = _text("subject", term, walk=walk) | _text("visitor_name", term, walk=walk)
    phone = _phone(term) if phones else None
    if phone is not None and len(term) > 4:
        # A full phone number is matched by its keyed hash alone: the number itself goes into
        # no query (nor the query log).
        return phone
    for extra in (_number_part(term, walk=walk), phone):
        if extra is not None:
            condition |= extra
    for extra in looked_up(term) if extras is None else extras:
        condition |= extra
    return condition
