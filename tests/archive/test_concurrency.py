"""Archive numbers under concurrent archiving on PostgreSQL: real threads, real connections."""

import threading

import pytest
from django.db import connection

from archive.models import ArchiveRecord
from archive.services import case_archive
from audit.selectors import audit_chain_breaks
from cases.models import Case
from tests.closure.factories import close_case
from tests.factories import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def test_concurrent_archiving_gets_unique_consecutive_numbers(
    make_case, work_calendar, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.ARCHIVE_QUIET_HOURS = 1  # archive by hand below, not on commit
    cases = [make_case(phone=f"1390000{n:04d}") for n in range(THREADS)]
    for case in cases:
        close_case(case)
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(case: Case) -> None:
        try:
            barrier.wait()
            case_archive(case.owner, case=case)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    run_in_threads(worker, cases)

    assert errors == []
    numbers = sorted(ArchiveRecord.objects.values_list("number", flat=True))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, THREADS + 1))
    assert list(audit_chain_breaks()) == []
