"""The map as one JSON document (the format of the demo data and of the JSON export), and back to tables.

Every value is checked for its type where it is read (egide.core.imports.documents), and a fault names its place
(actors[3].name_en), so that a document of the wrong shape gets a clear refusal rather than an error deep in the
importer. The keys are those of the field declarations.
"""

from typing import Any

from django.utils.translation import gettext as _

from egide.actors import fields
from egide.actors.tabular import ColumnMapping, Place, ReadLimits, Row, TableError, Tables, read_tables
from egide.core.imports.documents import ValueReader, kind_of, read_json
from egide.core.imports.limits import too_many_rows
from egide.core.imports.problems import ImportProblem
from egide.core.imports.tables import TABLE_EXTENSIONS

YES_NO_FIELDS = frozenset(
    field.document_key
    for record in (fields.ACTOR, fields.RELATIONSHIP)
    for field in record.fields
    if field.kind is fields.Kind.YES_NO
)


DOCUMENT_KEYS = ("country", "label_en", "label_fr", "sources", "actors", "relationships")
"""The keys of the document itself."""
SOURCE_KEYS = ("key", *(name for name in fields.SOURCE.columns if name not in fields.PASSAGE))
CITATION_KEYS = ("source", *fields.PASSAGE)


def _keys(record: fields.Record) -> tuple[str, ...]:
    return (*(field.document_key for field in record.fields), "citations")


def _place(table: str, index: int, prefix: str = "") -> Place:
    return Place(table, index, prefix, column_keys=_COLUMN_KEYS)


_COLUMN_KEYS = {field.name: field.document_key for field in fields.RELATIONSHIP.fields if field.key}
"""Columns whose key in the document has another name (from is source, to is target): a problem names the key."""


class _Reading:
    """One document being turned into tables: type faults refuse it (ValueReader), while keys that are unknown or
    missing are collected as problems, reported with every other problem of the import."""

    def __init__(self, filename: str) -> None:
        self.read = ValueReader(filename, yes_no=YES_NO_FIELDS)
        self.tables = Tables()

    def keys(
        self, item: dict[str, Any], allowed: tuple[str, ...], table: str, row: int, where: str, prefix: str = ""
    ) -> None:
        for key in item:
            if key not in allowed:
                self.tables.problems.append(
                    ImportProblem(
                        table,
                        row,
                        prefix + key,
                        _("%(where)s: unknown key “%(key)s”, which would be left out; the keys are %(keys)s.")
                        % {"where": where, "key": key, "keys": ", ".join(allowed)},
                    )
                )

    def required(self, item: dict[str, Any], record: fields.Record, table: str, row: int, where: str) -> None:
        for field in record.fields:
            if field.required and field.document_key not in item:
                self.tables.problems.append(
                    ImportProblem(
                        table,
                        row,
                        field.document_key,
                        _("%(where)s: missing “%(key)s”.") % {"where": where, "key": field.document_key},
                    )
                )

    def values(self, item: dict[str, Any], record: fields.Record, where: str) -> dict[str, str]:
        """The item's values under the table's column names."""
        return {field.name: self.read.text(item, field.document_key, where) for field in record.fields}


def tables_from_document(document: Any, *, filename: str) -> Tables:
    """Turn a map document into the tables the importer checks; structural faults name their place."""
    reading = _Reading(filename)
    read = reading.read
    if not isinstance(document, dict):
        raise read.fault(
            _("the document must be a JSON object with actors and relationships, not %(kind)s.")
            % {"kind": kind_of(document)}
        )
    tables = reading.tables
    reading.keys(document, DOCUMENT_KEYS, "document", 0, _("the document"))
    country = document.get("country")
    if country is not None and not isinstance(country, str):
        raise read.fault(_("%(where)s must be text, not %(kind)s.") % {"where": "country", "kind": kind_of(country)})
    tables.country = (country or "").strip().upper()
    sources: dict[str, dict[str, str]] = {}
    for index, value in enumerate(read.items(document.get("sources"), "sources"), start=1):
        where = f"sources[{index}]"
        source = read.object(value, where)
        reading.keys(source, SOURCE_KEYS, "sources", index, where)
        key = read.text(source, "key", where)
        if not key:
            raise read.fault(_("%(where)s needs a key") % {"where": where})
        sources[key] = {name: read.text(source, name, where) for name in SOURCE_KEYS if name != "key"}

    def citations(item: dict[str, Any], table: str, index: int, record: dict[str, str]) -> None:
        where = f"{table}[{index}]"
        for number, value in enumerate(read.items(item.get("citations"), f"{where}.citations"), start=1):
            place = f"{where}.citations[{number}]"
            citation = read.object(value, place)
            reading.keys(citation, CITATION_KEYS, table, index, place, f"citations[{number}].")
            key = read.text(citation, "source", place)
            if key not in sources:
                tables.problems.append(
                    ImportProblem(
                        table,
                        index,
                        f"citations[{number}].source",
                        _("%(where)s cites unknown source “%(key)s”.") % {"where": place, "key": key},
                    )
                )
                continue
            values = {**record, **sources[key], **{name: read.text(citation, name, place) for name in fields.PASSAGE}}
            row_place = _place(table, index, f"citations[{number}].")
            tables.citations.append(Row(len(tables.citations) + 1, values, row_place))

    for index, value in enumerate(read.items(document.get("actors"), "actors"), start=1):
        where = f"actors[{index}]"
        item = read.object(value, where)
        reading.keys(item, _keys(fields.ACTOR), "actors", index, where)
        reading.required(item, fields.ACTOR, "actors", index, where)
        values = reading.values(item, fields.ACTOR, where)
        tables.actors.append(Row(index, values, _place("actors", index)))
        citations(item, "actors", index, {"record": "actor", "actor": values["reference"]})
    for index, value in enumerate(read.items(document.get("relationships"), "relationships"), start=1):
        where = f"relationships[{index}]"
        item = read.object(value, where)
        reading.keys(item, _keys(fields.RELATIONSHIP), "relationships", index, where)
        reading.required(item, fields.RELATIONSHIP, "relationships", index, where)
        values = reading.values(item, fields.RELATIONSHIP, where)
        tables.relationships.append(Row(index, values, _place("relationships", index)))
        identity = {name: values[name] for name in fields.RELATIONSHIP_KEY}
        citations(item, "relationships", index, {"record": "relationship", **identity})
    return tables


def read_document(data: bytes, *, filename: str, limits: ReadLimits | None = None) -> Tables:
    limits = limits or ReadLimits.from_settings()
    tables = tables_from_document(read_json(data, filename=filename, limits=limits), filename=filename)
    for name in fields.TABLES:
        if len(tables.table(name)) > limits.rows:
            raise too_many_rows(filename, name, limits)
    return tables


def read_map_file(
    data: bytes, *, filename: str, limits: ReadLimits | None = None, mapping: ColumnMapping | None = None
) -> Tables:
    """Any file the map import accepts: .json (a map document), .csv, .zip of CSVs, or .xlsx; `mapping` renames a
    spreadsheet's headers that name no column (UnknownColumns names those it does not)."""
    lower = filename.lower()
    if lower.endswith(".json"):
        return read_document(data, filename=filename, limits=limits)
    if not lower.endswith(TABLE_EXTENSIONS):
        raise TableError(
            _("%(file)s: unsupported file type; use .xlsx, .csv, .zip (of CSV files) or .json") % {"file": filename}
        )
    return read_tables(data, filename=filename, limits=limits, mapping=mapping)
