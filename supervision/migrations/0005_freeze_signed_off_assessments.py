"""The database itself keeps a signed-off assessment frozen and every scoring standard as saved
(KPI-3): UPDATE and DELETE of a signed-off assessment, and UPDATE of a standard, are refused.
A draft assessment may still be recomputed (UPDATE) — and signed off, which is the last UPDATE
its row takes."""

from django.db import migrations

SQL_UP = """
CREATE OR REPLACE FUNCTION supervision_assessment_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed_off' THEN
        RAISE EXCEPTION 'a signed-off assessment is frozen: % refused', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER supervision_periodicassessment_frozen
    BEFORE UPDATE OR DELETE ON supervision_periodicassessment
    FOR EACH ROW EXECUTE FUNCTION supervision_assessment_frozen();

CREATE OR REPLACE FUNCTION supervision_standard_unchanged() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a scoring standard is never changed: save a new version'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER supervision_scoringstandard_unchanged
    BEFORE UPDATE ON supervision_scoringstandard
    FOR EACH ROW EXECUTE FUNCTION supervision_standard_unchanged();
"""
SQL_DOWN = """
DROP TRIGGER IF EXISTS supervision_periodicassessment_frozen ON supervision_periodicassessment;
DROP FUNCTION IF EXISTS supervision_assessment_frozen();
DROP TRIGGER IF EXISTS supervision_scoringstandard_unchanged ON supervision_scoringstandard;
DROP FUNCTION IF EXISTS supervision_standard_unchanged();
"""


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_scoring_standard_periodic_assessment_violations")]
    operations = [migrations.RunSQL(SQL_UP, SQL_DOWN)]
