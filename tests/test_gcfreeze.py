"""A web worker freezes its long-lived objects once warm (firstask/gcfreeze.py)."""

import gc

import pytest
from django.core.signals import request_finished

from firstask import gcfreeze


@pytest.fixture
def fresh_counter(monkeypatch):
    monkeypatch.setattr(gcfreeze._Counter, "served", 0)
    gc.unfreeze()
    yield
    request_finished.disconnect(gcfreeze._after_request, dispatch_uid=gcfreeze.__name__)
    gc.unfreeze()


def test_objects_are_frozen_after_the_warm_requests_and_only_once(fresh_counter):
    gcfreeze.freeze_when_warm()
    for _ in range(gcfreeze.WARM_REQUESTS - 1):
        request_finished.send(sender=None)
    assert gc.get_freeze_count() == 0
    request_finished.send(sender=None)
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Django, the apps and this test run's objects
    request_finished.send(sender=None)
    assert gcfreeze._Counter.served == gcfreeze.WARM_REQUESTS  # disconnected: counts no more
