"""Database triggers that keep an archived case immutable (CLO-4), shared by migrations.

UPDATE and DELETE of an archived ``cases_case`` row are refused, and so is any
INSERT, UPDATE or DELETE of a child row (events, results, call-backs, …) whose case is archived.
The archive record itself cannot be deleted, nor changed once its PDF is stored. TRUNCATE is not
a row operation: test runs flush tables with it, and production connects as a role that does
not own the tables.

The one change allowed to a final record: after a retention erasure its stored PDF is replaced,
once, by a rendering without personal data (migration 0007, ``archive.retention``).

A later app protects its own case-linked table with a migration that runs
``guard_child_table(schema_editor, "handoffs_referral", "case_id")``.
"""

from __future__ import annotations

from psycopg import sql

PG_FUNCTIONS_HEAD = """
CREATE OR REPLACE FUNCTION archive_refuse_archived_case() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'archived' THEN
        RAISE EXCEPTION 'case % is archived: % refused', OLD.number, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION archive_record_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.pdf_sha256 <> '' THEN
        RAISE EXCEPTION 'archive record % is final: % refused', OLD.number, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER archive_case_frozen BEFORE UPDATE OR DELETE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION archive_refuse_archived_case();
CREATE TRIGGER archive_record_frozen BEFORE UPDATE OR DELETE ON archive_archiverecord
    FOR EACH ROW EXECUTE FUNCTION archive_record_frozen();
"""
# The guard of a child table. Version 1 (migration 0002) read the column through to_jsonb(row)
# for every row; the current one (0004) reads ``case_id`` directly.
PG_CHILD_GUARD_V1 = """
CREATE OR REPLACE FUNCTION archive_refuse_child_of_archived() RETURNS trigger AS $$
DECLARE
    column_name text := TG_ARGV[0];
    touched bigint[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        touched := touched || (to_jsonb(OLD) ->> column_name)::bigint;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        touched := touched || (to_jsonb(NEW) ->> column_name)::bigint;
    END IF;
    IF EXISTS (SELECT 1 FROM cases_case WHERE id = ANY(touched) AND status = 'archived') THEN
        RAISE EXCEPTION '% of an archived case: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
PG_CHILD_GUARD = """
CREATE OR REPLACE FUNCTION archive_refuse_child_of_archived() RETURNS trigger AS $$
DECLARE
    column_name text := TG_ARGV[0];
    old_case bigint;
    new_case bigint;
BEGIN
    IF column_name = 'case_id' THEN
        IF TG_OP <> 'INSERT' THEN old_case := OLD.case_id; END IF;
        IF TG_OP <> 'DELETE' THEN new_case := NEW.case_id; END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN old_case := (to_jsonb(OLD) ->> column_name)::bigint; END IF;
        IF TG_OP <> 'DELETE' THEN new_case := (to_jsonb(NEW) ->> column_name)::bigint; END IF;
    END IF;
    IF EXISTS (
        SELECT 1 FROM cases_case WHERE id IN (old_case, new_case) AND status = 'archived'
    ) THEN
        RAISE EXCEPTION '% of an archived case: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
# What migration 0002 installs (it keeps the first guard; 0004 replaces it).
PG_FUNCTIONS = PG_FUNCTIONS_HEAD + PG_CHILD_GUARD_V1
PG_FUNCTIONS_DOWN = """
DROP TRIGGER IF EXISTS archive_case_frozen ON cases_case;
DROP TRIGGER IF EXISTS archive_record_frozen ON archive_archiverecord;
DROP FUNCTION IF EXISTS archive_refuse_archived_case();
DROP FUNCTION IF EXISTS archive_refuse_child_of_archived() CASCADE;
DROP FUNCTION IF EXISTS archive_record_frozen();
"""


def install_base(schema_editor) -> None:
    schema_editor.execute(PG_FUNCTIONS, params=None)


def remove_base(schema_editor) -> None:
    schema_editor.execute(PG_FUNCTIONS_DOWN, params=None)


def _execute(schema_editor, query: sql.Composable) -> None:
    schema_editor.execute(query.as_string(schema_editor.connection.connection), params=None)


def guard_child_table(schema_editor, table: str, column: str = "case_id") -> None:
    """Refuse writes to ``table`` rows whose ``column`` points at an archived case."""
    query = sql.SQL(
        "CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION archive_refuse_child_of_archived({column});"
    ).format(
        trigger=sql.Identifier(f"archive_{table}_frozen"),
        table=sql.Identifier(table),
        column=sql.Literal(column),
    )
    _execute(schema_editor, query)


def unguard_child_table(schema_editor, table: str) -> None:
    query = sql.SQL("DROP TRIGGER IF EXISTS {trigger} ON {table};").format(
        trigger=sql.Identifier(f"archive_{table}_frozen"), table=sql.Identifier(table)
    )
    _execute(schema_editor, query)
