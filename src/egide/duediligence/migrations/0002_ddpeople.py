"""The people's name search (egide.duediligence.search): on PostgreSQL, the pg_trgm extension and a GIN trigram
index on the folded names. A database where the extension may not be created searches as SQLite does (the bounded
fallback, correct but unindexed), and the migration says so rather than failing. Nothing is done on SQLite."""

from django.db import migrations, transaction

INDEX = "duediligence_person_names_trigrams"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as error:  # no right to create the extension: the fallback search serves
            print(f"\n  duediligence: the trigram index is not created ({error}); the name search works without it")
            return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON duediligence_person USING gin (search_names gin_trgm_ops)"
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("duediligence", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
