# Leaner indexes for the overdue scan (issue 4) and for every write to a case: the scan index no
# longer names overdue_flagged_at, so flagging can be a heap-only update; the table keeps 10% of
# each page free for such updates; indexes that duplicate another's leading column go, and so do
# the varchar_pattern_ops twins of number and status_token (both are only ever looked up exactly).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PATTERN_TWINS = {
    "cases_case_number_980c9551_like": "number",
    "cases_case_status_token_39f40f31_like": "status_token",
}


def drop_index_only(state_operation, index: str, table: str, column: str):
    """The field loses db_index in the migration state; in the database only its index is
    dropped, by name."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[state_operation],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"',
                reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{column}")',
            )
        ],
    )


def forwards(apps, schema_editor):
    for name in PATTERN_TWINS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    schema_editor.execute("ALTER TABLE cases_case SET (fillfactor = 90)")


def backwards(apps, schema_editor):
    schema_editor.execute("ALTER TABLE cases_case RESET (fillfactor)")
    for name, column in PATTERN_TWINS.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON cases_case ("{column}" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("cases", "0004_performance_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="case_overdue_scan_idx",
        ),
        drop_index_only(
            migrations.AlterField(
                model_name="case",
                name="owner",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="owned_cases",
                    to=settings.AUTH_USER_MODEL,
                    verbose_name="first responder",
                ),
            ),
            "cases_case_owner_id_352cf2f7",
            "cases_case",
            "owner_id",
        ),
        drop_index_only(
            migrations.AlterField(
                model_name="caseevent",
                name="case",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="events",
                    to="cases.case",
                ),
            ),
            "cases_caseevent_case_id_6c6031ac",
            "cases_caseevent",
            "case_id",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", ["open", "referred", "coordinating"])),
                fields=["deadline"],
                name="case_overdue_scan_idx",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
