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
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
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


def _iso_dates(values: _Column) -> _Column:
    """A date column's dates as the text SQLite's driver writes them (isoformat, through the adapter Django
    registers), each distinct date converted once and the column by looking them up, in C (map). A column holding
    anything else (a datetime, text) is left to the driver, as it always was."""
    distinct = set(values)
    if not set(map(type, distinct)) <= _DATE_TYPES:
        return values
    text = {value: None if value is None else value.isoformat() for value in distinct}
    return list(map(text.__getitem__, values))


_DATE_TYPES = frozenset({date, type(None)})


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
        # psycopg writes dates itself. SQLite's driver does too, through the adapter Django registers for dates
        # (isoformat), which gives what the usual adaptation gives (str): a call from the driver for each value,
        # where a column holds few distinct dates; each is written once here (_iso_dates).
        if postgresql:
            return None
        if type(connection.ops).adapt_datefield_value is BaseDatabaseOperations.adapt_datefield_value:
            return _iso_dates
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


# `count` numbers of a sequence, in order; the sequence named (see _sequence) rather than looked up in the
# statement, where its lookup ran for every number.
_NUMBERS = "SELECT nextval(%s::regclass) FROM generate_series(1, %s) ORDER BY 1"


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
        cursor.execute(_NUMBERS, [_sequence(cursor, model._meta.db_table, str(model._meta.pk.column)), count])
        return [row[0] for row in cursor.fetchall()]


# PostgreSQL's binary COPY: each column's type, and the Python types of the values its binary form is written
# from. A batch whose values are all of those types is copied in binary (the client writes it in less than half the
# time, and the server reads it faster than text); any other, as text, which takes any value psycopg can write.
def _values(kind: type) -> frozenset[type]:
    return frozenset({kind, type(None)})


_BIGINT = ("int8", _values(int))
_TEXT = ("text", _values(str))
_BINARY_TYPES: dict[str, tuple[str, frozenset[type]]] = {
    "bigint": _BIGINT,
    "bigserial": _BIGINT,
    "integer": ("int4", _values(int)),
    "serial": ("int4", _values(int)),
    "smallint": ("int2", _values(int)),
    "smallserial": ("int2", _values(int)),
    "varchar": ("varchar", _values(str)),
    "text": _TEXT,
    "date": ("date", _values(date)),
    "timestamp with time zone": ("timestamptz", _values(datetime)),
    "numeric": ("numeric", _values(Decimal)),
    "boolean": ("bool", _values(bool)),
    "double precision": ("float8", _values(float)),
    "uuid": ("uuid", _values(uuid.UUID)),
    "jsonb": ("jsonb", _values(str)),  # the JSON's text (see _json), written by _jsonb_text
    "inet": ("inet", frozenset({type(None)})),  # an address given as text is copied as text
}


@cache
def _jsonb_text() -> type[Any]:
    """psycopg's dumper of a jsonb value in binary from the JSON's text (its own would encode the text as a JSON
    string): the format's version, then the text. Imported here: a process on SQLite never loads psycopg."""
    from psycopg.adapt import Dumper
    from psycopg.postgres import types
    from psycopg.pq import Format

    class JsonbText(Dumper):
        format = Format.BINARY
        oid = types["jsonb"].oid

        def dump(self, obj: Any) -> bytes:
            return b"\x01" + obj.encode()

    return JsonbText


def _binary_types(fields: Sequence[models.Field[Any, Any]]) -> list[tuple[str, frozenset[type]]] | None:
    """Each column's binary type and the Python types of its values, or None if a column's type is not one of
    those copied in binary."""
    found = []
    for field in fields:
        db_type = field.db_type(connection) or ""
        known = _BINARY_TYPES.get(db_type.split("(")[0].strip().lower())
        if known is None:
            return None
        found.append(known)
    return found


def _binary_fits(rows: Sequence[Sequence[Any]], types: list[tuple[str, frozenset[type]]]) -> bool:
    """Whether every value of the rows is of its column's Python type, and every timestamp aware (a naive one is
    read in the connection's time zone when written as text: kept so). Checked column by column, in C but for
    the timestamps."""
    if not rows:
        return False
    for (name, allowed), values in zip(types, zip(*rows, strict=True), strict=True):
        if not set(map(type, values)) <= allowed:
            return False
        if name == "timestamptz" and any(value is not None and value.utcoffset() is None for value in set(values)):
            return False
    return True


_SEQUENCES: dict[tuple[str, str, str], str] = {}


def _sequence(cursor: Any, table: str, column: str) -> str:
    """The name of the sequence of the table's id column, read once per database and table: named by
    pg_get_serial_sequence() in the statement that takes the numbers, it was looked up again for every number (six
    times the statement's time)."""
    key = (str(connection.settings_dict["NAME"]), table, column)
    if key not in _SEQUENCES:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        _SEQUENCES[key] = cursor.fetchone()[0]
    return _SEQUENCES[key]


def _copy(
    model: type[models.Model],
    fields: list[models.Field[Any, Any]],
    rows: Iterable[Sequence[Any]],
    converters: list[tuple[int, _ColumnConverter]],
    *,
    ids: bool,
) -> list[int]:
    """`insert_rows` on PostgreSQL: COPY, in binary when the values allow it (else as text), each batch's ids
    taken from the table's sequence first (in order) when they are asked for, and written with the rows."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [str(field.column) for field in fields]
    types = _binary_types(fields)
    if ids:
        assert meta.pk is not None
        columns.insert(0, str(meta.pk.column))
        if types is not None:
            types.insert(0, _BIGINT)
    copy = f"COPY {quote(meta.db_table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    made: list[int] = []
    with connection.cursor() as cursor:
        sequence = _sequence(cursor, meta.db_table, str(meta.pk.column)) if ids and meta.pk is not None else None
        for batch in itertools.batched(rows, _COPIED_ROWS):
            prepared: Sequence[Sequence[Any]] = batch
            if converters:
                prepared = _converted(batch, converters)
            if ids:
                assert meta.pk is not None
                cursor.execute(_NUMBERS, [sequence, len(batch)])
                new = [row[0] for row in cursor.fetchall()]
                made.extend(new)
                prepared = [(pk, *row) for pk, row in zip(new, prepared, strict=True)]
            binary = types is not None and _binary_fits(prepared, types)
            if binary:
                cursor.cursor.adapters.register_dumper(None, _jsonb_text())
            with cursor.copy(f"{copy} (FORMAT BINARY)" if binary else copy) as writer:
                if binary:
                    assert types is not None
                    writer.set_types([name for name, _ in types])
                for row in prepared:
                    writer.write_row(row)
    return made


def _converted(batch: Sequence[Sequence[Any]], converters: list[tuple[int, _ColumnConverter]]) -> list[tuple[Any, ...]]:
    """The rows with the values of each column that needs it converted, column by column."""
    columns: list[Sequence[Any]] = list(zip(*batch, strict=True))
    for index, convert in converters:
        columns[index] = convert(columns[index])
    return list(zip(*columns, strict=True))
