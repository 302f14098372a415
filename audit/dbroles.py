"""The production database role story for the append-only tables (AUD-1).

Migrations run as the tables' owner; the application connects as a separate role that owns
nothing. That role gets SELECT/INSERT/UPDATE/DELETE on ordinary tables but only SELECT and
INSERT on the append-only ones, and TRUNCATE on none. Only an owner may TRUNCATE, drop or
disable a trigger, so a compromised application cannot rewrite or empty the audit trail: UPDATE
and DELETE fail on the missing privilege (and on the trigger as a second line), TRUNCATE on the
missing privilege. ``manage.py db_app_role`` applies this and is re-run after every migrate.
"""

from __future__ import annotations

import re

from django.db import connection
from psycopg import sql

from firstask.sql import render

# Higher apps may add their own append-only tables here in AppConfig.ready().
APPEND_ONLY_TABLES: list[str] = [
    "audit_auditevent",
    "audit_personaldataaccess",
    "audit_auditcheckpoint",
]

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> sql.Identifier:
    if not _ROLE_NAME.match(name):
        raise ValueError(f"not a plain role name: {name!r}")
    return sql.Identifier(name)


def app_role_apply(*, role: str, password: str | None = None) -> list[str]:
    """Create or update ``role`` with the application's privileges; returns the statements."""
    ident = _ident(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        exists = cursor.fetchone() is not None
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = (sql.Identifier(name) for name in cursor.fetchone())
    names = {"role": ident, "database": database, "schema": schema}
    queries = [] if exists else [sql.SQL("CREATE ROLE {role} NOSUPERUSER NOCREATEDB NOCREATEROLE")]
    queries += [
        sql.SQL("ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"),
        sql.SQL("GRANT CONNECT ON DATABASE {database} TO {role}"),
        sql.SQL("GRANT USAGE ON SCHEMA {schema} TO {role}"),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}"),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}"),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}"),
    ]
    statements = [render(query.format(**names)) for query in queries]
    revoke = sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}, PUBLIC")
    statements += [
        render(revoke.format(table=sql.Identifier(table), role=ident))
        for table in APPEND_ONLY_TABLES
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        if password:
            cursor.execute(render(sql.SQL("ALTER ROLE {} PASSWORD %s").format(ident)), [password])
    return statements
