"""An index on cases_caseevent for the KPI report (issue 7: a year of 1,000,000 cases in
under 1 s).

The report's referral and handoff measures count the cases with a timeline event of four
kinds (``supervision.kpi_queries.REFERRAL_KINDS`` + ``HANDOFF_KINDS``). Those are about 6% of
the events, and without an index PostgreSQL read all 6.4 million events of the bench database
to find them (a parallel sequential scan, 1.1 s of the report's 1.6 s). This partial index
holds only those events, with ``kind`` so that the report reads it without the table (an
index-only scan of ~0.4 million entries, 18 MB).

The index is on a cases table but lives here because the KPI report is its only reader. Its
kinds must stay those of ``kpi_queries`` (tests/supervision/test_kpi_queries.py checks it):
for another list PostgreSQL cannot prove the query's rows are in the index and scans the table.
"""

from django.db import migrations

KINDS = ("referral_requested", "referral_created", "handoff_requested", "handoff_submitted")
INDEX = "kpi_caseevent_referral_handoff_idx"

PG_UP = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_caseevent (case_id, kind) "
    f"WHERE kind IN ({', '.join(repr(kind) for kind in KINDS)})"
)
PG_DOWN = f"DROP INDEX IF EXISTS {INDEX}"


def forwards(apps, schema_editor):
    schema_editor.execute(PG_UP, params=None)


def backwards(apps, schema_editor):
    schema_editor.execute(PG_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_performance_indexes"),
        ("supervision", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
