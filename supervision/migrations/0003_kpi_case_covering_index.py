"""A covering index on cases_case for the KPI report (issue 7: a year of 1,000,000 cases in
under 1 s).

Both case queries of the report (the case family and the handoff family's join) read every
case registered in the period, about 240,000 for a year on the bench database, and only the
columns below. With them in the index PostgreSQL answers from the index alone (an index-only
scan of ~2,700 pages instead of ~13,400 pages of index and table); pages of cases changed
since the last vacuum are still read from the table, so the figures never depend on it.

The index is on a cases table but lives here because the KPI report is its only reader. Its
columns are what ``supervision.kpi_queries`` reads; a column added there without adding it here
turns the scan back into a table read (slower, not wrong).
"""

from django.db import migrations

INDEX = "kpi_case_created_idx"

PG_UP = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case (created_at) INCLUDE (id, owner_id, "
    "owner_department_id, outcome, deadline, closed_at, extension_count, rework_count, "
    "satisfaction)"
)
PG_DOWN = f"DROP INDEX IF EXISTS {INDEX}"


def forwards(apps, schema_editor):
    schema_editor.execute(PG_UP, params=None)


def backwards(apps, schema_editor):
    schema_editor.execute(PG_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_kpi_caseevent_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
