"""KPI page benchmark (issue 7: a full year, 200 staff, 1,000,000 cases on PostgreSQL, under 1 s).

``time_kpi_page(start=..., end=...)`` times what ``/supervision/kpis/`` computes for a period:
the KPI report (one aggregate query per measure family) and the monthly trend. The benchmark
helper calls it after seeding; run alone, this file seeds a small data set with bulk inserts
(bench data, not made through the services) into the configured PostgreSQL database:

    DATABASE_URL=postgres://... python bench/kpi_bench.py --staff 20 --cases 20000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")


def time_kpi_page(
    *, start: dt.date, end: dt.date, user=None, repeat: int = 5, kept: bool = False
) -> dict[str, float | int]:
    """Seconds for the KPI page's queries for the period (the whole center unless ``user`` is
    given, then what that user may see): min, median and max of ``repeat`` runs. Each run
    computes the figures (an explicit ``as_of`` bypasses KPI_CACHE_SECONDS) unless ``kept``:
    then the page's own call, which reuses figures calculated within KPI_CACHE_SECONDS."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from supervision import kpis, selectors

    scope = selectors.kpi_scope_for(user) if user is not None else kpis.KpiScope()
    timings = []
    queries = 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            as_of = None if kept else timezone.now()
            report = kpis.kpi_report(start=start, end=end, scope=scope, as_of=as_of)
            timings.append(time.perf_counter() - began)
        queries = len(captured)
    return {
        "min": min(timings),
        "median": statistics.median(timings),
        "max": max(timings),
        "queries": queries,
        "staff_rows": len(report.staff),
    }


def seed(*, staff: int, cases: int, days: int = 365, prefix: str = "BENCH") -> int:
    """Bulk-insert ``staff`` users in 10 departments and ``cases`` cases spread over ``days``.

    Safe to rerun on a database seeded before (``bench/run.py --reuse``): users and cases of
    ``prefix`` that are already there are kept as they are, only the missing ones are added.
    Returns the number of cases added."""
    import random

    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts.models import Department, User
    from cases.models import Case, CaseEvent, Category, Visitor

    rng = random.Random(20261127)  # bench data
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name="staff")
        departments = [
            Department.objects.get_or_create(
                code=f"{prefix[:2]}{n}", defaults={"name": f"{prefix}部门{n}"}
            )[0]
            for n in range(10)
        ]
        names = [f"{prefix.lower()}{n}" for n in range(staff)]
        existing = User.objects.in_bulk(names, field_name="username")
        User.objects.bulk_create(
            User(username=name, name=f"员工{n}", department=departments[n % 10])
            for n, name in enumerate(names)
            if name not in existing
        )
        by_name = User.objects.in_bulk(names, field_name="username")
        users = [by_name[name] for name in names]
        group.user_set.add(*users)
        category, _ = Category.objects.get_or_create(
            code=f"{prefix[:2]}C", defaults={"name": prefix}
        )
        visitor, _ = Visitor.objects.get_or_create(phone="13000000000", defaults={"name": "压测"})
    # Case numbers are f"{prefix}-{n:08d}" for n = 0, 1, …: a rerun starts after the last one.
    done = Case.objects.filter(number__startswith=f"{prefix}-").count()
    if done >= cases:
        return 0
    outcomes = ["on_the_spot", "self", "self", "referral", "handoff"]
    batch = 20_000
    for first in range(done, cases, batch):
        rows = []
        for n in range(first, min(cases, first + batch)):
            owner = users[n % staff]
            outcome = outcomes[n % 5]
            rows.append(
                Case(
                    number=f"{prefix}-{n:08d}",
                    query_code="BENCH000",
                    status_token=f"{prefix}-{n}",
                    visitor=visitor,
                    visitor_type="student",
                    channel="in_person",
                    category=category,
                    subject="压测",
                    question="压测",
                    visit_time=dt.datetime.now(dt.UTC),
                    owner=owner,
                    owner_department_id=owner.department_id,
                    outcome=outcome,
                    deadline=None if outcome == "on_the_spot" else dt.datetime.now(dt.UTC),
                    extension_count=rng.choice([0, 0, 0, 1]),
                    rework_count=rng.choice([0, 0, 0, 0, 1]),
                )
            )
        with transaction.atomic():
            made = Case.objects.bulk_create(rows)
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case=case,
                    kind="referral_requested"
                    if case.outcome == "referral"
                    else "handoff_requested",
                )
                for case in made
                if case.outcome in ("referral", "handoff")
            )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET created_at = now() - random() * %s * interval '1 day' "
            "WHERE number LIKE %s AND number >= %s",
            [days, f"{prefix}-%", f"{prefix}-{done:08d}"],
        )
        cursor.execute(
            "UPDATE cases_case SET deadline = created_at + interval '3 days', closed_at = "
            "CASE WHEN random() < 0.8 THEN created_at + random() * interval '5 days' END "
            "WHERE number LIKE %s AND number >= %s AND outcome <> 'on_the_spot'",
            [f"{prefix}-%", f"{prefix}-{done:08d}"],
        )
        cursor.execute(
            "UPDATE cases_case SET status = 'closed', satisfaction = 1 + floor(random() * 5) "
            "WHERE number LIKE %s AND number >= %s "
            "AND (closed_at IS NOT NULL OR outcome = 'on_the_spot')",
            [f"{prefix}-%", f"{prefix}-{done:08d}"],
        )
        # VACUUM too: the UPDATEs above leave every seeded case as a dead row plus a new one on
        # a page not marked all-visible, which a production table (autovacuum) does not have,
        # and which the report's index-only scans would have to check in the table.
        cursor.execute("VACUUM ANALYZE cases_case")
        cursor.execute("VACUUM ANALYZE cases_caseevent")
    return cases - done


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    django.setup()
    from django.utils import timezone

    if not args.no_seed:
        began = time.perf_counter()
        added = seed(staff=args.staff, cases=args.cases)
        print(
            f"seeded {added} of {args.cases} cases ({args.cases - added} there already), "
            f"{args.staff} staff in {time.perf_counter() - began:.1f}s"
        )
    end = timezone.localdate()
    for kept, label in ((False, "calculated"), (True, "kept for KPI_CACHE_SECONDS")):
        result = time_kpi_page(start=end - dt.timedelta(days=364), end=end, kept=kept)
        print(
            f"KPI report, one year, {label}: median {result['median'] * 1000:.0f} ms "
            f"(min {result['min'] * 1000:.0f}, max {result['max'] * 1000:.0f}), "
            f"{result['queries']} queries, {result['staff_rows']} staff rows"
        )


if __name__ == "__main__":
    main()
