"""The reference documents' search vectors: PostgreSQL's `tsvector`, as django.contrib.postgres declares it.

On PostgreSQL the field is django.contrib.postgres's own (its lookups and expressions search with it). On SQLite,
which searches with FTS5 instead (egide.references.search) and never reads these columns, it is a plain field of
the same column type and the same path in migrations, so that a process on SQLite (the command line's start) does
not import psycopg, which django.contrib.postgres imports.
"""

from typing import Any

from django.conf import settings
from django.db import models

POSTGRES_ENGINES = ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2")


class _SearchVectorOnSQLite(models.Field[Any, Any]):
    """django.contrib.postgres's SearchVectorField as SQLite stores it (a column of type tsvector), without
    importing psycopg."""

    def db_type(self, connection: Any) -> str:
        return "tsvector"

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.contrib.postgres.search.SearchVectorField", args, kwargs


SearchVectorField: type[models.Field[Any, Any]]
if settings.DATABASES["default"]["ENGINE"] in POSTGRES_ENGINES:
    from django.contrib.postgres.search import SearchVectorField
else:
    SearchVectorField = _SearchVectorOnSQLite
