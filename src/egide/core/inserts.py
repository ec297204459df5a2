"""Writing many new rows of one table at once, without the ORM's work per value and per instance.

An import writes tens of thousands of records, and as many audit entries: `bulk_create` makes a model instance of
each and prepares each value through its field, which took most of an import's time. Here the rows are plain
tuples in the order of their columns, each column's values converted by one function chosen once per column (most
need none), with their new ids in the rows' order: on SQLite by multi-row INSERT statements as large as its
parameter limit allows, which return them (rows whose ids are not needed by one prepared INSERT run for each, with
`executemany`); on PostgreSQL by COPY, the ids taken from the table's sequence first.
No signal is sent: the caller bumps the map version itself, as for `bulk_create`.
"""

import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import orjson
from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations

_MOST_ROWS = 2_000
"""Rows per statement at most, whatever the parameter limit: beyond it a statement's text only grows."""
_COPIED_ROWS = 5_000
"""Rows per COPY on PostgreSQL."""
_MANY_ROWS = 5_000
"""Rows per `executemany` on SQLite (rows without their ids)."""


type _Column = Sequence[Any]
type _ColumnConverter = Callable[[_Column], _Column]


def _each(convert: Callable[[Any], Any]) -> _ColumnConverter:
    """A column's values converted one by one (None left as it is)."""

    def column(values: _Column) -> _Column:
        return [value if value is None else convert(value) for value in values]

    return column


def _shared(convert: Callable[[Any], Any]) -> _ColumnConverter:
    """`_each`, converting once a value that every row shares (a batch's rows share one timestamp)."""

    def column(values: _Column) -> _Column:
        first = values[0]
        if values.count(first) == len(values):  # in C: each value compared with the first, itself first
            return [None if first is None else convert(first)] * len(values)
        return [value if value is None else convert(value) for value in values]

    return column


# orjson writes JSON's own types, and refuses the rest (dates, subclasses such as enumerations, decimals, keys
# that are not text), which the field's encoder then writes as it always does.
_PLAIN_JSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def _json(field: models.JSONField[Any]) -> Callable[[Any], str]:
    """A JSON column's values as text: plain JSON written by orjson, anything else by the field's encoder."""

    def text(value: Any) -> str:
        try:
            return orjson.dumps(value, option=_PLAIN_JSON).decode()
        except TypeError:
            return json.dumps(value, cls=field.encoder)

    return text


