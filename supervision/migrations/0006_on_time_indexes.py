"""Indexes for the one definition of "on time" (kpi_queries.case_late): the KPI report reads
the result rounds given since the period began, and the deadline extensions made since then,
each once as a list of case ids. Without them PostgreSQL would read every round ever given and
every timeline event (6.4 million on the bench) for each report.

They live here, like 0002's, because the KPI report is their only reader."""

from django.db import migrations

SQL_UP = """
CREATE INDEX IF NOT EXISTS kpi_resultround_given_idx
    ON closure_resultround (recorded_at, case_id) INCLUDE (deadline);
CREATE INDEX IF NOT EXISTS kpi_caseevent_extended_idx
    ON cases_caseevent (created_at, case_id) WHERE kind = 'deadline_extended';
"""
SQL_DOWN = """
DROP INDEX IF EXISTS kpi_resultround_given_idx;
DROP INDEX IF EXISTS kpi_caseevent_extended_idx;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("closure", "0003_resultround_deadline_when_given"),
        ("supervision", "0005_freeze_signed_off_assessments"),
    ]
    operations = [migrations.RunSQL(SQL_UP, SQL_DOWN)]
