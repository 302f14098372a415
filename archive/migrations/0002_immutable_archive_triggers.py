"""The database refuses changes to an archived case and everything hanging off it (CLO-4).
See archive/triggers.py for the rules and for how later apps protect their own tables."""

from django.db import migrations

from archive import triggers

CHILD_TABLES = [
    ("cases_caseevent", "case_id"),
    ("cases_case_involved_departments", "case_id"),
    ("closure_resultround", "case_id"),
    ("closure_callback", "case_id"),
]


def forwards(apps, schema_editor):
    triggers.install_base(schema_editor)
    for table, column in CHILD_TABLES:
        triggers.guard_child_table(schema_editor, table, column)


def backwards(apps, schema_editor):
    for table, _column in CHILD_TABLES:
        triggers.unguard_child_table(schema_editor, table)
    triggers.remove_base(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("cases", "0002_seed_work_calendar"),
        ("closure", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
