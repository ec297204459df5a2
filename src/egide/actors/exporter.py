"""Exporting a country's map (CSV in a ZIP, XLSX, JSON, GraphML) and the blank import template.

Everything is read through the selectors, so an export holds exactly what its user may see.
"""

import io
from collections.abc import Sequence
from typing import Any

import networkx as nx
from django.db.models import Q, QuerySet

from egide.actors import fields, selectors
from egide.actors.models import Actor, Citation, Relationship
from egide.actors.selectors import User
from egide.actors.tabular import (
    ACTOR_COLUMNS,
    CITATION_COLUMNS,
    INLINE_CITATION_COLUMNS,
    RELATIONSHIP_COLUMNS,
    write_csv,
    write_xlsx,
    write_zip,
)
from egide.core import json_output, taxonomy
from egide.core.fuzzy_dates import format_fuzzy
from egide.imports.transfers import audited_export

FORMATS = ("csv", "xlsx", "json", "graphml")
CONTENT_TYPES = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "graphml": "application/graphml+xml",
}
EXTENSIONS = {"csv": "zip", "xlsx": "xlsx", "json": "json", "graphml": "graphml"}

Sheets = dict[str, tuple[Sequence[str], list[list[Any]]]]


def _actor_rows(actors: QuerySet[Actor]) -> tuple[list[list[Any]], dict[int, str]]:
    """The actors' rows in the import's columns, and each actor's reference by id. Read as values, not as models:
    a country of 5,000 actors is read in a tenth of the time (benchmarks/RESULTS.md, load by kind)."""
    columns = fields.ACTOR.columns
    read = ["parent_id" if name == "parent" else name for name in columns]
    found = list(actors.prefetch_related(None).values_list("pk", *read))
    references = {row[0]: row[1 + columns.index("reference")] for row in found}
    at = columns.index("parent")
    rows = []
    for _pk, *values in found:
        parent = values[at]
        values[at] = references.get(parent, "") if parent else ""
        rows.append(values)
    return rows, references


_FUZZY = {"start": ("start_date", "start_precision"), "end": ("end_date", "end_precision")}
_ENDS = {"from": "source_id", "to": "target_id"}


class _Dates(dict[tuple[Any, str], str]):
    """Dates written as `format_fuzzy` writes them, each (date, precision) once: a map has few distinct dates."""

    def __missing__(self, key: tuple[Any, str]) -> str:
        text = self[key] = format_fuzzy(*key)
        return text


def _relationship_rows(
    relationships: QuerySet[Relationship], references: dict[int, str]
) -> tuple[list[list[Any]], dict[int, tuple[str, str, str, str]]]:
    """The relationships' rows in the import's columns (their ends by reference, their dates as written), and
    each relationship's key (from, type, to, start) by id, which its citations name."""
    columns = fields.RELATIONSHIP.columns
    # Read in the columns' order, a date as its two fields: each date's pair then turned into its text, from the
    # last column back so that the earlier positions hold, and each end's id into its reference.
    read: list[str] = []
    dated: list[int] = []
    ends: list[int] = []
    for name in columns:
        if name in _FUZZY:
            dated.insert(0, len(read))
        elif name in _ENDS:
            ends.append(len(read))
        read += _FUZZY.get(name, (_ENDS.get(name, name),))
    found = relationships.prefetch_related(None).values_list(*read, "pk")
    dates = _Dates()
    rows, keys = [], {}
    at = [columns.index(name) for name in ("from", "type", "to", "start")]
    for values in found:
        row = list(values)
        pk = row.pop()
        for position in ends:
            row[position] = references[row[position]]
        for position in dated:
            row[position : position + 2] = [dates[row[position], row[position + 1]]]
        keys[pk] = (row[at[0]], row[at[1]], row[at[2]], row[at[3]])
        rows.append(row)
    return rows, keys


def _citation_rows(
    country: str, references: dict[int, str], keys: dict[int, tuple[str, str, str, str]]
) -> list[list[Any]]:
    """The citations of the records in `references` and `keys` (those the user sees): the record cited, then the
    source and the passage relied on."""
    found = (
        Citation.objects.filter(Q(actor__country=country) | Q(relationship__country=country))
        .order_by("id")
        .values_list(
            "actor_id",
            "relationship_id",
            "source__title",
            "source__author",
            "source__published_on",
            "source__published_precision",
            "source__url",
            "locator",
            "locator_fr",
        )
    )
    dates = _Dates()
    rows = []
    # Filter by country in the database and by visibility here: a list of ids could exceed SQLite's limits.
    for actor_id, relationship_id, title, author, published_on, precision, url, locator, locator_fr in found:
        if actor_id is not None:
            if actor_id not in references:
                continue
            record = ["actor", references[actor_id], "", "", "", ""]
        else:
            if relationship_id not in keys:
                continue
            source, type, target, start = keys[relationship_id]
            record = ["relationship", "", source, type, target, start]
        rows.append([*record, title, author, dates[published_on, precision], url, locator, locator_fr])
    return rows


