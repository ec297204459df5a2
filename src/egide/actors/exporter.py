"""Exporting a country's map (CSV in a ZIP, XLSX, JSON, GraphML) and the blank import template.

Everything is read through the selectors, so an export holds exactly what its user may see.
"""

import io
from collections.abc import Sequence
from typing import Any

import networkx as nx
from django.db.models import Q

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


def _actor_row(actor: Actor, parents: dict[int, str]) -> list[Any]:
    ends = {"parent": parents.get(actor.parent_id, "") if actor.parent_id else ""}
    return [ends[name] if name in ends else getattr(actor, name) for name in fields.ACTOR.columns]


def _relationship_row(relationship: Relationship, references: dict[int, str]) -> list[Any]:
    ends = {"from": references[relationship.source_id], "to": references[relationship.target_id]}
    return [ends[name] if name in ends else getattr(relationship, name) for name in fields.RELATIONSHIP.columns]


def _citation_row(citation: Citation, references: dict[int, str], relationships: dict[int, Relationship]) -> list[Any]:
    source = citation.source
    if citation.actor_id is not None:
        record = ["actor", references[citation.actor_id], "", "", "", ""]
    else:
        relationship = relationships[citation.relationship_id]  # type: ignore[index]
        record = [
            "relationship",
            "",
            references[relationship.source_id],
            relationship.type,
            references[relationship.target_id],
            relationship.start,
        ]
    return [*record, source.title, source.author, source.published, source.url, citation.locator, citation.locator_fr]


def map_sheets(*, user: User, country: str) -> Sheets:
    """The country's actors, relationships and citations as rows, in the import's own columns."""
    actors = list(selectors.country_actors(user=user, country=country, sort="reference"))
    references = {actor.pk: actor.reference for actor in actors}
    relationships = list(selectors.country_relationships(user=user, country=country))
    by_id = {relationship.pk: relationship for relationship in relationships}
    # Filter by country in the database and by visibility here: a list of ids could exceed SQLite's limits.
    citations = [
        citation
        for citation in Citation.objects.filter(Q(actor__country=country) | Q(relationship__country=country))
        .select_related("source")
        .order_by("id")
        if citation.actor_id in references or citation.relationship_id in by_id
    ]
    return {
        "actors": (ACTOR_COLUMNS, [_actor_row(actor, references) for actor in actors]),
        "relationships": (RELATIONSHIP_COLUMNS, [_relationship_row(item, references) for item in relationships]),
        "citations": (CITATION_COLUMNS, [_citation_row(item, references, by_id) for item in citations]),
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
