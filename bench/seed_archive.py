"""File every archived case of a seeded bench database in the archive (a seed hook).

    python bench/seed_archive.py --cases N     # run by bench/run.py after bench/seed.py

One ``archive_archiverecord`` per case with status ``archived``, as
``archive.services.case_archive`` writes it: number GD-YYYY-<category code>-NNNNN numbered per
year and category in archiving order, year and month of the local (Asia/Shanghai) archiving
time, the case's category, ``archived_at`` the case's, ``archived_by`` the actor of the case's
``archived`` event. The counters (``archive_archivecounter``) end at the last number handed
out, so the next real archiving follows on. The tally (``archive_archivetally``, records per
year, month and category) is recounted from all records, as ``archive.services.tally_add``
would have left it.

The PDF is left unrendered (``pdf``, both checksums empty, ``pdf_rendered_at`` NULL): the app
renders it on the first download (``archive.views.archive_pdf``), in an export, or in the
periodic sweep, and ``data_sha256`` is computed then from the record's data (``archive.record``:
canonical JSON of the case, its timeline with display names, rounds, call-backs, hand-offs),
which is what a record looks like between filing and rendering.

Set-based SQL on one connection; triggers off (session_replication_role = replica).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.hooks import bulk_load, refuse_if_seeded

TABLES = ("archive_archiverecord", "archive_archivecounter")

# Numbers continue an existing counter of the same year and category, if any.
RECORDS = """
WITH archived AS (
    SELECT c.id AS case_id, c.category_id, cat.code, c.archived_at, e.actor_id,
           extract(year FROM c.archived_at AT TIME ZONE %(tz)s)::int AS year,
           extract(month FROM c.archived_at AT TIME ZONE %(tz)s)::int AS month
    FROM cases_case c
    JOIN cases_category cat ON cat.id = c.category_id
    LEFT JOIN (
        SELECT DISTINCT ON (case_id) case_id, actor_id
        FROM cases_caseevent WHERE kind = 'archived'
        ORDER BY case_id, created_at DESC, id DESC
    ) e ON e.case_id = c.id
    WHERE c.status = 'archived'
      AND NOT EXISTS (SELECT 1 FROM archive_archiverecord r WHERE r.case_id = c.id)
), numbered AS (
    SELECT a.*, COALESCE(k.last, 0)
               + row_number() OVER (PARTITION BY a.year, a.code
                                    ORDER BY a.archived_at, a.case_id) AS seq
    FROM archived a
    LEFT JOIN archive_archivecounter k ON k.year = a.year AND k.category_code = a.code
)
INSERT INTO archive_archiverecord (
    case_id, number, year, month, category_id, archived_at, archived_by_id,
    pdf, pdf_sha256, data_sha256, pdf_rendered_at)
SELECT case_id,
       format('%%s-%%s-%%s-%%s', %(prefix)s::text, lpad(year::text, 4, '0'), code,
              lpad(seq::text, greatest(5, length(seq::text)), '0')),
       year, month, category_id, archived_at, actor_id, '', '', '', NULL
FROM numbered
ORDER BY archived_at, case_id
"""

COUNTERS = """
INSERT INTO archive_archivecounter (year, category_code, last)
SELECT r.year, cat.code, max(substring(r.number FROM '-([0-9]+)$')::int)
FROM archive_archiverecord r
JOIN cases_category cat ON cat.id = r.category_id
GROUP BY r.year, cat.code
ON CONFLICT (year, category_code)
DO UPDATE SET last = greatest(archive_archivecounter.last, excluded.last)
"""

# A full recount (records are never deleted), so the few real archivings before the seed stay in.
TALLY = """
INSERT INTO archive_archivetally (year, month, category_id, n)
SELECT year, month, category_id, count(*)
FROM archive_archiverecord
GROUP BY year, month, category_id
ON CONFLICT (year, month, category_id) DO UPDATE SET n = excluded.n
"""


def seed_archive(url: str) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")
    django.setup()
    from django.conf import settings

    started = time.monotonic()
    with psycopg.connect(url) as conn:
        refuse_if_seeded(conn, TABLES, "the archive tables")
        bulk_load(conn)
        records = conn.execute(
            RECORDS, {"tz": settings.TIME_ZONE, "prefix": settings.ARCHIVE_NUMBER_PREFIX}
        ).rowcount
        counters = conn.execute(COUNTERS).rowcount
        tallies = conn.execute(TALLY).rowcount
        conn.commit()
        conn.autocommit = True
        for table in (*TABLES, "archive_archivetally"):
            conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
    return {
        "archive_records": records,
        "archive_counters": counters,
        "archive_tallies": tallies,
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, help="the seed's size (unused: read from the rows)")
    parser.parse_args(argv)
    print(json.dumps(seed_archive(os.environ["DATABASE_URL"])))


if __name__ == "__main__":
    main()
