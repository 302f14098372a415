"""The benchmark's own arithmetic: cases seeded, users per role, load runs."""

import random

import pytest

from bench.seed import intake_times
from bench.stories import DAY, HOUR, LOCAL_OFFSET


@pytest.mark.parametrize("local_hour", [2, 9, 23])
def test_intake_times_are_as_many_as_asked_and_all_past(local_hour):
    day = 20_000  # a day number (days since 1970-01-01, local)
    now = day * DAY + local_hour * HOUR - LOCAL_OFFSET
    times = intake_times(random.Random(8), 5_000, years=1, now=now)
    assert len(times) == 5_000
    assert max(times) < now
    assert times == sorted(times)


def test_every_role_gets_a_user_and_the_rest_follow_the_weights():
    from bench.pages import role_counts

    weights = {"auditor": 1, "center": 10, "desk": 18, "head": 2, "public": 3, "staff": 2}
    at_8 = role_counts(weights, 8)
    assert sum(at_8.values()) == 8 and min(at_8.values()) == 1
    at_32 = role_counts(weights, 32)
    assert sum(at_32.values()) == 32
    assert at_32["desk"] > at_32["center"] > at_32["head"] >= at_32["auditor"]
    with pytest.raises(SystemExit):
        role_counts(weights, 5)


def test_load_runs_read_users_and_seconds():
    from bench.run import load_runs

    assert load_runs("8:180,32:60", 60) == {8: 180, 32: 60}
    assert load_runs("8,32", 45) == {8: 45, 32: 45}
