"""Handoff-form numbers under concurrent submits on PostgreSQL: real threads, real connections."""

import threading

import pytest
from django.db import connection

from cases import services as case_services
from handoffs import services
from handoffs.models import HandoffForm
from tests.factories import case_kwargs, run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def test_concurrent_submits_get_unique_consecutive_numbers(
    work_calendar, front_desk, category, department, third_department
):
    cases = [
        case_services.case_register(
            front_desk, **case_kwargs(category=category, outcome="handoff", phone=f"1390000{i:04d}")
        )
        for i in range(THREADS)
    ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            services.handoff_submit(
                front_desk,
                case=cases[index],
                summary="并发提交",
                departments=[department, third_department],
                urgency="normal",
            )
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    run_in_threads(worker, range(THREADS))

    assert errors == []
    suffixes = sorted(
        int(n.rsplit("-", 1)[1]) for n in HandoffForm.objects.values_list("number", flat=True)
    )
    assert suffixes == list(range(1, THREADS + 1))


def test_concurrent_double_submit_of_one_form_makes_one_row(
    work_calendar, front_desk, category, department, third_department
):
    import uuid

    case = case_services.case_register(
        front_desk, **case_kwargs(category=category, outcome="handoff")
    )
    token = uuid.uuid4()
    results: list = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(
                services.handoff_submit(
                    front_desk,
                    case=case,
                    summary="双击",
                    departments=[department, third_department],
                    urgency="normal",
                    token=token,
                ).pk
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert HandoffForm.objects.count() == 1
    assert len(set(results)) == 1 and len(results) == 2
