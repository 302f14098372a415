"""Set ``Case.has_callbacks`` (cases 0013) from the call-backs already logged; archived cases
too, with their freezing trigger (archive.triggers) held off for this one UPDATE."""

from django.db import migrations

# Plain SQL frozen here: a migration never imports application code that may change later.
BACKFILL = """
DO $$
DECLARE
    guarded boolean := EXISTS (
        SELECT 1 FROM pg_trigger
        WHERE tgname = 'archive_case_frozen' AND tgrelid = 'cases_case'::regclass
    );
BEGIN
    IF guarded THEN
        ALTER TABLE cases_case DISABLE TRIGGER archive_case_frozen;
    END IF;
    UPDATE cases_case SET has_callbacks = true
    WHERE id IN (SELECT case_id FROM closure_callback);
    IF guarded THEN
        ALTER TABLE cases_case ENABLE TRIGGER archive_case_frozen;
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_case_work_flags"),
        ("closure", "0003_resultround_deadline_when_given"),
    ]

    operations = [migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop)]
