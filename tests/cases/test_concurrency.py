"""Case numbers under concurrent intake on PostgreSQL: real threads, real connections."""

import threading

import pytest
from django.db import connection

from cases import services
from cases.models import Case
from tests.factories import case_kwargs

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
PER_THREAD = 5


def test_concurrent_intake_gets_unique_consecutive_numbers(front_desk, category):
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            for n in range(PER_THREAD):
                services.case_register(
                    front_desk, **case_kwargs(category=category, phone=f"1390000{index:02d}{n:02d}")
                )
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert len(numbers) == THREADS * PER_THREAD
    assert len(set(numbers)) == len(numbers)
    suffixes = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert suffixes == list(range(1, THREADS * PER_THREAD + 1))


def test_concurrent_intake_keeps_the_audit_chain_intact(front_desk, category):
    from audit.selectors import audit_chain_breaks

    def worker(index: int) -> None:
        try:
            services.case_register(
                front_desk, **case_kwargs(category=category, phone=f"1370000{index:04d}")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Case.objects.count() == THREADS
    assert list(audit_chain_breaks()) == []
