"""The KPI covering index on cases_case gains the columns the report has read since the
departments began to follow the case (issue 16.7): ``status`` and the three attributed
departments.

``kpi_case_created_idx`` (0001_squashed) lets the report's case scans read only the index. When
``kpi_queries`` started grouping on ``received_department_id`` (and, in the case family,
``result_department_id`` and ``overdue_department_id``) the handoff and accountability
families lost their index-only scans and read the whole table again; the case family had not had
one since it read ``status``. With the four columns INCLUDEd all three case scans are index-only
again. ``tests/supervision/test_kpi_queries.py`` checks the plans, so a column added to the
queries without adding it here fails a test instead of slowing the page.

Write cost: an update that sets only one of these columns is no longer a heap-only (HOT) update:
the closure's result department (with the answer or on the spot, once per result), a rework
clearing it, and the overdue scan's department (once per flagged case). Status changes were never
HOT (``case_status_deadline_idx``).
"""

from django.db import migrations

OLD_COLUMNS = (
    "id, owner_id, owner_department_id, outcome, deadline, closed_at, extension_count, "
    "rework_count, satisfaction"
)
NEW_COLUMNS = (
    f"{OLD_COLUMNS}, status, received_department_id, result_department_id, overdue_department_id"
)


def _create(columns: str) -> str:
    return (
        "DROP INDEX IF EXISTS kpi_case_created_idx; "
        f"CREATE INDEX kpi_case_created_idx ON cases_case (created_at) INCLUDE ({columns});"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_squashed"),
    ]

    operations = [
        migrations.RunSQL(_create(NEW_COLUMNS), reverse_sql=_create(OLD_COLUMNS)),
    ]
