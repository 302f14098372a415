"""Free-text search of the case list: case number, subject, visitor name.

Each text match is narrowed by a GIN index of character bigrams (migration 0003)
before ``icontains`` rechecks it. The visitors whose name matches are looked up first (a few
hundred at most for a name; their ids go into the query as a list), so that the case condition
is an OR of three indexable conditions: number, subject bigrams, visitor id. PostgreSQL combines
their indexes (BitmapOr) and a capped count stops after the cap, where a UNION of case ids had
to collect all 50,000 cases whose subject says "Python" first.
"""

from __future__ import annotations

from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

from .models import Visitor


class _Bigrams(Func):
    function = "cases_bigrams"


class BigramsContain(Func):
    """``cases_bigrams(column) @> cases_bigrams(term)``, the operator the GIN index serves."""

    arg_joiner = " @> "
    template = "(%(expressions)s)"
    output_field = BooleanField()

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


def _text_match(model, column: str, term: str) -> QuerySet:
    rule = Q(**{f"{column}__icontains": term})
    if len(term) >= 2:
        return model.objects.filter(BigramsContain(column, term), rule)
    return model.objects.filter(rule)


# Beyond this many matching visitors (a very common name fragment) the visitor condition stays
# a subquery rather than a list.
VISITOR_IDS_LISTED = 2000


def visitors_matching(term: str) -> list[int] | QuerySet:
    """Ids of the visitors whose name holds ``term``: a list, or beyond VISITOR_IDS_LISTED of
    them (a very common fragment) the query itself."""
    visitors = _text_match(Visitor, "name", term).order_by().values_list("pk", flat=True)
    listed = list(visitors[: VISITOR_IDS_LISTED + 1])
    return listed if len(listed) <= VISITOR_IDS_LISTED else visitors


def case_text_condition(term: str, *, visitors: list[int] | QuerySet, walk: bool = False) -> Q:
    """The cases whose number is ``term`` or whose subject or visitor name holds it
    (``visitors``: from visitors_matching(term)).

    ``walk``: the form for walking a sort index (see selectors.visible_cases): each row is
    checked with ``icontains`` alone, without computing its bigrams."""
    subject = Q(subject__icontains=term)
    if walk:
        subject = Q(_holds("subject", term))
    elif len(term) >= 2:
        subject = Q(BigramsContain("subject", term)) & subject
    return Q(number=term.upper()) | subject | Q(visitor_id__in=visitors)
