"""The API's shapes for the security system map."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from annotated_types import GroupedMetadata, MaxLen
from ninja import Schema
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from egide.actors import fields
from egide.actors.models import Actor, Citation, Relationship
from egide.actors.rules import control_character, text_message
from egide.actors.selectors import visible_parent_id


@dataclass(frozen=True, slots=True)
class TextRule(GroupedMetadata):
    """The text rule of forms and imports (actors.rules), applied as the body is read, so that the 422 answer names
    the field: at most `max_length` characters, and no control character (line breaks and tabs only in
    multi-line text)."""

    max_length: int | None = None
    multiline: bool = False

    def __iter__(self) -> Iterator[object]:
        if self.max_length is not None:
            yield MaxLen(self.max_length)
        multiline = self.multiline

        def check(value: str) -> str:
            character = control_character(value, multiline=multiline)
            if character is not None:
                raise PydanticCustomError("control_character", text_message(character))
            return value

        yield AfterValidator(check)


def declared(spec: fields.Field) -> TextRule:
    """The API's rule for a declared field."""
    return TextRule(spec.max_length, multiline=spec.multiline)


def _actor(name: str) -> TextRule:
    return declared(fields.ACTOR[name])


def _relationship(name: str) -> TextRule:
    return declared(fields.RELATIONSHIP[name])


# One line of text, at most as long as the column that keeps it: longer text is refused naming the field.
Line10 = Annotated[str, TextRule(10)]
Line16 = Annotated[str, TextRule(16)]
Line24 = Annotated[str, TextRule(24)]
Line48 = Annotated[str, TextRule(48)]
Line300 = Annotated[str, TextRule(300)]
Line500 = Annotated[str, TextRule(500)]
Text = Annotated[str, TextRule(multiline=True)]
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
    article_fr: str = Field(description="How French sentences name the actor: le, la, l, les, none or unknown")
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
            article_fr=actor.article_fr,
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
    kind: Annotated[str, _actor("kind")] = Field(
        description="A kind code, e.g. armed_forces, police, court, parliament, media"
    )
    name_en: Annotated[str, _actor("name_en")] = ""
    name_fr: Annotated[str, _actor("name_fr")] = ""
    reference: Annotated[str, _actor("reference")] = Field(
        "", description="Unique in the country; made from the acronym when empty"
    )
    acronym_en: Annotated[str, _actor("acronym_en")] = ""
    acronym_fr: Annotated[str, _actor("acronym_fr")] = ""
    article_fr: Line10 = Field("unknown", description="le, la, l, les, none (no article) or unknown")
    parent: int | None = None
    mandate_text: Annotated[str, _actor("mandate_text")] = ""
    mandate_reference: Annotated[str, _actor("mandate_reference")] = ""
    statutory: bool = True
    legitimacy_disputed: bool = False
    confidence: Annotated[str, _actor("confidence")] = "medium"
    notes: Annotated[str, _actor("notes")] = ""
    owner: int | None = Field(None, description="Owner organisation id; defaults to your only editing organisation")
    confidentiality: Annotated[str, _actor("confidentiality")] = Field(
        "partners", description="public, partners, organisation or restricted"
    )
    version: int | None = Field(None, description=VERSION_IN)


class ActorPatch(Schema):
    kind: Annotated[str, _actor("kind")] | None = None
    name_en: Annotated[str, _actor("name_en")] | None = None
    name_fr: Annotated[str, _actor("name_fr")] | None = None
    reference: Annotated[str, _actor("reference")] | None = None
    acronym_en: Annotated[str, _actor("acronym_en")] | None = None
    acronym_fr: Annotated[str, _actor("acronym_fr")] | None = None
    article_fr: Line10 | None = None
    parent: int | None = None
    mandate_text: Annotated[str, _actor("mandate_text")] | None = None
    mandate_reference: Annotated[str, _actor("mandate_reference")] | None = None
    statutory: bool | None = None
    legitimacy_disputed: bool | None = None
    confidence: Annotated[str, _actor("confidence")] | None = None
    notes: Annotated[str, _actor("notes")] | None = None
    owner: int | None = None
    confidentiality: Annotated[str, _actor("confidentiality")] | None = None
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
    type: Annotated[str, _relationship("type")] = Field(
        description="commands, administers, oversees, audits, funds, adjudicates, appoints, "
        "reports_to, scrutinises or coordinates_with"
    )
    legal_basis: Annotated[str, _relationship("legal_basis")] = ""
    start: Annotated[str, _relationship("start")] = Field("", description="YYYY, YYYY-MM or YYYY-MM-DD")
    end: Annotated[str, _relationship("end")] = Field("", description="YYYY, YYYY-MM or YYYY-MM-DD")
    ongoing: bool = True
    strength: Annotated[str, _relationship("strength")] = "moderate"
    confidence: Annotated[str, _relationship("confidence")] = "medium"
    notes: Annotated[str, _relationship("notes")] = ""
    owner: int | None = Field(None, description="Owner organisation id; defaults to your only editing organisation")
    confidentiality: Annotated[str, _relationship("confidentiality")] = Field(
        "partners", description="public, partners, organisation or restricted"
    )
    version: int | None = Field(None, description=VERSION_IN)


class RelationshipPatch(Schema):
    source: int | None = None
    target: int | None = None
    type: Annotated[str, _relationship("type")] | None = None
    legal_basis: Annotated[str, _relationship("legal_basis")] | None = None
    start: Annotated[str, _relationship("start")] | None = None
    end: Annotated[str, _relationship("end")] | None = None
    ongoing: bool | None = None
    strength: Annotated[str, _relationship("strength")] | None = None
    confidence: Annotated[str, _relationship("confidence")] | None = None
    notes: Annotated[str, _relationship("notes")] | None = None
    owner: int | None = None
    confidentiality: Annotated[str, _relationship("confidentiality")] | None = None
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
    as_of: datetime.date | None = Field(None, description="The day the map stands on; none: every relationship")
    nodes: list[MapNode]
    edges: list[MapEdge]
