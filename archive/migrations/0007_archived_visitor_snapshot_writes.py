"""An archived case stays frozen, with two audited exceptions on its visitor columns (VIS-1):
a PIPL correction of the visitor's data and the retention erasure, and the center head's merge
of two visitor records that are one person (the case's link to its person, not what it shows).

The service that makes such a change sets ``firstask.visitor_write`` to ``on`` for its own
transaction (``set_config(…, true)``, cases.visitors.archived_visitor_writes); the trigger then
lets an UPDATE through when it changes nothing but those columns. Anything else is refused as
before."""

from django.db import migrations

VISITOR_COLUMNS = (
    "ARRAY['visitor_id', 'visitor_name', 'visitor_phone', 'visitor_phone_hash', "
    "'visitor_phone_last4', 'visitor_corrected_at']"
)

UP = f"""
CREATE OR REPLACE FUNCTION archive_refuse_archived_case() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'archived' THEN
        IF TG_OP = 'UPDATE'
           AND coalesce(current_setting('firstask.visitor_write', true), '') = 'on'
           AND (to_jsonb(NEW) - {VISITOR_COLUMNS}) = (to_jsonb(OLD) - {VISITOR_COLUMNS}) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'case % is archived: % refused', OLD.number, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

DOWN = """
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0006_year_time_index"),
        ("cases", "0008_visitor_people_and_case_snapshot"),
    ]
    operations = [migrations.RunSQL(UP, DOWN)]
