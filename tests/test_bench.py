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


def test_default_settings_rows_compare_each_page_and_judge_desks_and_lists():
    from bench.report import _defaults_section

    def rows(desk_ms, list_ms):
        return [
            {"name": "desk", "per_page": None, "ms": desk_ms, "queries": 9},
            {"name": "cases: all, newest", "per_page": 25, "ms": list_ms, "queries": 8},
            {"name": "KPI", "per_page": None, "ms": 80.0, "queries": 7},
        ]

    settings = {"shared_buffers": "6GB", "server_version": "18.6"}
    lines = _defaults_section(
        {
            "tuned": {"settings": settings, "rows": rows(30.0, 20.0)},
            "defaults": {"settings": {"shared_buffers": "128MB"}, "rows": rows(99.0, 21.0)},
        }
    )
    assert "- defaults: shared_buffers 128MB" in lines
    assert "| desk | — | 30 | 99 | 9 | ✗ |" in lines
    assert "| cases: all, newest | 25 | 20 | 21 | 8 | ✓ |" in lines
    assert "| KPI | — | 30 | 80 | 7 |  |" not in lines  # not a desk or list: no verdict
    assert "| KPI | — | 80 | 80 | 7 |  |" in lines


def test_pg_defaults_needs_the_embedded_clusters_directory():
    import argparse

    from bench.run import embedded_cluster

    with pytest.raises(SystemExit, match="--pg-data"):
        embedded_cluster(argparse.Namespace(pg_data=None, database_url="postgres://x/y"))
