"""firstask/broker.py: a broker failure costs one short wait per process and pause."""

from __future__ import annotations

import time

import pytest

from firstask.broker import task_enqueue
from notifications.tasks import deliver_due
from tests.notifications.conftest import broker_at, free_port  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


class Counting:
    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def apply_async(self, **kwargs) -> None:
        self.calls += 1


def test_after_a_broker_failure_nothing_is_tried_until_the_pause_is_over(
    broker_at,  # noqa: F811
    free_port,  # noqa: F811
    settings,
    caplog,
):
    settings.REDIS_RETRY_SECONDS = 0.5
    broker_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    task = Counting()

    started = time.monotonic()
    assert task_enqueue(deliver_due) is False
    assert time.monotonic() - started < 3
    assert "broker unavailable" in caplog.text
    assert task_enqueue(task) is False
    assert task.calls == 0

    time.sleep(0.6)
    assert task_enqueue(task) is True
    assert task.calls == 1
