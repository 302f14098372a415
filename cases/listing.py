"""The case list (the page and the API's list endpoint): which cases match the filters, how
many, and one sorted page of them, in bounded work at a million cases.

``CaseListQuery`` owns the three things the speed of the list rests on, so that a filter is
declared once (cases.filters.CaseFilter) and nothing else knows about them:
- **counting**: the capped count (CappedPaginator) counts at most ``cap`` + 1 matches, found
  through the indexes (visibility in the form selectors.visible_cases chooses, the search box
  through its GIN indexes), in the same query that sorts them and keeps the asked page;
- **paging below the cap**: that query's page (PostgreSQL sorts just the matches); a search for
  digits is paged so up to SEARCH_SORTS_UP_TO matches, past the cap too;
- **the index walk past the cap**: the same filters with the visibility rule in its OR form and
  the search as a row test (cases.search.TextSearch.walking), so that PostgreSQL walks the sort
  index and stops after one page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property
from psycopg import sql

from accounts.models import User
from firstask.sql import pk_in, render

from .counting import count_many
from .filters import CaseFilter
from .models import Case
from .search import TextSearch
from .selectors import listed_cases, visible_cases

PAGE_SIZES = (25, 50, 100)
# Past the cap, a search for digits is still read and sorted here when it matches no more than
# this many cases (see CaseListQuery.paginator).
SEARCH_SORTS_UP_TO = 20_000


class CaseListQuery:
    """The cases ``user`` may see that match ``params`` (the list's query string: the filters,
    ``per_page``), counted up to a cap and read a page at a time."""

    def __init__(self, user: User, params: QueryDict | None) -> None:
        self.user = user
        self.filter = CaseFilter(params or None, queryset=visible_cases(user))
        self.per_page = _per_page(params.get("per_page") if params else None)

    @property
    def errors(self) -> dict[str, Any]:
        """The filters' errors (an invalid filter is left out of the query, as FilterSet.qs)."""
        return dict(self.filter.errors) if self.filter.is_bound else {}

    @cached_property
    def paginator(self) -> CappedPaginator:
        matches = _by_id_last(self.filter.qs)
        # A search for digits (a piece of a case number, a phone's last four) can match few
        # cases yet more than the cap, far apart in the sort order: a sequence number ("0374")
        # is one case of a busy day, so walking the time index for a page of 100 read 55,000
        # cases (90-230 ms at 1,000,000). Its matches are bounded (a sequence number a day, a
        # phone's last four among ten thousand): up to SEARCH_SORTS_UP_TO of them are read
        # through the search indexes and sorted here instead. Words keep the walk: a common one
        # matches densely, and reading 5,000 of its matches cost 35 ms more than walking.
        search = self._chosen.get("q")
        digits = isinstance(search, TextSearch) and search.digits
        return CappedPaginator(
            matches,
            self.per_page,
            walk=self._walk(),
            rows=listed_cases(),
            sorts_up_to=SEARCH_SORTS_UP_TO if digits else None,
        )

    @cached_property
    def _chosen(self) -> dict[str, Any]:
        """The filters' valid values (an invalid one is left out, as FilterSet.qs does)."""
        return self.filter.form.cleaned_data if self.filter.is_bound else {}

    def page(self, number: Any) -> Page:
        """The page ``number`` (anything the query string holds: a bad one is the first or last)."""
        return self.paginator.get_page(number)

    def _walk(self) -> QuerySet[Case]:
        """The same filters and order, in the form that walks the sort index: the visibility
        rule as an OR (visible_cases(walk=True)) and the search as a row test. Built from the
        form already validated: the department's cases and the apps' search conditions are
        looked up once for both forms (their values keep what they looked up)."""
        cases = visible_cases(self.user, walk=True)
        if not self.filter.is_bound:
            return _by_id_last(cases)
        for name, declared in self.filter.filters.items():
            value = self._chosen.get(name)
            if isinstance(value, TextSearch):
                cases = cases.filter(value.walking)
            else:
                cases = declared.filter(cases, value)
        return _by_id_last(cases)


def _per_page(value: Any) -> int:
    try:
        per_page = int(value or PAGE_SIZES[0])
    except (TypeError, ValueError):
        return PAGE_SIZES[0]
    return per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]


