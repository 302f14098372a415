"""Set the case's work flags (cases 0013) from the referrals, handoff forms and disputes already
written. An archived case is frozen by a trigger (archive.triggers); the flags only say what its
rows already hold, so the trigger is held off for this one UPDATE when it exists."""

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
    UPDATE cases_case c SET
        has_referrals = EXISTS (SELECT 1 FROM handoffs_referral r WHERE r.case_id = c.id),
        has_handoff_forms = EXISTS (SELECT 1 FROM handoffs_handoffform h WHERE h.case_id = c.id),
        has_disputes = EXISTS (
            SELECT 1 FROM handoffs_dispute d
            JOIN handoffs_handoffform h ON h.id = d.handoff_id
            WHERE h.case_id = c.id
        )
    WHERE c.id IN (
        SELECT case_id FROM handoffs_referral UNION SELECT case_id FROM handoffs_handoffform
    );
    IF guarded THEN
        ALTER TABLE cases_case ENABLE TRIGGER archive_case_frozen;
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_case_work_flags"),
        ("handoffs", "0004_posts_and_scheduled_meetings"),
    ]

    operations = [migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop)]
