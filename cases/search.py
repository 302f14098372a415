"""The case list's one search box (VIS-2): a full phone number, its last four digits, a case
number or any part of it (``0007``, ``20261206``), an archive number, the visitor's name as given
at the visit, or words of the subject.

Every alternative is served by an index, so PostgreSQL combines them (BitmapOr) and a capped
count stops after the cap:
- a full phone: the keyed hash of the number as given (Case.visitor_phone_hash, PII_HASH_KEY);
  the number itself is never in the query, a URL or a log (cases.views.case_list);
- four digits: the indexed last-four column;
- a part of the case number: a GIN index of the number's pieces (frozen in 0001_squashed): each
  ``-``-separated piece of the term must be one of them, then ``icontains`` rechecks;
- subject and name: GIN indexes of character bigrams (the same migration), rechecked by
  ``icontains``;
- an archive number: whatever the apps above register as ``extensions.SearchCondition``
  (archive).

The condition is ``(test OR test …) AND (index OR index …)``: rows are tested with cheap
``LIKE``s, the PL/pgSQL functions of the indexes are left to the indexes (_any_indexed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan
from django.utils.functional import cached_property

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


# An alternative of the search: (the test of a row, the condition an index serves). For a text,
# ``icontains`` and the bigram containment; for a single indexed condition, itself twice.
Arm = tuple[Q, Q | None]


def _text(column: str, term: str, *, walk: bool) -> Arm:
    """``icontains``, and the bigram containment that the GIN index serves (none for a single
    character, which has no bigram)."""
    if walk:
        return Q(_holds(column, term)), None
    rule = Q(**{f"{column}__icontains": term})
    return rule, Q(BigramsContain(column, term)) if len(term) >= 2 else None


_NUMBER_TERM = re.compile(r"[A-Za-z0-9-]{2,20}")
_DIGITS = re.compile(r"[0-9-]*[0-9][0-9-]*")


def _number_part(term: str, *, walk: bool) -> Arm | None:
    """Any part of a case number: ``0007``, ``20261206``, ``1206-0007``."""
    if not _NUMBER_TERM.fullmatch(term):
        return None
    pieces = [piece for piece in term.upper().split("-") if piece]
    if not pieces or any(len(piece) < 2 for piece in pieces):
        exact = Q(number=term.upper())
        return exact, exact
    if walk:
        return Q(_holds("number", term)), None
    parts = Value(pieces, output_field=ArrayField(TextField()))
    return Q(number__icontains=term), Q(_Contains(_NumberParts(F("number")), parts))


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
    term: str,
    *,
    walk: bool = False,
    extras: Callable[[], Iterable[Q]] | None = None,
    phones: bool = True,
) -> Q:
    """The cases the search box finds for ``term`` (already stripped, not empty).

    ``walk``: the form for walking a sort index (see cases.listing): each row is checked with
    ``icontains`` alone, without computing its bigrams. ``extras``: what gives the apps'
    conditions when not looked_up(term), asked only if the term is not a full phone number.
    ``phones=False``: no phone matching, for a search form whose terms go into its URL (the
    archive browser's GET form)."""
    phone = _phone(term) if phones else None
    if phone is not None and len(term) > 4:
        # A full phone number is matched by its keyed hash alone: the number itself goes into
        # no query (nor the query log).
        return phone
    arms: list[Arm] = [
        (extra, extra)
        for extra in (phone, *(looked_up(term) if extras is None else extras()))
        if extra is not None
    ]
    number = _number_part(term, walk=walk)
    if number is not None:
        arms.append(number)
    arms += [_text("subject", term, walk=walk), _text("visitor_name", term, walk=walk)]
    return _any(test for test, _index in arms) & _any_indexed([index for _test, index in arms])


class TextSearch:
    """A term typed into the search box, in the two forms the case list needs (cases.listing):
    ``condition`` counts its matches through the indexes, ``walking`` tests rows while a sort
    index is walked. The apps above are asked about the term once, for both."""

    def __init__(self, term: str) -> None:
        self.term = term

    def __repr__(self) -> str:
        return f"TextSearch({self.term!r})"

    @property
    def digits(self) -> bool:
        """Digits (and dashes) only: a piece of a case number or a phone's last four."""
        return _DIGITS.fullmatch(self.term) is not None

    @cached_property
    def _extras(self) -> list[Q]:
        return looked_up(self.term)

    def _looked_up(self) -> list[Q]:
        return self._extras

    @cached_property
    def condition(self) -> Q:
        return case_text_condition(self.term, extras=self._looked_up)

    @cached_property
    def walking(self) -> Q:
        return case_text_condition(self.term, walk=True, extras=self._looked_up)


def _any(conditions) -> Q:
    found = Q()
    for condition in conditions:
        found |= condition
    return found


def _any_indexed(conditions: list[Q | None]) -> Q:
    """The OR of the arms' indexed conditions, written beside the OR of their tests.

    ``(LIKE₁ OR LIKE₂ …) AND (index₁ OR index₂ …)`` finds what ``(LIKE₁ AND index₁) OR …``
    finds, since each LIKE implies its indexed condition (every bigram or piece of a substring
    is one of the text's). Written so, PostgreSQL answers the second OR with a BitmapOr of the
    indexes and leaves it out of the row filter (the bitmap is exact), so each row the indexes
    found is tested with the LIKEs alone. With one OR of ANDs it kept the whole OR as the row
    filter and computed ``cases_bigrams(subject)``, ``cases_bigrams(visitor_name)`` and
    ``cases_number_parts(number)`` (PL/pgSQL loops, 20–40 µs each) for each of the ~900 cases
    of a day in the search for part of a number: 26–32 ms of its query (issue 15). An arm
    without an index (one character, the walk form) leaves the row test alone."""
    if any(condition is None for condition in conditions):
        return Q()
    return _any(conditions)