def _by_id_last(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The id breaks ties of the chosen order, so that every way of finding a page agrees."""
    query = queryset.query
    ordering = list(query.order_by or (query.default_ordering and Case._meta.ordering) or [])
    last = "-pk" if ordering and str(ordering[-1]).startswith("-") else "pk"
    return queryset.order_by(*ordering, last)


class CappedPaginator(Paginator):
    """Counts at most ``cap`` matching cases. An exact COUNT over a million cases reads them
    all on every list page; past the cap the page says "more than 1,000" (40 pages of 25) and
    the later pages are reached by narrowing the filters. OFFSET never goes past the cap
    either. The count finds the cap's worth of cases whichever way they are spread, so its
    cost is bounded by the cap rather than by the size of the set."""

    object_list: QuerySet[Any]  # cases or archive records; never a list: pages are read by id

    cap = 1_000

    def __init__(
        self, object_list, per_page, *, walk=None, rows=None, sorts_up_to=None, **kwargs
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        # The same cases, filtered in the form that walks the sort index (visible_cases).
        self.walk = walk
        # Where the page's rows are read from, by id (default: the list's model and joins).
        self.rows = rows
        # Past the cap, up to this many matches are still read and sorted here rather than
        # walked (see CaseListQuery.paginator); by default the cap itself.
        self.sorts_up_to = max(sorts_up_to or 0, self.cap)

    @cached_property
    def _ordering(self) -> list[str]:
        query = self.object_list.query
        model = self.object_list.model
        return [
            str(key)
            for key in (query.order_by or (query.default_ordering and model._meta.ordering) or [])
        ]

    def matches(self) -> QuerySet[Any]:
        """The ids of the matches counted (up to ``sorts_up_to`` + 1), as a subquery: all of
        them when not ``capped``."""
        return self.object_list.order_by().values("pk")[: self.sorts_up_to + 1]

    def get_page(self, number: Any) -> Page:
        self._asked = number  # the count comes with the first page read (_first_read)
        return super().get_page(number)

    @cached_property
    def _first_read(self) -> tuple[int, list[Any], int | None]:
        """The page asked for (get_page), its ids and the number of matches."""
        try:
            number = max(int(getattr(self, "_asked", 1)), 1)
        except (TypeError, ValueError):
            number = 1
        return (number, *self._read_sorted(number))

    @cached_property
    def _counted(self) -> int:
        """Matches counted up to ``sorts_up_to`` + 1: with the asked page when it has rows."""
        number, _ids, counted = self._first_read
        if counted is None:  # the asked page has no rows: nothing matches, or it is past the end
            counted = 0 if number == 1 else count_many(matched=self.matches())["matched"]
        return counted

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

    def page(self, number):
        """A deferred join: the page's ids first, by a narrow query that sorts only the sort
        key and the id, then the rows of those ids with their related objects. Sorting whole
        joined rows made PostgreSQL join the visitor, owner and category of every matching
        case (21,000 for a front-desk clerk) before keeping 25."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self._counted > self.sorts_up_to:
            # A large set: walking the sort index finds a page soonest.
            source = self.walk if self.walk is not None else self.object_list
            ids = list(source.values_list("pk", flat=True)[bottom:top])
        else:
            asked, ids, _counted = self._first_read
            if asked != number:  # the asked page was past the end: the last one
                ids, _counted = self._read_sorted(number)
            ids = ids[: top - bottom]
        source = self.rows
        if source is None:
            manager = self.object_list.model._default_manager
            source = manager.select_related(*_paths(self.object_list.query.select_related))
        rows = {row.pk: row for row in source.filter(pk_in(source.model, ids))}
        page = [rows[pk] for pk in ids if pk in rows]
        return self._get_page(page, number, self)  # type: ignore[attr-defined]  # not in django-stubs

    def _read_sorted(self, number: int) -> tuple[list[Any], int | None]:
        """Page ``number``'s ids among up to ``sorts_up_to`` + 1 matches, sorted by PostgreSQL
        over just those (a top-N sort of the rows the indexes found), and how many matches
        there are (None when the page has no rows). Asked to sort them all, PostgreSQL may walk
        the sort index instead, expecting to meet them early; it read a million case numbers
        to find an owner's 25 whose numbers sort last (6 s on the bench). Sorting in Python
        cost 70 ms for 11,000 matches read into Django."""
        keys = {f"k{index}": F(key.lstrip("-")) for index, key in enumerate(self._ordering)}
        matched = self.object_list.order_by().values(**keys, matched_id=F("pk"))
        try:
            compiled, params = matched[: self.sorts_up_to + 1].query.sql_with_params()
        except EmptyResultSet:  # a queryset that can match nothing (none(), an empty IN)
            return [], None
        order = [
            sql.SQL("{key} DESC" if key.startswith("-") else "{key} ASC").format(
                key=sql.Identifier(f"k{index}")
            )
            for index, key in enumerate(self._ordering)
        ]
        # The subquery is Django's compilation of our queryset, its values still parameters;
        # count(*) OVER () counts every match before LIMIT keeps the page.
        query = sql.SQL(
            "SELECT matched_id, count(*) OVER () FROM ({matched}) AS matched "
            "ORDER BY {order} LIMIT %s OFFSET %s"
        ).format(matched=sql.SQL(compiled), order=sql.SQL(", ").join(order))
        limit = self.per_page + self.orphans
        with connections[self.object_list.db].cursor() as cursor:
            cursor.execute(render(query), [*params, limit, (number - 1) * self.per_page])
            rows = cursor.fetchall()
        return [row[0] for row in rows], (int(rows[0][1]) if rows else None)


def _paths(tree, prefix: str = "") -> list[str]:
    """select_related's tree ({"owner": {"department": {}}}) as lookups ("owner__department")."""
    if not isinstance(tree, dict):
        return []
    paths = []
    for name, below in tree.items():
        paths += [prefix + name, *_paths(below, f"{prefix}{name}__")]
    return paths
