"""The map's spreadsheets: which tables and columns a file holds (from the field declarations), read and written by
the generic table readers of egide.core.imports."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from egide.actors import fields
from egide.core.imports.limits import FileRefused, ReadLimits
from egide.core.imports.problems import ImportProblem
from egide.core.imports.tables import (
    ColumnMapping,
    Place,
    Row,
    TableLayout,
    UnknownColumns,
    escape_formula,
    unescape_formula,
    write_csv,
    write_xlsx,
    write_zip,
)
from egide.core.imports.tables import read_tables as _read_tables

__all__ = [
    "ACTOR_COLUMNS",
    "CITATION_COLUMNS",
    "COLUMNS",
    "INLINE_CITATION_COLUMNS",
    "LAYOUT",
    "RELATIONSHIP_COLUMNS",
    "REQUIRED",
    "TABLES",
    "ColumnMapping",
    "Place",
    "ReadLimits",
    "Row",
    "TableError",
    "Tables",
    "UnknownColumns",
    "escape_formula",
    "read_tables",
    "unescape_formula",
    "write_csv",
    "write_xlsx",
    "write_zip",
]

TableError = FileRefused
"""The file cannot be read as the map's tables; the message says which file and where."""

ACTOR_COLUMNS = fields.ACTOR.columns
RELATIONSHIP_COLUMNS = fields.RELATIONSHIP.columns
INLINE_CITATION_COLUMNS = fields.INLINE_SOURCE.columns
CITATION_COLUMNS = fields.CITATION.columns

TABLES = tuple(fields.TABLES)
COLUMNS = {name: tuple(item.name for item in columns) for name, columns in fields.TABLES.items()}
REQUIRED = {name: tuple(item.name for item in columns if item.required) for name, columns in fields.TABLES.items()}


def _recognise(columns: set[str]) -> str | None:
    """The table a lone CSV file holds, by the columns that only it has."""
    if "record" in columns:
        return "citations"
    if {"from", "to"} <= columns:
        return "relationships"
    if "kind" in columns:
        return "actors"
    return None


def _unrecognised() -> str:
    return _(
        "the header row matches no table: actors need 'reference' and 'kind', relationships "
        "'from', 'type' and 'to', citations 'record' and 'title'"
    )


LAYOUT = TableLayout(columns=COLUMNS, required=REQUIRED, recognise=_recognise, unrecognised=_unrecognised)


@dataclass(slots=True)
class Tables:
    actors: list[Row] = field(default_factory=list)
    relationships: list[Row] = field(default_factory=list)
    citations: list[Row] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    """What reading found wrong without refusing the file (a JSON record's unknown or missing keys): reported
    with the rows' own problems, in the same pass."""
    country: str = ""
    """The country a JSON document says it maps, checked against the country it is imported into."""

    def table(self, name: str) -> list[Row]:
        rows: list[Row] = getattr(self, name)
        return rows


def read_tables(
    data: bytes, *, filename: str, limits: ReadLimits | None = None, mapping: ColumnMapping | None = None
) -> Tables:
    """Read an uploaded or given file by its extension: .csv (one table), .zip of CSVs, or .xlsx; `mapping` says
    what the headers that name no column stand for (UnknownColumns names the others)."""
    rows = _read_tables(data, filename=filename, layout=LAYOUT, limits=limits, mapping=mapping)
    return Tables(actors=rows["actors"], relationships=rows["relationships"], citations=rows["citations"])
