"""The handoff records that hang directly off a case (referrals, handoff forms) freeze with it
(CLO-4). Meetings, assignments, answers and disputes hang off those forms; their services refuse
archived cases (cases.services.case_lock), see README "Archive" for the remaining gap."""

from django.db import migrations

from archive import triggers

CHILD_TABLES = [
    ("handoffs_referral", "case_id"),
    ("handoffs_handoffform", "case_id"),
]


def forwards(apps, schema_editor):
    for table, column in CHILD_TABLES:
        triggers.guard_child_table(schema_editor, table, column)


def backwards(apps, schema_editor):
    for table, _column in CHILD_TABLES:
        triggers.unguard_child_table(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_immutable_archive_triggers"),
        ("handoffs", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
