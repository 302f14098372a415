"""The archive tally (records per year, month and category), filled from the records already
filed; from here on ``services.tally_add`` keeps it in step."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0004_faster_child_guard'),
        ('cases', '0007_covering_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArchiveTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('month', models.PositiveSmallIntegerField()),
                ('n', models.PositiveIntegerField(default=0)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.category')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('year', 'month', 'category'), name='archive_tally_key')],
            },
        ),
        migrations.RunSQL(
            """
            INSERT INTO archive_archivetally (year, month, category_id, n)
            SELECT year, month, category_id, count(*)
            FROM archive_archiverecord
            GROUP BY year, month, category_id
            """,
            migrations.RunSQL.noop,
        ),
    ]
