"""Indexes for a large center (issue 8: one million cases).

Besides two B-tree indexes (the desk's open cases by owner and deadline; the list sorted by
deadline), GIN indexes for the list's free-text search on subject and visitor
name. They index character *bigrams*, not pg_trgm trigrams: most Chinese search words are two
characters (退费, 调课, a two-character name), and pg_trgm extracts no trigram from a
two-character LIKE pattern, so such a search fell back to reading every row. cases.search
matches ``cases_bigrams(column) @> cases_bigrams(term)`` and rechecks with ``icontains``.
"""

from django.conf import settings
from django.db import migrations, models

PG_UP = [
    # Upper-cased overlapping two-character pieces of a text, e.g. 退费进度 -> {退费,费进,进度}.
    """CREATE OR REPLACE FUNCTION cases_bigrams(t text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE u text := upper(t); pieces text[] := '{}'; i int;
    BEGIN
        FOR i IN 1 .. length(u) - 1 LOOP pieces := pieces || substr(u, i, 2); END LOOP;
        RETURN pieces;
    END $$""",
    "CREATE INDEX case_subject_bigram_idx ON cases_case USING gin (cases_bigrams(subject))",
    "CREATE INDEX visitor_name_bigram_idx ON cases_visitor USING gin (cases_bigrams(name))",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS visitor_name_bigram_idx",
    "DROP INDEX IF EXISTS case_subject_bigram_idx",
    "DROP FUNCTION IF EXISTS cases_bigrams(text)",
]


def forwards(apps, schema_editor):
    for sql in PG_UP:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    for sql in PG_DOWN:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_role_groups"),
        ("cases", "0003_visitor_privacy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["open", "referred", "coordinating", "awaiting_confirmation"])
                ),
                fields=["owner", "deadline"],
                name="case_owner_open_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["deadline"], name="case_deadline_idx"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
