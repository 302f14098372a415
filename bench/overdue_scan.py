#!/usr/bin/env python
"""Benchmark of the overdue scan (issue: "1,000,000 cases of which 200,000 open and 10,000 past
due: flagged in under 5 s, worker peak memory under 300 MB; a second scan under 100 ms").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firstask_bench \\
        python bench/overdue_scan.py --cases 1000000 --open 200000 --due 10000

Use a database of your own: the script refuses one that holds cases it did not make (numbers
other than B-…), and it only ever deletes its own rows.
Rows are generated inside PostgreSQL (generate_series); the timed part is exactly what the beat
task runs, `cases.overdue.flag_overdue()`: flags, timeline events, outbox rows for the owner and
every center head, and the audit event, in one transaction.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Department, User  # noqa: E402
from cases import overdue  # noqa: E402
from cases.models import Category, Visitor  # noqa: E402

OWNERS = 200


def seed(cases: int, open_: int, due: int) -> None:
    assert 0 < due <= open_ <= cases
    department, _ = Department.objects.get_or_create(code="BN", defaults={"name": "基准部门"})
    category, _ = Category.objects.get_or_create(code="BN", defaults={"name": "基准类别"})
    visitor, _ = Visitor.objects.get_or_create(phone="13900000000", defaults={"name": "基准"})
    staff, _ = Group.objects.get_or_create(name="staff")
    heads, _ = Group.objects.get_or_create(name="center_head")
    for index in range(OWNERS):
        user, created = User.objects.get_or_create(
            username=f"bench{index:03d}",
            defaults={"email": f"bench{index}@bench.example", "department": department},
        )
        if created:
            user.groups.add(heads if index < 2 else staff)
    owner_ids = list(User.objects.filter(username__startswith="bench").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        # Only this script's own rows (numbers B-…) are ever removed.
        cursor.execute("DELETE FROM notifications_notification WHERE object_id LIKE %s", ["B-%"])
        cursor.execute(
            "DELETE FROM cases_caseevent WHERE case_id IN "
            "(SELECT id FROM cases_case WHERE number LIKE %s)",
            ["B-%"],
        )
        cursor.execute(
            "DELETE FROM cases_case WHERE id IN (SELECT id FROM cases_case WHERE number LIKE %s)",
            ["B-%"],
        )
        cursor.execute(
            """
            INSERT INTO cases_case (number, query_code, status_token, visitor_type, channel,
                subject, question, visit_time, outcome, status, deadline, deadline_version,
                extension_count, rework_count, answer, created_at, updated_at, version,
                owner_id, owner_department_id, category_id, visitor_id)
            SELECT 'B-' || g, 'ABCDEFGH', 'bench-token-' || g, 'student', 'in_person',
                '基准事项 ' || g, '问题', now() - interval '30 days', 'self',
                CASE WHEN g <= %(open)s THEN 'open' ELSE 'closed' END,
                CASE WHEN g <= %(open)s AND g %% %(every)s = 0
                     THEN now() - interval '1 hour' * (1 + g %% 48)
                     WHEN g <= %(open)s THEN now() + interval '1 hour' * (24 + g %% 480)
                     ELSE now() - interval '1 day' * (1 + g %% 300) END,
                1, 0, 0, '', now() - interval '30 days', now(), 1,
                (%(owners)s::bigint[])[1 + g %% %(n_owners)s], %(department)s, %(category)s,
                %(visitor)s
            FROM generate_series(1, %(cases)s) AS g
            """,
            {
                "open": open_,
                # Past-due cases are spread among the open ones, as deadlines spread over time
                # (every open_/due-th open case), not packed on the first pages of the table.
                "every": max(1, open_ // due),
                "cases": cases,
                "owners": owner_ids,
                "n_owners": len(owner_ids),
                "department": department.pk,
                "category": category.pk,
                "visitor": visitor.pk,
            },
        )
    with connection.cursor() as cursor:
        # As autovacuum leaves a table in service: visibility map and hint bits set.
        cursor.execute("VACUUM ANALYZE cases_case")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=200_000)
    parser.add_argument("--due", type=int, default=10_000)
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    call_command("migrate", verbosity=0)
    from cases.models import Case

    if Case.objects.exclude(number__startswith="B-").exists():
        sys.exit(f"{name} holds cases this benchmark did not make; use an empty database.")
    started = time.perf_counter()
    seed(args.cases, args.open, args.due)
    print(
        f"seeded {args.cases:,} cases ({args.open:,} open, {args.due:,} past due) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    flagged = overdue.flag_overdue()
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = overdue.flag_overdue()
    second = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM notifications_notification")
        (notifications,) = cursor.fetchone()
    print(
        f"first scan:  {flagged['case']:,} flagged, {notifications:,} notifications, {first:.2f} s"
    )
    print(f"second scan: {again['case']:,} flagged, {second * 1000:.1f} ms")
    print(f"peak memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
