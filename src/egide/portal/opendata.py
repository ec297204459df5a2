"""A country's open data: its public actors, relationships, programmes and governance findings as CSV and JSON, and
its public programmes as an IATI 2.03 file. Every row names its owner organisation and the licence that
organisation publishes under; the JSON files and the IATI file also list the licences at their head. Read through
the portal's selectors only, so a file holds exactly what a visitor may see."""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from egide.actors import fields as map_fields
from egide.core import json_output
from egide.core.imports.tables import write_csv
from egide.iati.exporter import ExportChoice, activities_write
from egide.portal import selectors
from egide.portal.selectors import VISITOR, OwnerLicence
from egide.programmes import fields as programme_fields
from egide.programmes.exporter import programmes_tables

DATASETS = ("actors", "relationships", "programmes", "findings")
FORMATS = ("csv", "json")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json", "xml": "application/xml"}
LICENCE_COLUMNS = ("owner", "licence", "licence_url")


@dataclass(frozen=True, slots=True)
class Table:
    columns: Sequence[str]
    rows: list[list[Any]]
    licences: dict[int, OwnerLicence]


def _licence_cells(licences: dict[int, OwnerLicence], owner_ids: Sequence[int | None]) -> list[str]:
    """The owner, the licence and its address of a record (of several, for a finding: each once, joined)."""
    known = [licences[owner] for owner in dict.fromkeys(owner_ids) if owner in licences]
    return [
        "; ".join(item.organisation.acronym for item in known),
        "; ".join(dict.fromkeys(item.licence for item in known)),
        "; ".join(dict.fromkeys(item.url for item in known if item.url)),
    ]


def _without_level(columns: Sequence[str]) -> list[str]:
    # Every record of the files is public: the level says nothing.
    return [name for name in columns if name != "confidentiality"]


def _actors(country: str) -> Table:
    actors = list(selectors.public_actors(country=country))
    references = {actor.pk: actor.reference for actor in actors}
    licences = selectors.licences_of(actor.owner_id for actor in actors)
    columns = _without_level(map_fields.ACTOR.columns)
    rows = []
    for actor in actors:
        ends = {"parent": references.get(actor.parent_id, "") if actor.parent_id else ""}
        values = [ends[name] if name in ends else getattr(actor, name) for name in columns]
        rows.append([*values, *_licence_cells(licences, [actor.owner_id])])
    return Table([*columns, *LICENCE_COLUMNS], rows, licences)


def _relationships(country: str) -> Table:
    references = dict(selectors.public_actors(country=country).values_list("pk", "reference"))
    relationships = list(selectors.public_relationships(country=country))
    licences = selectors.licences_of(relationship.owner_id for relationship in relationships)
    columns = _without_level(map_fields.RELATIONSHIP.columns)
    rows = []
    for relationship in relationships:
        ends = {"from": references[relationship.source_id], "to": references[relationship.target_id]}
        values = [ends[name] if name in ends else getattr(relationship, name) for name in columns]
        rows.append([*values, *_licence_cells(licences, [relationship.owner_id])])
    return Table([*columns, *LICENCE_COLUMNS], rows, licences)


def _programmes(country: str) -> Table:
    # The programmes' own table, as the programmes' export writes it for a visitor (the requesting institution
    # only when it is public), in the same order as the owners read here.
    columns, rows = programmes_tables(user=VISITOR, country=country)[programme_fields.PROGRAMME.table]
    owners = list(
        selectors.public_programmes(country=country)
        .order_by("iati_identifier", "pk")
        .values_list("owner_id", flat=True)
    )
    licences = selectors.licences_of(owners)
    kept = _without_level(columns)
    positions = [list(columns).index(name) for name in kept]
    table = [
        [*(row[position] for position in positions), *_licence_cells(licences, [owner])]
        for row, owner in zip(rows, owners, strict=True)
    ]
    return Table([*kept, *LICENCE_COLUMNS], table, licences)


FINDING_COLUMNS = ("rule", "title", "severity", "principle", "area", "actors", "evidence")


def _findings(country: str) -> Table:
    findings = selectors.public_findings(country=country)
    owners = selectors.actor_owners(country=country)
    licences = selectors.licences_of(owners.values())
    rows = []
    for row in findings:
        concerned = [owners.get(actor.id) for actor in row.actors]
        rows.append(
            [
                row.finding.rule,
                row.title,
                row.finding.severity,
                row.finding.principle,
                row.finding.area,
                "; ".join(actor.name for actor in row.actors),
                " | ".join(item.text for item in row.evidence),
                *_licence_cells(licences, concerned),
            ]
        )
    return Table([*FINDING_COLUMNS, *LICENCE_COLUMNS], rows, licences)


READERS: dict[str, Callable[[str], Table]] = {
    "actors": _actors,
    "relationships": _relationships,
    "programmes": _programmes,
    "findings": _findings,
}


def _licence_list(licences: dict[int, OwnerLicence]) -> list[dict[str, str]]:
    return [
        {
            "organisation": item.organisation.acronym,
            "organisation_name": item.organisation.name,
            "licence": item.licence,
            "licence_title": item.label,
            "licence_url": item.url,
        }
        for item in sorted(licences.values(), key=lambda item: item.organisation.acronym)
    ]


def dataset_file(*, country: str, dataset: str, fmt: str) -> bytes:
    """One dataset of the country in `fmt` (csv or json)."""
    table = READERS[dataset](country)
    if fmt == "csv":
        return write_csv(table.columns, table.rows)
    return json_output.dumps(
        {
            "country": country,
            "dataset": dataset,
            "generated": timezone.now().isoformat(timespec="seconds"),
            "licences": _licence_list(table.licences),
            "records": [dict(zip(table.columns, row, strict=True)) for row in table.rows],
        },
        indent=True,
    )


def iati_file(*, country: str) -> bytes:
    """The country's public programmes that have an IATI identifier, as an IATI 2.03 activity file, with their
    owners' licences in a comment at its head."""
    licences = selectors.licences_of(
        selectors.public_programmes(country=country).exclude(iati_identifier="").values_list("owner_id", flat=True)
    )
    comment = " ".join(
        f"{item['organisation']}: {item['licence']}{' ' + item['licence_url'] if item['licence_url'] else ''}."
        for item in _licence_list(licences)
    )
    output = io.BytesIO()
    activities_write(
        user=VISITOR,
        choice=ExportChoice(country=country),
        output=output,
        comment=f"Licences: {comment}" if comment else "",
    )
    return output.getvalue()
