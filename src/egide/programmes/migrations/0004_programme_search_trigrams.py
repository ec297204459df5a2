"""Trigram indexes for the programme list's search (titles and identifier, any part of them) on PostgreSQL: the
search reads them instead of every programme (177 ms → 1.5 ms at 100,000 programmes, benchmarks/RESULTS.md,
timeline). Django's `icontains` compares UPPER(column), so the indexes are on UPPER(column).

The pg_trgm extension needs the right to create it; a database where it may not be created keeps the search as it
was (correct, only slower), and the migration says so rather than failing. Nothing is done on SQLite."""

from django.db import migrations, transaction

COLUMNS = ("title_en", "title_fr", "iati_identifier")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as error:  # no right to create the extension: the search stays unindexed
            print(f"\n  programmes: the trigram indexes are not created ({error}); the search works without them")
            return
        for column in COLUMNS:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS programme_{column}_trigrams ON programmes_programme "
                f"USING gin (UPPER({column}) gin_trgm_ops)"
            )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(f"DROP INDEX IF EXISTS programme_{column}_trigrams")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_programme_by_title")]
    operations = [migrations.RunPython(create, drop)]
