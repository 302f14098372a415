"""The child-row guard reads the case id without ``to_jsonb(row)``: serialising every inserted row
to JSON cost the overdue scan 175 ms per 10,000 timeline events (issue 4). Every guarded table
names its case ``case_id``; another column name still goes through ``to_jsonb``."""

from django.db import migrations

from archive import triggers


def forwards(apps, schema_editor):
    schema_editor.execute(triggers.PG_CHILD_GUARD, params=None)


def backwards(apps, schema_editor):
    schema_editor.execute(triggers.PG_CHILD_GUARD_V1, params=None)


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_guard_handoff_tables")]
    operations = [migrations.RunPython(forwards, backwards)]
