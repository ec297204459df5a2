"""How an app declares the fields of its records once, so that its files' columns, its forms, its API's bodies and
answers and its import's checks are all derived from one list.

The machinery is shared; the lists are each app's own (`actors/fields.py`, `programmes/fields.py`). An app reads
the kinds its records use: a kind that none of its fields has needs no reader there.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils import translation

from egide.core.labels import Term

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as Label
else:
    Label = str


class Kind(StrEnum):
    LINE = "line"
    """One line of text."""
    TEXT = "text"
    """Free text: line breaks (and, in the map's files, tabs) allowed."""
    CODE = "code"
    """One of a list of codes."""
    YES_NO = "yes_no"
    DATE = "date"
    """A day, written YYYY-MM-DD."""
    FUZZY_DATE = "fuzzy_date"
    """YYYY, YYYY-MM or YYYY-MM-DD; imprecise dates are kept as given (see `core.fuzzy_dates`)."""
    URL = "url"
    NUMBER = "number"
    """A decimal number (a percentage, a coordinate)."""
    INTEGER = "integer"
    COUNTRY = "country"
    """An ISO 3166-1 alpha-2 code (or XK)."""
    REFERENCE = "reference"
    """An actor's reference, in the same file or already in the country's map, in files and in the API."""
    ACTOR = "actor"
    """An actor of the map, by its reference in the files and by its id in the API."""
    ORGANISATION = "organisation"
    """An organisation of the platform, by its acronym in the files and by its id in the API."""


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    """The column in files, the form field and the API field."""
    label: Label
    kind: Kind
    required: bool = False
    """A file's table must have this column, and no record goes without a value."""
    max_length: int | None = None
    """The longest text accepted (the map's imports keep this much of a longer cell)."""
    default: str | bool | None = ""
    """What an empty cell means."""
    terms: tuple[Term, ...] = ()
    """The codes of a code field, with their labels in both languages."""
    choices: Sequence[tuple[str, Label]] = ()
    """The codes of a code field whose labels are translated through the catalogue."""
    key: str = ""
    """The key in a JSON document, when it is not the name."""
    help_text: Label = ""
    rows: int = 0
    """The lines a form shows for free text without a length limit."""

    @property
    def document_key(self) -> str:
        return self.key or self.name

    @property
    def attribute(self) -> str:
        """The name in the data classes, the API and the model: the document's key (the map's files say from and
        to where the rest say source and target)."""
        return self.document_key

    @property
    def required_value(self) -> bool:
        """No record without it: a required code or actor. (A required reference is made when left empty.)"""
        return self.required and self.kind in (Kind.CODE, Kind.REFERENCE)

    def english_label(self) -> str:
        with translation.override("en"):
            return str(self.label)

    def describe(self) -> str:
        """What the API's documentation says of the field beside its label: its help, in English (the document is
        translated when served; the codes are the schema's `enum`, see `codes()`)."""
        with translation.override("en"):
            return str(self.help_text) if self.help_text else ""

    @property
    def multiline(self) -> bool:
        return self.kind is Kind.TEXT

    @property
    def is_text(self) -> bool:
        """Stored as the text given (stripped), so that the same text rule applies to it everywhere."""
        return self.kind in (Kind.LINE, Kind.TEXT)

    def codes(self) -> list[str]:
        return [term.code for term in self.terms] or [str(code) for code, _label in self.choices]

    def options(self) -> list[tuple[str, str]]:
        """The codes with their labels in the active language, for a form's choices."""
        if self.terms:
            return [(term.code, term.label) for term in self.terms]
        return [(str(code), str(label)) for code, label in self.choices]


@dataclass(frozen=True, slots=True)
class Record:
    """A record type's fields as one table of a file."""

    table: str
    fields: tuple[Field, ...]
    label: Label = ""
    """What a page calls the table (the programme form's sections)."""

    def __getitem__(self, name: str) -> Field:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields if field.required)

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields if field.is_text)

    @property
    def multiline(self) -> frozenset[str]:
        return frozenset(field.name for field in self.fields if field.multiline)

    def of_kind(self, *kinds: Kind) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.kind in kinds)

    def prefixed(self, prefix: str, table: str) -> "Record":
        """The same fields under other names, for a table that holds them beside its own."""
        return Record(table, tuple(_renamed(field, prefix + field.name) for field in self.fields))


def _renamed(field: Field, name: str) -> Field:
    return dataclasses.replace(field, name=name, required=False, key="")
