"""The API's shapes for the security system map."""

import datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from egide.actors.models import Actor, Citation, Relationship
from egide.actors.rules import control_character, text_message
from egide.actors.selectors import visible_parent_id


def _refuse_control_characters(*, multiline: bool) -> AfterValidator:
    """The same rule as forms and imports (actors.rules), applied as the body is read, so that the 422 answer names
    the field."""

    def check(value: str) -> str:
        character = control_character(value, multiline=multiline)
        if character is not None:
            raise PydanticCustomError("control_character", text_message(character))
        return value

    return AfterValidator(check)


_ONE_LINE = _refuse_control_characters(multiline=False)
# One line of text, at most as long as the column that keeps it: longer text is refused naming the field.
Line10 = Annotated[str, Field(max_length=10), _ONE_LINE]
Line16 = Annotated[str, Field(max_length=16), _ONE_LINE]
Line24 = Annotated[str, Field(max_length=24), _ONE_LINE]
Line32 = Annotated[str, Field(max_length=32), _ONE_LINE]
Line48 = Annotated[str, Field(max_length=48), _ONE_LINE]
Line64 = Annotated[str, Field(max_length=64), _ONE_LINE]
Line300 = Annotated[str, Field(max_length=300), _ONE_LINE]
Line500 = Annotated[str, Field(max_length=500), _ONE_LINE]
Text = Annotated[str, _refuse_control_characters(multiline=True)]
"""Free text, line breaks and tabs allowed; no other control characters."""

VERSION_OUT = "Goes up by one with each saved change; the ETag header carries it too"
VERSION_IN = (
    "The version a change starts from: when given, the change is refused with 409 if the record has moved on "
    "(ignored when creating)"
)


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
    version: int = Field(description=VERSION_OUT)

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
            version=actor.version,
        )


class ActorIn(Schema):
    kind: Line48 = Field(description="A kind code, e.g. armed_forces, police, court, parliament, media")
    name_en: Line300 = ""
    name_fr: Line300 = ""
    reference: Line64 = Field("", description="Unique in the country; made from the acronym when empty")
    acronym_en: Line32 = ""
    acronym_fr: Line32 = ""
    parent: int | None = None
    mandate_text: Text = ""
    mandate_reference: Line500 = ""
    statutory: bool = True
    legitimacy_disputed: bool = False
    confidence: Line16 = "medium"
    notes: Text = ""
    owner: int | None = Field(None, description="Owner organisation id; defaults to your only editing organisation")
    confidentiality: Line16 = Field("partners", description="public, partners, organisation or restricted")
    version: int | None = Field(None, description=VERSION_IN)


class ActorPatch(Schema):
    kind: Line48 | None = None
    name_en: Line300 | None = None
    name_fr: Line300 | None = None
    reference: Line64 | None = None
    acronym_en: Line32 | None = None
    acronym_fr: Line32 | None = None
    parent: int | None = None
    mandate_text: Text | None = None
    mandate_reference: Line500 | None = None
    statutory: bool | None = None
    legitimacy_disputed: bool | None = None
    confidence: Line16 | None = None
    notes: Text | None = None
    owner: int | None = None
    confidentiality: Line16 | None = None
    version: int | None = Field(None, description=VERSION_IN)


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
    version: int = Field(description=VERSION_OUT)

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
            version=relationship.version,
        )


class RelationshipIn(Schema):
    source: int
    target: int
    type: Line24 = Field(
        description="commands, administers, oversees, audits, funds, adjudicates, appoints, "
        "reports_to, scrutinises or coordinates_with"
    )
    legal_basis: Line500 = ""
    start: Line10 = Field("", description="YYYY, YYYY-MM or YYYY-MM-DD")
    end: Line10 = Field("", description="YYYY, YYYY-MM or YYYY-MM-DD")
    ongoing: bool = True
    strength: Line16 = "moderate"
    confidence: Line16 = "medium"
    notes: Text = ""
    owner: int | None = Field(None, description="Owner organisation id; defaults to your only editing organisation")
    confidentiality: Line16 = Field("partners", description="public, partners, organisation or restricted")
    version: int | None = Field(None, description=VERSION_IN)


class RelationshipPatch(Schema):
    source: int | None = None
    target: int | None = None
    type: Line24 | None = None
    legal_basis: Line500 | None = None
    start: Line10 | None = None
    end: Line10 | None = None
    ongoing: bool | None = None
    strength: Line16 | None = None
    confidence: Line16 | None = None
    notes: Text | None = None
    owner: int | None = None
    confidentiality: Line16 | None = None
    version: int | None = Field(None, description=VERSION_IN)


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
