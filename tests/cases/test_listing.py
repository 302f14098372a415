"""cases.listing.CaseListQuery: a filter declared once in CaseFilter applies to both forms the
list is read in (the capped count and the index walk past the cap), and what a filter looks up
is looked up once per request."""

import pytest
import time_machine
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from cases.filters import CaseFilter
from cases.listing import PAGE_SIZES, CappedPaginator, CaseListQuery
from tests.factories import CategoryFactory, aware

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(make_case, front_desk, dept_member, department):
    """Cases that each filter below tells apart: two categories, two owners, referred or not,
    registered on three days, one of them overdue, one with a distinctive subject."""
    other_category = CategoryFactory.create(code="CW", name="财务")
    with time_machine.travel(aware(2026, 3, 2, 10), tick=False):
        make_case(subject="退费申请", category=other_category, phone="13900001001")
        make_case(actor=dept_member, phone="13900001002")
    with time_machine.travel(aware(2026, 3, 9, 10), tick=False):
        make_case(outcome="referral", department=department, phone="13900001003")
        make_case(
            actor=dept_member, phone="13900001004", subject="退费进度", category=other_category
        )
    with time_machine.travel(aware(2026, 3, 16, 10), tick=False):
        make_case(actor=dept_member, phone="13900001005")
        make_case(outcome="referral", department=department, phone="13900001006")
    with time_machine.travel(aware(2026, 3, 19, 10), tick=False):
        make_case(actor=dept_member, phone="13900001007")  # not overdue on the 20th
    return other_category


# One value per declared filter that keeps some of the spread's cases and drops others. A
# filter added to CaseFilter must be added here (the first test says so), so that both forms
# of the list are checked for it.
def _values(department, category, dept_member):
    return {
        "q": "退费",
        "status": "referred",
        "category": str(category.pk),
        "department": str(department.pk),
        "owner": str(dept_member.pk),
        "created_from": "2026-03-09",
        "created_to": "2026-03-09",
        "overdue": "true",
        "ordering": "-deadline",
    }


def test_every_declared_filter_is_checked_here(department, category, dept_member):
    assert set(CaseFilter.base_filters) == set(_values(department, category, dept_member))


@pytest.mark.parametrize("role", ["center_head", "department_head", "dept_member"])
@pytest.mark.parametrize(
    "name", ["q", "status", "category", "department", "owner", "created_from", "overdue"]
)
def test_the_walk_finds_what_the_count_finds_for_each_filter(
    spread, department, dept_member, request, role, name
):
    user = request.getfixturevalue(role)
    values = _values(department, spread, dept_member)
    params = QueryDict(mutable=True)
    params[name] = values[name]
    if name == "created_from":
        params["created_to"] = values["created_to"]
    params["ordering"] = values["ordering"]
    with time_machine.travel(aware(2026, 3, 20, 10), tick=False):
        listing = CaseListQuery(user, params)
        counted = list(listing.paginator.object_list.values_list("number", flat=True))
        walked = list(listing._walk().values_list("number", flat=True))
        everything = list(
            CaseListQuery(user, QueryDict()).paginator.object_list.values_list("number", flat=True)
        )
    assert walked == counted
    assert counted  # the filter kept some of the visible cases
    if role == "center_head":  # who sees them all: the filter dropped some
        assert set(counted) < set(everything)


def test_past_the_cap_a_page_is_the_walk_and_agrees_with_below_the_cap(
    spread, center_head, monkeypatch
):
    params = QueryDict("ordering=-deadline&per_page=25")
    below = [case.number for case in CaseListQuery(center_head, params).page(1)]
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    listing = CaseListQuery(center_head, params)
    page = listing.page(1)
    assert listing.paginator.capped
    assert [case.number for case in page] == below[:2]