def map_sheets(*, user: User, country: str) -> Sheets:
    """The country's actors, relationships and citations as rows, in the import's own columns."""
    actors, references = _actor_rows(selectors.country_actors(user=user, country=country, sort="reference"))
    relationships, keys = _relationship_rows(selectors.country_relationships(user=user, country=country), references)
    return {
        "actors": (ACTOR_COLUMNS, actors),
        "relationships": (RELATIONSHIP_COLUMNS, relationships),
        "citations": (CITATION_COLUMNS, _citation_rows(country, references, keys)),
    }


def _columns_of(kind: fields.Kind) -> str:
    """The columns of every table that hold this kind of value, each named once."""
    records = (fields.ACTOR, fields.RELATIONSHIP, fields.INLINE_SOURCE, fields.CITATION)
    names = dict.fromkeys(spec.name for record in records for spec in record.fields if spec.kind is kind)
    return ", ".join(names)


def _codes() -> list[tuple[str, str, str]]:
    notes: list[tuple[str, str, str]] = []
    for family in taxonomy.FAMILIES:
        for kind in taxonomy.KINDS:
            if kind.family == family.code:
                notes.append(("kind", kind.code, f"{kind.label_en} / {kind.label_fr} ({family.label_en})"))
    for relationship_type in taxonomy.RELATIONSHIP_TYPES:
        notes.append(("type", relationship_type.code, f"{relationship_type.label_en} / {relationship_type.label_fr}"))
    for term in taxonomy.CONFIDENCE_LEVELS:
        notes.append(("confidence", term.code, f"{term.label_en} / {term.label_fr}"))
    for term in taxonomy.STRENGTHS:
        notes.append(("strength", term.code, f"{term.label_en} / {term.label_fr}"))
    notes += [
        (_columns_of(fields.Kind.YES_NO), "yes / no", "also true/false, oui/non, 1/0"),
        (_columns_of(fields.Kind.FUZZY_DATE), "YYYY, YYYY-MM or YYYY-MM-DD", "imprecise dates are kept as given"),
        (
            _columns_of(fields.Kind.REFERENCE),
            "an actor's reference",
            "in the same file or already in the country's map",
        ),
        ("record", "actor / relationship", "what a row of the citations sheet cites"),
        (
            "confidentiality",
            "public / partners / organisation / restricted",
            "who may read the row; empty: the import's choice",
        ),
    ]
    return notes


def _row(columns: Sequence[str], **values: str) -> list[Any]:
    return [values.get(column, "") for column in columns]


def template_sheets() -> Sheets:
    """The import's tables with a worked example: a ministry, the armed forces under it, and who runs them."""
    actor_columns = ACTOR_COLUMNS + INLINE_CITATION_COLUMNS
    relationship_columns = RELATIONSHIP_COLUMNS + INLINE_CITATION_COLUMNS
    return {
        "actors": (
            actor_columns,
            [
                _row(
                    actor_columns,
                    reference="MOD",
                    kind="ministry_of_defence",
                    name_en="Ministry of Defence",
                    name_fr="Ministère de la Défense",
                    statutory="yes",
                    legitimacy_disputed="no",
                    confidence="high",
                    confidentiality="public",
                    source_title="Constitution",
                    source_date="2016",
                    source_locator="Art. 12",
                ),
                _row(
                    actor_columns,
                    reference="ARMY",
                    kind="armed_forces",
                    name_en="Armed Forces",
                    name_fr="Forces armées",
                    parent="MOD",
                    statutory="yes",
                    legitimacy_disputed="no",
                    confidence="medium",
                ),
            ],
        ),
        "relationships": (
            relationship_columns,
            [
                _row(
                    relationship_columns,
                    **{"from": "MOD", "to": "ARMY"},
                    type="administers",
                    legal_basis="Law on the armed forces",
                    start="2017-05",
                    ongoing="yes",
                    strength="strong",
                    confidence="medium",
                )
            ],
        ),
        "citations": (CITATION_COLUMNS, []),
    }


