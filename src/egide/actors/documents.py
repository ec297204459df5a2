"""The map as one JSON document (the format of the demo data and of the JSON export), and back to tables."""

import json
from typing import Any

from egide.actors.tabular import Row, TableError, Tables

DOCUMENT_ACTOR_FIELDS = (
    "reference",
    "kind",
    "name_en",
    "name_fr",
    "acronym_en",
    "acronym_fr",
    "parent",
    "mandate_text",
    "mandate_reference",
    "statutory",
    "legitimacy_disputed",
    "confidence",
    "notes",
    "confidentiality",
)
DOCUMENT_RELATIONSHIP_FIELDS = (
    "source",
    "target",
    "type",
    "legal_basis",
    "start",
    "end",
    "ongoing",
    "strength",
    "confidence",
    "notes",
    "confidentiality",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def tables_from_document(document: Any, *, filename: str) -> Tables:
    """Turn a map document into the tables the importer checks; structural faults name their place."""
    if not isinstance(document, dict):
        raise TableError(f"{filename}: expected a JSON object with actors and relationships")
    sources: dict[str, dict[str, Any]] = {}
    for index, source in enumerate(document.get("sources", []), start=1):
        if not isinstance(source, dict) or not source.get("key"):
            raise TableError(f"{filename}: sources[{index}] needs a key")
        sources[str(source["key"])] = source
    tables = Tables()

    def citations(item: dict[str, Any], where: str, record: dict[str, str]) -> None:
        for number, citation in enumerate(item.get("citations", []), start=1):
            key = str(citation.get("source", "")) if isinstance(citation, dict) else ""
            if key not in sources:
                raise TableError(f"{filename}: {where}.citations[{number}] cites unknown source “{key}”")
            source = sources[key]
            values = {
                **record,
                "title": _text(source.get("title")),
                "author": _text(source.get("author")),
                "date": _text(source.get("date")),
                "url": _text(source.get("url")),
                "locator": _text(citation.get("locator")),
            }
            tables.citations.append(Row(len(tables.citations) + 1, values))

    for index, actor in enumerate(document.get("actors", []), start=1):
        if not isinstance(actor, dict):
            raise TableError(f"{filename}: actors[{index}] is not an object")
        tables.actors.append(Row(index, {field: _text(actor.get(field)) for field in DOCUMENT_ACTOR_FIELDS}))
        citations(actor, f"actors[{index}]", {"record": "actor", "actor": _text(actor.get("reference"))})
    for index, relationship in enumerate(document.get("relationships", []), start=1):
        if not isinstance(relationship, dict):
            raise TableError(f"{filename}: relationships[{index}] is not an object")
        values = {field: _text(relationship.get(field)) for field in DOCUMENT_RELATIONSHIP_FIELDS}
        values["from"] = values.pop("source")
        values["to"] = values.pop("target")
        tables.relationships.append(Row(index, values))
        citations(
            relationship,
            f"relationships[{index}]",
            {
                "record": "relationship",
                "from": values["from"],
                "type": values["type"],
                "to": values["to"],
                "start": values["start"],
            },
        )
    return tables


def read_document(data: bytes, *, filename: str) -> Tables:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise TableError(f"{filename}: the file is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise TableError(f"{filename}, line {error.lineno}, column {error.colno}: {error.msg}") from error
    return tables_from_document(document, filename=filename)


def read_map_file(data: bytes, *, filename: str) -> Tables:
    """Any file the map import accepts: .json (a map document), .csv, .zip of CSVs, or .xlsx."""
    from egide.actors.tabular import read_tables

    if filename.lower().endswith(".json"):
        return read_document(data, filename=filename)
    return read_tables(data, filename=filename)
