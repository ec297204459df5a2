"""The map as one JSON document (the format of the demo data and of the JSON export), and back to tables.

Every value is checked for its type where it is read (egide.core.imports.documents), and a fault names its place
(actors[3].name_en), so that a document of the wrong shape gets a clear refusal rather than an error deep in the
importer. The keys are those of the field declarations.
"""

from typing import Any

from django.utils.translation import gettext as _

from egide.actors import fields
from egide.actors.tabular import ReadLimits, Row, Tables, read_tables
from egide.core.imports.documents import ValueReader, kind_of, read_json
from egide.core.imports.limits import too_many_rows

YES_NO_FIELDS = frozenset(
    field.document_key
    for record in (fields.ACTOR, fields.RELATIONSHIP)
    for field in record.fields
    if field.kind is fields.Kind.YES_NO
)


def _values(read: ValueReader, item: dict[str, Any], record: fields.Record, where: str) -> dict[str, str]:
    """The item's values under the table's column names."""
    return {field.name: read.text(item, field.document_key, where) for field in record.fields}


def tables_from_document(document: Any, *, filename: str) -> Tables:
    """Turn a map document into the tables the importer checks; structural faults name their place."""
    read = ValueReader(filename, yes_no=YES_NO_FIELDS)
    if not isinstance(document, dict):
        raise read.fault(
            _("the document must be a JSON object with actors and relationships, not %(kind)s.")
            % {"kind": kind_of(document)}
        )
    sources: dict[str, dict[str, str]] = {}
    for index, value in enumerate(read.items(document.get("sources"), "sources"), start=1):
        where = f"sources[{index}]"
        source = read.object(value, where)
        key = read.text(source, "key", where)
        if not key:
            raise read.fault(_("%(where)s needs a key") % {"where": where})
        sources[key] = {
            name: read.text(source, name, where) for name in fields.SOURCE.columns if name not in fields.PASSAGE
        }
    tables = Tables()

    def citations(item: dict[str, Any], where: str, record: dict[str, str]) -> None:
        for number, value in enumerate(read.items(item.get("citations"), f"{where}.citations"), start=1):
            place = f"{where}.citations[{number}]"
            citation = read.object(value, place)
            key = read.text(citation, "source", place)
            if key not in sources:
                raise read.fault(_("%(where)s cites unknown source “%(key)s”") % {"where": place, "key": key})
            passage = {name: read.text(citation, name, place) for name in fields.PASSAGE}
            values = {**record, **sources[key], **passage}
            tables.citations.append(Row(len(tables.citations) + 1, values))

    for index, value in enumerate(read.items(document.get("actors"), "actors"), start=1):
        where = f"actors[{index}]"
        values = _values(read, read.object(value, where), fields.ACTOR, where)
        tables.actors.append(Row(index, values))
        citations(read.object(value, where), where, {"record": "actor", "actor": values["reference"]})
    for index, value in enumerate(read.items(document.get("relationships"), "relationships"), start=1):
        where = f"relationships[{index}]"
        values = _values(read, read.object(value, where), fields.RELATIONSHIP, where)
        tables.relationships.append(Row(index, values))
        identity = {name: values[name] for name in fields.RELATIONSHIP_KEY}
        citations(read.object(value, where), where, {"record": "relationship", **identity})
    return tables


def read_document(data: bytes, *, filename: str, limits: ReadLimits | None = None) -> Tables:
    limits = limits or ReadLimits.from_settings()
    tables = tables_from_document(read_json(data, filename=filename, limits=limits), filename=filename)
    for name in fields.TABLES:
        if len(tables.table(name)) > limits.rows:
            raise too_many_rows(filename, name, limits)
    return tables


def read_map_file(data: bytes, *, filename: str, limits: ReadLimits | None = None) -> Tables:
    """Any file the map import accepts: .json (a map document), .csv, .zip of CSVs, or .xlsx."""
    if filename.lower().endswith(".json"):
        return read_document(data, filename=filename, limits=limits)
    return read_tables(data, filename=filename, limits=limits)
