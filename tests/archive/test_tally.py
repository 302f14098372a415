"""The archive tally stays equal to a GROUP BY over the records, however they are filed."""

import pytest
from django.db.models import Count

from archive import tasks
from archive.models import ArchiveRecord, ArchiveTally
from tests.archive.factories import archived_case
from tests.closure.factories import close_case
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def grouped() -> dict:
    rows = ArchiveRecord.objects.values("year", "month", "category").annotate(n=Count("pk"))
    return {(r["year"], r["month"], r["category"]): r["n"] for r in rows}


def tallied() -> dict:
    rows = ArchiveTally.objects.values_list("year", "month", "category", "n")
    return {(year, month, category): n for year, month, category, n in rows}


def test_filing_by_hand_counts_the_record(make_case):
    other = CategoryFactory.create(code="CW", name="缴费退费")
    archived_case(make_case)
    archived_case(make_case)
    archived_case(make_case, category=other)
    assert tallied() == grouped()
    assert sum(tallied().values()) == 3


def test_the_sweep_task_counts_what_it_files(make_case, work_calendar, settings):
    settings.ARCHIVE_QUIET_HOURS = 0
    for _ in range(2):
        close_case(make_case())
    assert tasks.archive_sweep() == 2
    assert tallied() == grouped()
    assert sum(tallied().values()) == 2
