"""The benchmark seeds exactly the number of cases asked for, whatever the hour it runs."""

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