def _converter(field: models.Field[Any, Any]) -> _ColumnConverter | None:
    """How a column's Python values become the database's, or None when the driver takes them as they are."""
    postgresql = connection.vendor == "postgresql"  # psycopg writes dates, times and decimals itself
    if isinstance(field, models.DateTimeField):
        return None if postgresql else _shared(connection.ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        # psycopg writes dates itself; so does SQLite's driver, through the adapter Django registers for dates
        # (isoformat), which gives what the usual adaptation gives (str).
        if postgresql or type(connection.ops).adapt_datefield_value is BaseDatabaseOperations.adapt_datefield_value:
            return None
        return _each(connection.ops.adapt_datefield_value)
    if isinstance(field, models.JSONField):
        return _each(_json(field))
    if isinstance(field, models.DecimalField):
        return _decimals(field)
    if isinstance(
        field, models.CharField | models.TextField | models.IntegerField | models.BooleanField | models.ForeignKey
    ):
        return None
    return _each(lambda value: field.get_db_prep_save(value, connection))


_DECIMAL_TYPES = frozenset({Decimal, type(None)})


def _decimals(field: models.DecimalField[Any, Any]) -> _ColumnConverter:
    """A decimal column's values: finite Decimals as they are (what the field would make of them), anything else
    through the field (which converts text and floats and refuses what is not a number). A column of finite
    Decimals and None, the usual one, is checked in C (map and filter), not value by value in Python."""

    def decimal(value: Any) -> Any:
        if value.__class__ is Decimal and value.is_finite():
            return value
        return field.get_db_prep_save(value, connection)

    def column(values: _Column) -> _Column:
        if set(map(type, values)) <= _DECIMAL_TYPES and all(map(Decimal.is_finite, filter(None, values))):
            return values
        return [value if value is None else decimal(value) for value in values]

    return column


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
    converters = [(index, convert) for index, field in enumerate(fields) if (convert := _converter(field)) is not None]
    if connection.vendor == "postgresql":
        return _copy(model, fields, rows, converters, ids=ids)
    quote = connection.ops.quote_name
    insert = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(field.column)) for field in fields)})"
    # SQLite's own placeholders: Django's wrapper rewrites each %s into ? with a regular expression, which for a
    # statement of thousands of rows cost as much as a tenth of the time SQLite took to run it. Not while queries
    # are logged (DEBUG, tests counting queries): the log substitutes the parameters into the text at each %s.
    mark = "%s" if connection.queries_logged else "?"
    placeholder = "(" + ", ".join([mark] * len(fields)) + ")"
    if not ids or meta.pk is None:
        # One prepared statement run for each row: no statement text to build and parse per batch.
        with connection.cursor() as cursor:
            for batch in itertools.batched(rows, _MANY_ROWS):
                cursor.executemany(
                    f"{insert} VALUES {placeholder}",
                    _converted(batch, converters) if converters else batch,
                )
        return []
    returning = f" RETURNING {quote(str(meta.pk.column))}"
    size = max(1, min(_MOST_ROWS, _most_parameters() // len(fields)))
    statements: dict[int, str] = {}
    made: list[int] = []
    with connection.cursor() as cursor:
        for batch in itertools.batched(rows, size):
            prepared: Sequence[Sequence[Any]] = batch
            if converters:
                prepared = _converted(batch, converters)
            if len(batch) not in statements:
                statements[len(batch)] = f"{insert} VALUES {', '.join([placeholder] * len(batch))}{returning}"
            cursor.execute(statements[len(batch)], list(itertools.chain.from_iterable(prepared)))
            made.extend(row[0] for row in cursor.fetchall())
    return made


# The sequence is looked up once, in its own step: written inside nextval(), its lookup (a scan of the catalogue's
# dependencies) ran for every id, and took 15 times as long as taking the ids themselves.
_NEW_IDS = (
    "WITH sequence AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS id) "
    "SELECT nextval(sequence.id) FROM sequence, generate_series(1, %s) ORDER BY 1"
)


def new_ids(model: type[models.Model], count: int) -> list[int] | None:
    """`count` new ids for the model's table, in order, taken from its sequence before the rows are written, on
    PostgreSQL; None on SQLite, which gives a row its id as it writes it. Rows given their ids so (`insert_rows`
    with the primary key among the columns) may name each other: an actor its parent written in the same COPY."""
    if connection.vendor != "postgresql":
        return None
    assert model._meta.pk is not None
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_NEW_IDS, [model._meta.db_table, model._meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]


def _copy(
    model: type[models.Model],
    fields: list[models.Field[Any, Any]],
    rows: Iterable[Sequence[Any]],
    converters: list[tuple[int, _ColumnConverter]],
    *,
    ids: bool,
) -> list[int]:
    """`insert_rows` on PostgreSQL: COPY, each batch's ids taken from the table's sequence first (in order) when
    they are asked for, and written with the rows."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [str(field.column) for field in fields]
    if ids:
        assert meta.pk is not None
        columns.insert(0, str(meta.pk.column))
    copy = f"COPY {quote(meta.db_table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    made: list[int] = []
    with connection.cursor() as cursor:
        for batch in itertools.batched(rows, _COPIED_ROWS):
            prepared: Sequence[Sequence[Any]] = batch
            if converters:
                prepared = _converted(batch, converters)
            if ids:
                assert meta.pk is not None
                cursor.execute(_NEW_IDS, [meta.db_table, meta.pk.column, len(batch)])
                new = [row[0] for row in cursor.fetchall()]
                made.extend(new)
                prepared = [(pk, *row) for pk, row in zip(new, prepared, strict=True)]
            with cursor.copy(copy) as writer:
                for row in prepared:
                    writer.write_row(row)
    return made


def _converted(batch: Sequence[Sequence[Any]], converters: list[tuple[int, _ColumnConverter]]) -> list[tuple[Any, ...]]:
    """The rows with the values of each column that needs it converted, column by column."""
    columns: list[Sequence[Any]] = list(zip(*batch, strict=True))
    for index, convert in converters:
        columns[index] = convert(columns[index])
    return list(zip(*columns, strict=True))
