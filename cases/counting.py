"""Several counts in one round trip, for desks that show a row of figures.

Each count keeps its own WHERE clause (and so its own index): combining them as FILTERed counts
over an OR of their conditions made PostgreSQL read the whole table instead.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from psycopg import sql

from firstask.sql import render


def count_many(**querysets: QuerySet) -> dict[str, int]:
    """``{name: queryset.count()}`` in one query: ``SELECT (SELECT count(*) FROM …) AS name, …``.
    A sliced queryset (``qs.order_by()[:cap + 1]``) is counted up to its slice: a capped count."""
    parts: list[sql.Composable] = []
    params: list = []
    for name, queryset in querysets.items():
        if not name.isidentifier():
            raise ValueError(f"not a column name: {name!r}")
        if not queryset.query.is_sliced:
            queryset = queryset.order_by()
        try:
            compiled, values = queryset.values("pk").query.sql_with_params()
        except EmptyResultSet:  # a queryset that can match nothing (none(), an empty IN)
            parts.append(sql.SQL("0 AS {name}").format(name=sql.Identifier(name)))
            continue
        # The subquery is Django's compilation of our queryset, its values still parameters.
        count = sql.SQL("(SELECT COUNT(*) FROM ({query}) AS counted) AS {name}")
        parts.append(count.format(query=sql.SQL(compiled), name=sql.Identifier(name)))
        params += values
    query = sql.SQL("SELECT {}").format(sql.SQL(", ").join(parts))
    # Where the ORM would read them: the replica on the pages that may use it.
    alias = next(iter(querysets.values())).db if querysets else "default"
    with connections[alias].cursor() as cursor:
        cursor.execute(render(query), params)
        row = cursor.fetchone()
    return dict(zip(querysets, (int(value) for value in row), strict=True))
