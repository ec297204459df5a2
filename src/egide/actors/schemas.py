"""The API's shapes for the security system map."""

import datetime

from ninja import Schema
from pydantic import Field

from egide.actors.models import Actor, Citation, Relationship
from egide.actors.selectors import visible_parent_id


class SourceOut(Schema):
    id: int
    title: str
    author: str
    date: str
    url: str
    has_document: bool


class CitationOut(Schema):
    id: int
    source: SourceOut
    locator: str

    @staticmethod
    def from_citation(citation: Citation) -> "CitationOut":
        source = citation.source
        return CitationOut(
            id=citation.pk,
            locator=citation.locator,
            source=SourceOut(
                id=source.pk,
                title=source.title,
                author=source.author,
                date=source.published,
                url=source.url,
                has_document=bool(source.document),
            ),
        )


class OwnerOut(Schema):
    id: int
    acronym: str
    name: str


def owner_out(record: Actor | Relationship) -> OwnerOut | None:
    owner = record.owner
    return None if owner is None else OwnerOut(id=owner.pk, acronym=owner.acronym, name=owner.name)


class CountryOut(Schema):
    code: str
    name: str
    actors: int
    relationships: int


class ActorOut(Schema):
    id: int
    country: str
    reference: str
    family: str
    kind: str
    name_en: str
    name_fr: str
    acronym_en: str
    acronym_fr: str
    parent: int | None
    mandate_text: str
    mandate_reference: str
    statutory: bool
    legitimacy_disputed: bool
    confidence: str
    notes: str
    owner: OwnerOut | None
    confidentiality: str
    citations: list[CitationOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def from_actor(actor: Actor) -> "ActorOut":
        return ActorOut(
            id=actor.pk,
            country=actor.country,
            reference=actor.reference,
            family=actor.family,
            kind=actor.kind,
            name_en=actor.name_en,
            name_fr=actor.name_fr,
            acronym_en=actor.acronym_en,
            acronym_fr=actor.acronym_fr,
            parent=visible_parent_id(actor),
            mandate_text=actor.mandate_text,
            mandate_reference=actor.mandate_reference,
            statutory=actor.statutory,
            legitimacy_disputed=actor.legitimacy_disputed,
            confidence=actor.confidence,
            notes=actor.notes,
            owner=owner_out(actor),
            confidentiality=actor.confidentiality,
            citations=[CitationOut.from_citation(citation) for citation in actor.citations.all()],
            created_at=actor.created_at,
            updated_at=actor.updated_at,
        )


class ActorIn(Schema):
    kind: str = Field(description="A kind code, e.g. armed_forces, police, court, parliament, media")
    name_en: str = ""
    name_fr: str = ""
    reference: str = Field("", description="Unique in the country; made from the acronym when empty")
    acronym_en: str = ""
    acronym_fr: str = ""
    parent: int | None = None
    mandate_text: str = ""
    mandate_reference: str = ""
    statutory: bool = True
    legitimacy_disputed: bool = False
    confidence: str = "medium"
    notes: str = ""
    owner: int | None = Field(None, description="Owner organisation id; defaults to your only editing organisation")
    confidentiality: str = Field("partners", description="public, partners, organisation or restricted")


class ActorPatch(Schema):
    kind: str | None = None
    name_en: str | None = None
    name_fr: str | None = None
    reference: str | None = None
    acronym_en: str | None = None
    acronym_fr: str | None = None
    parent: int | None = None
    mandate_text: str | None = None
    mandate_reference: str | None = None
    statutory: bool | None = None
    legitimacy_disputed: bool | None = None
    confidence: str | None = None
    notes: str | None = None
    owner: int | None = None
    confidentiality: str | None = None


class RelationshipOut(Schema):
    id: int
    country: str
    source: int
    target: int
    type: str
    legal_basis: str
    start: str
    end: str
    ongoing: bool
    strength: str
    confidence: str
    notes: str
    owner: OwnerOut | None
    confidentiality: str
    citations: list[CitationOut]

    @staticmethod
    def from_relationship(relationship: Relationship) -> "RelationshipOut":
        return RelationshipOut(
            id=relationship.pk,
            country=relationship.country,
            source=relationship.source_id,
            target=relationship.target_id,
            type=relationship.type,
            legal_basis=relationship.legal_basis,
            start=relationship.start,
            end=relationship.end,
            ongoing=relationship.ongoing,
            strength=relationship.strength,
            confidence=relationship.confidence,
            notes=relationship.notes,
            owner=owner_out(relationship),
            confidentiality=relationship.confidentiality,
            citations=[CitationOut.from_citation(citation) for citation in relationship.citations.all()],
        )


class RelationshipIn(Schema):
    source: int
    target: int
    type: str = Field(
        description="commands, administers, oversees, audits, funds, adjudicates, appoints, "
        "reports_to, scrutinises or coordinates_with"
    )
    legal_basis: str = ""
    start: str = Field("", description="YYYY, YYYY-MM or YYYY-MM-DD")
    end: str = Field("", description="YYYY, YYYY-MM or YYYY-MM-DD")
    ongoing: bool = True
    strength: str = "moderate"
    confidence: str = "medium"
    notes: str = ""
    owner: int | None = Field(None, description="Owner organisation id; defaults to your only editing organisation")
    confidentiality: str = Field("partners", description="public, partners, organisation or restricted")


class RelationshipPatch(Schema):
    source: int | None = None
    target: int | None = None
    type: str | None = None
    legal_basis: str | None = None
    start: str | None = None
    end: str | None = None
    ongoing: bool | None = None
    strength: str | None = None
    confidence: str | None = None
    notes: str | None = None
    owner: int | None = None
    confidentiality: str | None = None


class MapNode(Schema):
    id: int
    reference: str
    name: str
    acronym: str
    family: str
    family_label: str
    kind: str
    kind_label: str
    parent: int | None
    statutory: bool
    legitimacy_disputed: bool
    confidence: str


class MapEdge(Schema):
    id: int
    source: int
    target: int
    type: str
    type_label: str
    start: str
    end: str
    ongoing: bool
    strength: str
    confidence: str


class MapOut(Schema):
    country: str
    nodes: list[MapNode]
    edges: list[MapEdge]


class ErrorOut(Schema):
    detail: str | dict[str, list[str]]
