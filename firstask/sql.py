"""Raw SQL composed with ``psycopg.sql``, run through Django's cursor.

Identifiers are quoted by psycopg (``sql.Identifier``), never formatted into a string by hand;
values stay ``%s`` parameters. The composed query is turned into text here and executed with
Django's cursor, so it is logged, counted by ``CaptureQueriesContext`` and wrapped like any ORM
query.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model
from psycopg import sql


def db_table(model: type[Model]) -> sql.Identifier:
    """The quoted name of a model's table."""
    return sql.Identifier(model._meta.db_table)


def render(query: sql.Composable) -> str:
    """The SQL text of ``query``, for ``cursor.execute(render(query), params)``."""
    return query.as_string(connection.connection)