def test_the_department_and_the_search_are_looked_up_once(
    spread, department, center_head, monkeypatch
):
    """Count and walk share the filter's values: the department's cases (one query of the
    involvement table) and the apps' search conditions (one query of the archive) are read once
    although both forms of the list are built."""
    monkeypatch.setattr(CappedPaginator, "cap", 1)  # past the cap: both forms are used
    params = QueryDict(f"department={department.pk}&q=GD-2026")
    with CaptureQueriesContext(connection) as captured:
        listing = CaseListQuery(center_head, params)
        list(listing.page(1))
    sql = [query["sql"] for query in captured]
    assert sum("string_agg" in statement for statement in sql) == 1
    assert sum('FROM "archive_archiverecord"' in statement for statement in sql) == 1


@pytest.mark.parametrize(
    ("given", "expected"), [(None, 25), ("50", 50), ("100", 100), ("7", 25), ("x", 25)]
)
def test_rows_per_page_are_one_of_the_offered_sizes(center_head, given, expected):
    params = QueryDict(mutable=True)
    if given is not None:
        params["per_page"] = given
    assert CaseListQuery(center_head, params).per_page == expected
    assert expected in PAGE_SIZES


def test_an_invalid_filter_is_reported_and_left_out(spread, center_head):
    listing = CaseListQuery(center_head, QueryDict("created_from=not-a-date&status=referred"))
    assert set(listing.errors) == {"created_from"}
    statuses = {case.status for case in listing.page(1)}
    assert statuses == {"referred"}


@pytest.mark.parametrize(("term", "walks"), [("0001", False), ("0002", False), ("退费", True)])
def test_past_the_cap_digits_are_sorted_here_and_words_walk(
    spread, center_head, monkeypatch, term, walks
):
    """A search for digits matches few cases spread thinly over time: past the cap they are
    read through the search indexes and sorted here (no walk), up to SEARCH_SORTS_UP_TO; a word
    past the cap walks the sort index. Either way the page is the one below the cap."""
    params = QueryDict(f"q={term}&ordering=-created")
    below = [case.number for case in CaseListQuery(center_head, params).page(1)]
    assert len(below) >= 2
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    with CaptureQueriesContext(connection) as captured:
        listing = CaseListQuery(center_head, params)
        page = [case.number for case in listing.page(1)]
    assert listing.paginator.capped
    assert page == below[:1]
    assert any("STRPOS" in query["sql"] for query in captured) == walks


def test_digits_past_the_sort_limit_walk(spread, center_head, monkeypatch):
    from cases import listing

    params = QueryDict("q=0001&ordering=-created")
    below = [case.number for case in CaseListQuery(center_head, params).page(1)]
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    monkeypatch.setattr(listing, "SEARCH_SORTS_UP_TO", 2)
    with CaptureQueriesContext(connection) as captured:
        page = [case.number for case in CaseListQuery(center_head, params).page(1)]
    assert page == below[:1]
    assert any("STRPOS" in query["sql"] for query in captured)


def test_the_count_comes_with_the_page(spread, center_head):
    """One query finds, counts and sorts the matches: no separate count, whether the search
    finds cases or none; a page past the end is counted apart and shows the last page."""
    for params, expected in (("q=退费", 2), ("q=无此内容", 0)):
        with CaptureQueriesContext(connection) as captured:
            listing = CaseListQuery(center_head, QueryDict(params))
            rows = list(listing.page(1))
        assert listing.paginator.count == len(rows) == expected
        assert not any("COUNT(*)" in query["sql"] for query in captured)
    listing = CaseListQuery(center_head, QueryDict("per_page=25"))
    last = listing.page(99)
    assert last.number == 1
    assert len(last) == listing.paginator.count == 7


@pytest.mark.parametrize("number", [1, 2, "x"])
def test_a_list_that_can_match_nothing_is_an_empty_page(spread, number):
    """A queryset that can match nothing (none(), an empty IN) compiles to no SQL at all: the
    page is empty, not a server error (the archive browser of a user who sees no archive)."""
    from cases.counting import count_many
    from cases.models import Case

    for cases in (Case.objects.none(), Case.objects.filter(pk__in=[])):
        page = CappedPaginator(cases.order_by("-created_at", "-pk"), 25).get_page(number)
        assert list(page) == []
        assert page.paginator.count == 0
    assert count_many(nothing=Case.objects.none(), all=Case.objects.all()) == {
        "nothing": 0,
        "all": 7,
    }
