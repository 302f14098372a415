"""Free-text search of the case list: case number, subject, visitor name.

On PostgreSQL each text match is narrowed by a GIN index of character bigrams (migration 0003)
before ``icontains`` rechecks it; the three matches are combined as a UNION of case ids so that
each one uses its own index (an OR across the visitor join would read every case).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

from .models import Case, Visitor


class _Bigrams(Func):
    function = "cases_bigrams"


class BigramsContain(Func):
    """``cases_bigrams(column) @> cases_bigrams(term)``, the operator the GIN index serves."""

    arg_joiner = " @> "
    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, column: str, term: str) -> None:
        super().__init__(_Bigrams(F(column)), _Bigrams(Value(term)))


def _text_match(model, column: str, term: str) -> QuerySet:
    rule = Q(**{f"{column}__icontains": term})
    if connection.vendor == "postgresql" and len(term) >= 2:
        return model.objects.filter(BigramsContain(column, term), rule)
    return model.objects.filter(rule)


def case_ids_matching(term: str) -> QuerySet:
    """Ids of the cases whose number is ``term`` or whose subject or visitor name holds it."""
    by_number = Case.objects.filter(number=term.upper()).order_by().values("pk")
    by_subject = _text_match(Case, "subject", term).order_by().values("pk")
    visitors = _text_match(Visitor, "name", term).values("pk")
    by_visitor = Case.objects.filter(visitor__in=visitors).order_by().values("pk")
    return by_number.union(by_subject, by_visitor)
