"""The reference documents' full-text index on each database (egide.references.search): a GIN index on the stored
search vector on PostgreSQL, an FTS5 table on SQLite. Each database gets its own and the other's step does nothing."""

from django.db import migrations

FTS_TABLE = "references_document_fts"


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX references_document_search ON references_referencedocument USING gin (search_vector)"
        )
    elif vendor == "sqlite":
        # unicode61 with diacritics removed: "securite" finds "sécurité"; the document's id is the rowid.
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(titles, summaries, body, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS references_document_search")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("references", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
