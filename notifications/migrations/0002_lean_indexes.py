# The recipient's own index repeats the leading column of notification_once and of
# notification_inbox_idx. Only the index is dropped, by name.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="recipient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipient",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "notifications_notification_recipient_id_d055f3f0"',
                    reverse_sql='CREATE INDEX IF NOT EXISTS '
                    '"notifications_notification_recipient_id_d055f3f0" '
                    'ON "notifications_notification" ("recipient_id")',
                ),
            ],
        ),
    ]
