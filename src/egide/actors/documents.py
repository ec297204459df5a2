"""The map as one JSON document (the format of the demo data and of the JSON export), and back to tables.

Every value is checked for its type where it is read, and a fault names its place (actors[3].name_en), so that
a document of the wrong shape gets a clear refusal rather than an error deep in the importer.
"""

import json
import re
from typing import Any

from django.utils.translation import gettext as _

from egide.actors.tabular import ReadLimits, Row, TableError, Tables

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
YES_NO_FIELDS = frozenset({"statutory", "legitimacy_disputed", "ongoing"})
# A map document nests four levels (the document, its actors, an actor, its citations); anything much deeper is
# not a map document, and Python's JSON parser would run out of stack on it.
MAX_DEPTH = 64
# Objects and arrays a document may hold per row allowed in a table: each costs memory once parsed, and a small
# file of "{}," repeated would otherwise become millions of them.
CONTAINERS_PER_ROW = 8
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return _("null")


class _Reader:
    """Reads one document's values, each checked for its type, with the document's file name in every fault."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fault(self, message: str) -> TableError:
        return TableError(f"{self.filename}: {message}")

    def items(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fault(_("%(where)s must be a list, not %(kind)s.") % {"where": where, "kind": _kind(value)})
        return value

    def object(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fault(_("%(where)s must be an object, not %(kind)s.") % {"where": where, "kind": _kind(value)})
        return value

    def text(self, item: dict[str, Any], name: str, where: str) -> str:
        value = item.get(name)
        if value is None:
            return ""
        if name in YES_NO_FIELDS:
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, str):
                return value
            raise self.fault(_("%(where)s must be yes or no.") % {"where": f"{where}.{name}"})
        if not isinstance(value, str):
            raise self.fault(
                _("%(where)s must be text, not %(kind)s.") % {"where": f"{where}.{name}", "kind": _kind(value)}
            )
        return value


def tables_from_document(document: Any, *, filename: str) -> Tables:
    """Turn a map document into the tables the importer checks; structural faults name their place."""
    read = _Reader(filename)
    if not isinstance(document, dict):
        raise read.fault(
            _("the document must be a JSON object with actors and relationships, not %(kind)s.")
            % {"kind": _kind(document)}
        )
    sources: dict[str, dict[str, str]] = {}
    for index, value in enumerate(read.items(document.get("sources"), "sources"), start=1):
        where = f"sources[{index}]"
        source = read.object(value, where)
        key = read.text(source, "key", where)
        if not key:
            raise read.fault(_("%(where)s needs a key") % {"where": where})
        sources[key] = {name: read.text(source, name, where) for name in ("title", "author", "date", "url")}
    tables = Tables()

    def citations(item: dict[str, Any], where: str, record: dict[str, str]) -> None:
        for number, value in enumerate(read.items(item.get("citations"), f"{where}.citations"), start=1):
            place = f"{where}.citations[{number}]"
            citation = read.object(value, place)
            key = read.text(citation, "source", place)
            if key not in sources:
                raise read.fault(_("%(where)s cites unknown source “%(key)s”") % {"where": place, "key": key})
            source = sources[key]
            values = {**record, **source, "locator": read.text(citation, "locator", place)}
            tables.citations.append(Row(len(tables.citations) + 1, values))

    for index, value in enumerate(read.items(document.get("actors"), "actors"), start=1):
        where = f"actors[{index}]"
        actor = read.object(value, where)
        values = {name: read.text(actor, name, where) for name in DOCUMENT_ACTOR_FIELDS}
        tables.actors.append(Row(index, values))
        citations(actor, where, {"record": "actor", "actor": values["reference"]})
    for index, value in enumerate(read.items(document.get("relationships"), "relationships"), start=1):
        where = f"relationships[{index}]"
        relationship = read.object(value, where)
        values = {name: read.text(relationship, name, where) for name in DOCUMENT_RELATIONSHIP_FIELDS}
        values["from"] = values.pop("source")
        values["to"] = values.pop("target")
        tables.relationships.append(Row(index, values))
        citations(
            relationship,
            where,
            {
                "record": "relationship",
                "from": values["from"],
                "type": values["type"],
                "to": values["to"],
                "start": values["start"],
            },
        )
    return tables


def _too_deep(data: bytes, filename: str) -> TableError:
    """Where the document first nests deeper than MAX_DEPTH (strings skipped), as a line and column."""
    depth = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                line = data.count(b"\n", 0, match.start()) + 1
                column = match.start() - (data.rfind(b"\n", 0, match.start()) + 1) + 1
                return TableError(
                    _(
                        "%(file)s, line %(line)s, column %(column)s: arrays and objects nest more than "
                        "%(most)s levels deep."
                    )
                    % {"file": filename, "line": line, "column": column, "most": MAX_DEPTH}
                )
        elif token in (b"]", b"}"):
            depth -= 1
    return TableError(
        _("%(file)s: arrays and objects nest more than %(most)s levels deep.") % {"file": filename, "most": MAX_DEPTH}
    )


def read_document(data: bytes, *, filename: str, limits: ReadLimits | None = None) -> Tables:
    limits = limits or ReadLimits.from_settings()
    containers = data.count(b"{") + data.count(b"[")
    if containers > CONTAINERS_PER_ROW * limits.rows:
        raise TableError(
            _("%(file)s: the document holds more than %(count)s objects and lists, more than an import may hold.")
            % {"file": filename, "count": f"{CONTAINERS_PER_ROW * limits.rows:,}"}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(_("%(file)s: the file is not UTF-8 text") % {"file": filename}) from error
    try:
        document = json.loads(text)
    except RecursionError:
        raise _too_deep(data, filename) from None
    except json.JSONDecodeError as error:
        raise TableError(f"{filename}, line {error.lineno}, column {error.colno}: {error.msg}") from error
    _check_depth(document, data, filename)
    tables = tables_from_document(document, filename=filename)
    for name in ("actors", "relationships", "citations"):
        if len(tables.table(name)) > limits.rows:
            raise TableError(
                _("%(where)s: the %(table)s table has more than %(rows)s rows, the most an import may hold.")
                % {"where": filename, "table": name, "rows": f"{limits.rows:,}"}
            )
    return tables


def _check_depth(document: Any, data: bytes, filename: str) -> None:
    """Refuse a document that nests deeper than MAX_DEPTH even where the parser coped, without recursion."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep(data, filename)
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values() if isinstance(item, dict | list))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value if isinstance(item, dict | list))


def read_map_file(data: bytes, *, filename: str, limits: ReadLimits | None = None) -> Tables:
    """Any file the map import accepts: .json (a map document), .csv, .zip of CSVs, or .xlsx."""
    from egide.actors.tabular import read_tables

    if filename.lower().endswith(".json"):
        return read_document(data, filename=filename, limits=limits)
    return read_tables(data, filename=filename, limits=limits)
