"""Archive numbers GD-YYYY-<category code>-NNNNN, unique under concurrency (CLO-4)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from .models import ArchiveCounter


def allocate_archive_number(*, year: int, category_code: str) -> tuple[str, int]:
    """The upsert holds the counter row until commit, so concurrent archivings of one year and
    category queue on it instead of colliding; a rolled-back one gives its number back."""
    table = ArchiveCounter._meta.db_table  # our own constant, not user input
    with connection.cursor() as cursor:
        sql = (
            f"INSERT INTO {table} (year, category_code, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (year, category_code) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last"
        )
        cursor.execute(sql, [year, category_code])
        (last,) = cursor.fetchone()
    return f"{settings.ARCHIVE_NUMBER_PREFIX}-{year:04d}-{category_code}-{last:05d}", last