def drop_downs() -> dict[str, dict[str, list[str]]]:
    """Each table's coded columns with their codes, and its yes-or-no columns, for the template's drop-down lists;
    from the field declarations, so that a new coded field has its list without more code."""
    lists: dict[str, dict[str, list[str]]] = {}
    for table, columns in fields.TABLES.items():
        for field in columns:
            if field.kind is fields.Kind.CODE:
                lists.setdefault(table, {})[field.name] = field.codes()
            elif field.kind is fields.Kind.YES_NO:
                lists.setdefault(table, {})[field.name] = ["yes", "no"]
    return lists


def export_template(fmt: str) -> bytes:
    sheets = template_sheets()
    if fmt == "xlsx":
        return write_xlsx(sheets, notes=_codes(), choices=drop_downs())
    csv_files = {f"{name}.csv": write_csv(columns, rows) for name, (columns, rows) in sheets.items()}
    return write_zip(csv_files | {"codes.csv": write_csv(("column", "code", "meaning"), _codes())})


def map_document(*, user: User, country: str) -> dict[str, Any]:
    """The map as one JSON document, in the demo data's format, that the import reads back."""
    sheets = map_sheets(user=user, country=country)
    actor_columns, actor_rows = sheets["actors"]
    relationship_columns, relationship_rows = sheets["relationships"]
    sources: dict[tuple[str, str], dict[str, str]] = {}
    actor_citations: dict[str, list[dict[str, str]]] = {}
    relationship_citations: dict[tuple[str, str, str, str], list[dict[str, str]]] = {}
    for row in sheets["citations"][1]:
        record, actor, source_reference, type, target, start, title, author, date, url, *passage = row
        identity = (title, url)
        if identity not in sources:
            sources[identity] = {
                "key": f"S{len(sources) + 1}",
                "title": title,
                "author": author,
                "date": date,
                "url": url,
            }
        citation = {"source": sources[identity]["key"], **dict(zip(fields.PASSAGE, passage, strict=True))}
        if record == "actor":
            actor_citations.setdefault(actor, []).append(citation)
        else:
            relationship_citations.setdefault((source_reference, type, target, start), []).append(citation)
    actors = []
    for row in actor_rows:
        item = dict(zip(actor_columns, row, strict=True))
        item["citations"] = actor_citations.get(item["reference"], [])
        actors.append(item)
    relationships = []
    for row in relationship_rows:
        item = dict(zip(relationship_columns, row, strict=True))
        item["source"] = item.pop("from")
        item["target"] = item.pop("to")
        key = (item["source"], item["type"], item["target"], item["start"])
        item["citations"] = relationship_citations.get(key, [])
        relationships.append(item)
    return {"country": country, "sources": list(sources.values()), "actors": actors, "relationships": relationships}


NODE_ATTRIBUTES = ("name", "acronym", "family", "kind", "statutory", "legitimacy_disputed", "confidence")
EDGE_ATTRIBUTES = ("type", "start", "end", "ongoing", "strength", "confidence")
"""What GraphML carries of the map's nodes and edges."""


def map_graphml(*, user: User, country: str) -> bytes:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(country=country)
    data = selectors.country_map(user=user, country=country)
    for node in data["nodes"]:
        graph.add_node(node["reference"], **{name: node[name] for name in NODE_ATTRIBUTES})
    references = {node["id"]: node["reference"] for node in data["nodes"]}
    for edge in data["edges"]:
        ends = (references[edge["source"]], references[edge["target"]])
        graph.add_edge(*ends, key=str(edge["id"]), **{name: edge[name] for name in EDGE_ATTRIBUTES})
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


@audited_export
def export_map(*, user: User, country: str, fmt: str) -> bytes:
    if fmt == "xlsx":
        return write_xlsx(map_sheets(user=user, country=country))
    if fmt == "csv":
        return write_zip(
            {
                f"{name}.csv": write_csv(columns, rows)
                for name, (columns, rows) in map_sheets(user=user, country=country).items()
            }
        )
    if fmt == "json":
        return json_output.dumps(map_document(user=user, country=country), indent=True)
    if fmt == "graphml":
        return map_graphml(user=user, country=country)
    raise ValueError(f"unknown export format “{fmt}”; choose one of {', '.join(FORMATS)}")
