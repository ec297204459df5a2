"""Writing many new rows of one table at once, without the ORM's work per value and per instance.

An import writes tens of thousands of records, and as many audit entries: `bulk_create` makes a model instance of
each and prepares each value through its field, which took most of an import's time. Here the rows are plain
tuples in the order of their columns, each column's values converted by one function chosen once per column (most
need none), and written by multi-row INSERT statements as large as the database's parameter limit allows, which
return the new ids in the rows' order. No signal is sent: the caller bumps the map version itself, as for
`bulk_create`.
"""

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
from django.db import connection, models

_MOST_ROWS = 1_000
"""Rows per statement at most, whatever the parameter limit: beyond it a statement's text only grows."""


def _remembering_last(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert`, converting a value only when it is not the one before (a batch's rows share one timestamp)."""
    last: list[Any] = [object(), None]

    def converted(value: Any) -> Any:
        if value is not last[0]:
            last[:] = value, convert(value)
        return last[1]

    return converted


# orjson writes JSON's own types, and refuses the rest (dates, subclasses such as enumerations, decimals, keys
# that are not text), which the field's encoder then writes as it always does.
_PLAIN_JSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def _json(field: models.JSONField[Any]) -> Callable[[Any], Any]:
    """A JSON column's values: plain JSON written by orjson, anything else by the field."""

    def text(value: Any) -> str:
        return orjson.dumps(value, option=_PLAIN_JSON).decode()

    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        def prepared(value: Any) -> Any:
            try:
                written = text(value)
            except TypeError:
                return field.get_db_prep_save(value, connection)
            return Jsonb(written, dumps=_as_it_is)  # the text, written once

        return prepared

    def written(value: Any) -> Any:
        try:
            return text(value)
        except TypeError:
            return field.get_db_prep_save(value, connection)

    return written


def _as_it_is(text: str) -> str:
    return text


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a column's Python values become the database's, or None when the driver takes them as they are."""
    if isinstance(field, models.DateTimeField):
        return _remembering_last(connection.ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return _json(field)
    if isinstance(
        field, models.CharField | models.TextField | models.IntegerField | models.BooleanField | models.ForeignKey
    ):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _most_parameters() -> int:
    """The parameters one statement may hold: SQLite's own limit as the library was built, else PostgreSQL's."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return 65_535


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], *, ids: bool = True
) -> list[int]:
    """Insert `rows` (tuples of values for `columns`, by the fields' attribute names: `owner_id`) into the model's
    table; return the new ids in the rows' order when `ids` (else an empty list). The rows are read one
    statement's worth at a time, so that a generator of them keeps one batch in memory."""
    meta = model._meta
    by_attname = {field.attname: field for field in meta.concrete_fields}
    unknown = [column for column in columns if column not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
    fields = [by_attname[column] for column in columns]
    converters = [(index, _converter(field)) for index, field in enumerate(fields)]
    converters = [(index, convert) for index, convert in converters if convert is not None]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {quote(meta.pk.column)}" if ids and meta.pk is not None else ""
    size = max(1, min(_MOST_ROWS, _most_parameters() // len(fields)))
    statements: dict[int, str] = {}
    made: list[int] = []
    with connection.cursor() as cursor:
        for batch in itertools.batched(rows, size):
            if converters:
                prepared = []
                for row in batch:
                    values = list(row)
                    for index, convert in converters:
                        if values[index] is not None:
                            values[index] = convert(values[index])
                    prepared.append(values)
                parameters = list(itertools.chain.from_iterable(prepared))
            else:
                parameters = list(itertools.chain.from_iterable(batch))
            if len(batch) not in statements:
                statements[len(batch)] = (
                    f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholder] * len(batch))}{returning}"
                )
            cursor.execute(statements[len(batch)], parameters)
            if returning:
                made.extend(row[0] for row in cursor.fetchall())
    return made
