"""What the seed hooks (bench/seed_*.py) share: refusing a seeded database, the session
settings of a bulk load, and the center head who signs what the center head would."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

# A few real rows (the harness's own tests) may be there already; a seeded database has more.
MOST_ROWS_BEFORE = 300


def scalar(
    conn: psycopg.Connection,
    query: str | sql.SQL | sql.Composed,
    params: Sequence[Any] | None = None,
) -> Any:
    """The value a query of one row and one column answers (a count, an aggregate)."""
    row = conn.execute(query, params).fetchone()
    assert row is not None, "an aggregate always answers a row"
    return row[0]


def refuse_if_seeded(conn: psycopg.Connection, tables: tuple[str, ...], what: str) -> None:
    """Exit 2 when ``tables`` together hold more than MOST_ROWS_BEFORE rows: not seeded twice."""
    count = sql.SQL("(SELECT count(*) FROM {})")
    counts = sql.SQL(" + ").join(count.format(sql.Identifier(table)) for table in tables)
    rows = scalar(conn, sql.SQL("SELECT {}").format(counts))
    if rows > MOST_ROWS_BEFORE:
        print(f"{what} already hold {rows:,} rows: not seeded again", file=sys.stderr)
        raise SystemExit(2)


def bulk_load(conn: psycopg.Connection) -> None:
    """Triggers off (every id written is made here, as in bench/seed.py), no wait for the WAL
    flush, room to sort and hash in memory."""
    conn.execute("SET session_replication_role = replica")
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET work_mem = '256MB'")


def center_head_id(conn: psycopg.Connection) -> int | None:
    return scalar(
        conn,
        "SELECT min(ug.user_id) FROM accounts_user_groups ug"
        " JOIN auth_group g ON g.id = ug.group_id WHERE g.name = 'center_head'",
    )
