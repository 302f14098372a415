"""The archive page's listing: counted by the tally when it can, capped otherwise; every
filter still returns the right records."""

import pytest
from django.http import QueryDict

from archive import selectors
from archive.models import ArchiveRecord
from tests.archive.factories import archived_case
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(make_case):
    other = CategoryFactory.create(code="CW", name="缴费退费")
    first = archived_case(make_case, subject="证书领取")[1]
    second = archived_case(make_case, subject="退费进度", category=other)[1]
    return first, second


def listing(user, **params):
    query = QueryDict(mutable=True)
    query.update(params)
    archive_filter = selectors.archive_filter(user=user, params=query)
    return selectors.archive_listing(user=user, archive_filter=archive_filter, per_page=50)


def numbers(result) -> set[str]:
    return {record.number for record in result.paginator.get_page(1).object_list}


def test_unfiltered_counts_come_from_the_tally(auditor, records):
    result = listing(auditor)
    assert isinstance(result.paginator, selectors.TalliedPaginator)
    assert result.counts.total == 2 and not result.counts.capped
    assert [row["n"] for row in result.counts.by_category] == [1, 1]
    assert numbers(result) == {r.number for r in records}


def test_category_filter_counts_from_the_tally(auditor, records):
    _first, second = records
    result = listing(auditor, category=str(second.category_id))
    assert isinstance(result.paginator, selectors.TalliedPaginator)
    assert numbers(result) == {second.number}
    assert result.counts.total == 1
    assert result.counts.by_month == [{"year": second.year, "month": second.month, "n": 1}]


def test_year_and_month_filters(auditor, records):
    first, _second = records
    assert numbers(listing(auditor, year=str(first.year), month=str(first.month))) == {
        r.number for r in records
    }
    assert numbers(listing(auditor, year=str(first.year - 1))) == set()
    assert listing(auditor, year=str(first.year - 1)).counts.total == 0


def test_tally_counts_match_a_grouped_count(auditor, records):
    result = listing(auditor)
    assert result.counts == selectors.archive_counts(ArchiveRecord.objects.all())


def test_department_filter(auditor, records, make_case):
    first, _second = records
    department = first.case.owner_department
    result = listing(auditor, department=str(department.pk))
    assert not isinstance(result.paginator, selectors.TalliedPaginator)
    assert numbers(result) == {
        r.number for r in records if r.case.owner_department_id == department.pk
    }
    assert result.counts.total == len(numbers(result))


def test_satisfaction_filter(auditor, records):
    assert numbers(listing(auditor, satisfaction="1")) == set()
    rated = {r.number for r in records if r.case.satisfaction == 5}
    assert numbers(listing(auditor, satisfaction="5")) == rated


def test_search_by_subject(auditor, records):
    first, second = records
    assert numbers(listing(auditor, q="证书")) == {first.number}
    assert numbers(listing(auditor, q="退费")) == {second.number}


def test_search_by_case_number(auditor, records):
    first, _second = records
    assert numbers(listing(auditor, q=first.case.number.lower())) == {first.number}


def test_search_by_archive_number_and_its_beginning(auditor, records):
    first, second = records
    assert numbers(listing(auditor, q=first.number)) == {first.number}
    assert numbers(listing(auditor, q=second.number.rsplit("-", 1)[0].lower())) == {second.number}


def test_a_large_filtered_set_is_capped(auditor, records, monkeypatch):
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 1)
    result = listing(auditor, satisfaction="5")
    assert result.counts.capped and result.counts.by_category is None
    assert len(numbers(result)) == 1


def test_staff_see_only_their_cases_counts(colleague, records):
    result = listing(colleague)
    assert not isinstance(result.paginator, selectors.TalliedPaginator)
    assert result.counts.total == 0 and numbers(result) == set()


def test_capped_page_says_more_than_the_cap(client, auditor, records, monkeypatch):
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 1)
    client.force_login(auditor)
    body = client.get("/archive/", {"satisfaction": "5"}).content.decode()
    assert "超过 1 件" in body or "more than 1" in body.lower()
