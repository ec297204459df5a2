"""What a list exports: its columns, each a translated header and how to read its value from a row, and its rows.
Pure: the rows are whatever the list's selector gives (dictionaries of `values()`, or plain records)."""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its header (translated when the file is written) and its value in a row. `fields` names what
    the column reads of a `values()` row, so that a list's query reads only those."""

    header: str | Promise
    value: Callable[[Any], object]
    fields: tuple[str, ...] = ()


def field(name: str, header: str | Promise) -> Column:
    """A column that is one field of the row, as stored (text, number, date)."""
    return Column(header, lambda row: row[name], (name,))


def labelled(name: str, header: str | Promise, labels: Mapping[str, str]) -> Column:
    """A coded field written as its label (the code itself when it has none)."""
    return Column(header, lambda row: labels.get(row[name], row[name]), (name,))


def flag(name: str, header: str | Promise, *, yes: str, no: str) -> Column:
    return Column(header, lambda row: yes if row[name] else no, (name,))


@dataclass(frozen=True, slots=True)
class Rows:
    """A list's rows as an export reads them: how many there are (counted first, to choose between streaming and
    the background worker, and for the progress), and the rows themselves, read lazily, once."""

    total: int
    records: Callable[[], Iterable[Any]]


def needed_fields(columns: Sequence[Column]) -> list[str]:
    """Every field the columns read, each once, in their order."""
    return list(dict.fromkeys(name for column in columns for name in column.fields))


def table(columns: Sequence[Column], records: Iterable[Any]) -> Iterator[tuple[object, ...]]:
    """The rows' cells, column by column."""
    getters = [column.value for column in columns]
    for record in records:
        yield tuple(getter(record) for getter in getters)
