"""Covering indexes for the case list's visibility tests (issue 8).

A department head's list of open cases by deadline, and its capped count, test each case's
owner and department: with those columns in the partial deadline index the walk reads the index
alone. An owner's cases and a department's involved cases are collected by id from their
indexes alone too.
"""

from django.conf import settings
from django.db import migrations, models

INVOLVED = "cases_case_involved_departments"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("cases", "0006_awaiting_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_owner_status_idx"),
        migrations.RemoveIndex(model_name="case", name="case_overdue_scan_idx"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["owner", "status"], include=("id",), name="case_owner_status_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", ["open", "referred", "coordinating"])),
                fields=["deadline"],
                include=("id", "status", "owner", "owner_department"),
                name="case_overdue_scan_idx",
            ),
        ),
        # The auto-created through table has no model to declare it on: a department's cases,
        # read as (department, case) pairs from the index alone.
        migrations.RunSQL(
            f"CREATE INDEX case_involved_department_idx ON {INVOLVED} (department_id, case_id)",
            "DROP INDEX case_involved_department_idx",
        ),
    ]
