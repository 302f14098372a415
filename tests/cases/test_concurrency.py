"""Case numbers under concurrent intake on PostgreSQL: real threads, real connections."""

import threading

import pytest
from django.db import connection

from cases import services
from cases.models import Case
from tests.factories import case_kwargs, run_in_threads

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
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    run_in_threads(worker, range(THREADS))

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

    run_in_threads(worker, range(THREADS))

    assert Case.objects.count() == THREADS
    assert list(audit_chain_breaks()) == []


def test_concurrent_intakes_of_the_same_returning_visitors_do_not_deadlock(
    front_desk, category, department
):
    """Every intake of a returning visitor locks the visitor's row; another intake committing
    its case checks the foreign key to that row (FOR KEY SHARE). With a FOR UPDATE lock the two
    waited for each other through the audit chain's lock: a deadlock, HTTP 500, at 32 users on
    the bench. The pages are requested as the browser does, case pages read in between."""
    from django.test import Client
    from django.utils import timezone

    phones = ["13900001111", "13900002222", "13900003333"]
    for phone in phones:  # returning visitors
        services.case_register(front_desk, **case_kwargs(category=category, phone=phone))
    numbers = list(Case.objects.values_list("number", flat=True))
    visit_time = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    failures: list = []
    barrier = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        client = Client()
        client.force_login(front_desk)
        try:
            barrier.wait()
            for n in range(PER_THREAD * 3):
                outcome = ["self", "on_the_spot", "referral"][(index + n) % 3]
                response = client.post(
                    "/cases/new/",
                    {
                        "visit_time": visit_time,
                        "visitor_name": ["王小明", "王晓明"][(index * n) % 2],
                        "phone": phones[(index + n) % len(phones)],
                        "visitor_type": "student",
                        "channel": "in_person",
                        "category": category.pk,
                        "subject": "并发测试",
                        "question": "q",
                        "outcome": outcome,
                        "deadline_mode": "working_days",
                        "working_days": 3,
                        "pending_reason": "needs_checking",
                        "answer": "已当场解答。",
                        "confirmation_note": "满意",
                        "department": department.pk,
                    },
                )
                if response.status_code != 302:
                    failures.append(response.status_code)
                client.get(f"/cases/{numbers[n % len(numbers)]}/")
        except BaseException as error:  # reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    run_in_threads(worker, range(THREADS))

    assert failures == []
    assert Case.objects.count() == len(phones) + THREADS * PER_THREAD * 3
