"""Archive numbers GD-YYYY-<category code>-NNNNN, unique under concurrency (CLO-4)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from psycopg import sql

from firstask.sql import db_table, render

from .models import ArchiveCounter


def allocate_archive_number(*, year: int, category_code: str) -> tuple[str, int]:
    """The upsert holds the counter row until commit, so concurrent archivings of one year and
    category queue on it instead of colliding; a rolled-back one gives its number back."""
    query = sql.SQL(
        "INSERT INTO {table} (year, category_code, last) VALUES (%s, %s, 1) "
        "ON CONFLICT (year, category_code) DO UPDATE SET last = {table}.last + 1 "
        "RETURNING last"
    ).format(table=db_table(ArchiveCounter))
    with connection.cursor() as cursor:
        cursor.execute(render(query), [year, category_code])
        (last,) = cursor.fetchone()
    return f"{settings.ARCHIVE_NUMBER_PREFIX}-{year:04d}-{category_code}-{last:05d}", last
