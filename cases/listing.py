"""The case list (the page and the API's list endpoint): which cases match the filters, how
many, and one sorted page of them, in bounded work at a million cases.

``CaseListQuery`` owns the three things the speed of the list rests on, so that a filter is
declared once (cases.filters.CaseFilter) and nothing else knows about them:
- **counting**: the capped count (CappedPaginator) reads at most ``cap`` + 1 matches,
  through the indexes (visibility in the form selectors.visible_cases chooses, the search box
  through its GIN indexes);
- **paging below the cap**: those matches, read with their sort keys, are sorted here
  (CappedPaginator._sorted_matches); a search for digits up to SEARCH_SORTS_UP_TO;
- **the index walk past the cap**: the same filters with the visibility rule in its OR form and
  the search as a row test (cases.search.TextSearch.walking), so that PostgreSQL walks the sort
  index and stops after one page.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property

from accounts.models import User
from firstask.sql import pk_in

from .filters import CaseFilter
from .models import Case
from .search import TextSearch
from .selectors import listed_cases, visible_cases

PAGE_SIZES = (25, 50, 100)
# Past the cap, a search for digits is still read and sorted here when it matches no more than
# this many cases (see CaseListQuery.paginator).
SEARCH_SORTS_UP_TO = 5_000


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

    @cached_property
    def _matched(self) -> list[tuple[Any, ...]]:
        """Up to ``sorts_up_to`` + 1 matches as (their sort keys…, id), in no particular order:
        what the count counts, and (when they are all there is) the set the page is sorted
        from. The sort keys come with the ids: the rows are read to test them anyway."""
        fields = [key.lstrip("-") for key in self._ordering]
        matches = self.object_list.order_by().values_list(*fields, "pk")
        return list(matches[: self.sorts_up_to + 1])

    @property
    def matched_ids(self) -> list[Any]:
        """The ids of the matches counted (all of them when not ``capped``)."""
        return [row[-1] for row in self._matched]

    @cached_property
    def _counted(self) -> int:
        return len(self._matched)

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
            ids = self._sorted_matches()[bottom:top]
        source = self.rows
        if source is None:
            manager = self.object_list.model._default_manager
            source = manager.select_related(*_paths(self.object_list.query.select_related))
        rows = {row.pk: row for row in source.filter(pk_in(source.model, ids))}
        page = [rows[pk] for pk in ids if pk in rows]
        return self._get_page(page, number, self)  # type: ignore[attr-defined]  # not in django-stubs

    def _sorted_matches(self) -> list:
        """Every match, read with its sort keys (``_matched``), sorted here. Asked to sort them,
        PostgreSQL may walk the sort index instead, expecting to meet them early; it read a
        million case numbers to find an owner's 25 whose numbers sort last (6 s on the bench).
        Ordering as PostgreSQL does: NULLs last ascending, first descending; the id breaks
        ties, as in the query."""
        rows = sorted(self._matched, key=lambda row: row[-1])
        for index in reversed(range(len(self._ordering))):

            def key(row: tuple[Any, ...], i: int = index) -> tuple[bool, Any]:
                return (row[i] is None, 0 if row[i] is None else row[i])

            rows.sort(key=key, reverse=self._ordering[index].startswith("-"))
        return [row[-1] for row in rows]


def _paths(tree, prefix: str = "") -> list[str]:
    """select_related's tree ({"owner": {"department": {}}}) as lookups ("owner__department")."""
    if not isinstance(tree, dict):
        return []
    paths = []
    for name, below in tree.items():
        paths += [prefix + name, *_paths(below, f"{prefix}{name}__")]
    return paths
