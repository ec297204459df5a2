"""The API's shapes for the security system map."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Self

from annotated_types import GroupedMetadata, MaxLen
from ninja import Schema
from pydantic import AfterValidator, Field, create_model
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
    locator_fr: str

    @staticmethod
    def from_citation(citation: Citation) -> "CitationOut":
        source = citation.source
        return CitationOut(
            id=citation.pk,
            locator=citation.locator,
            locator_fr=citation.locator_fr,
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


OWNER_IN = "Owner organisation id; defaults to your only editing organisation"


def _api_type(spec: fields.Field) -> Any:
    """The type of a declared field in a body: an actor by its id, yes or no, or text under the field's rule."""
    match spec.kind:
        case fields.Kind.REFERENCE:
            return int if spec.required_value else int | None
        case fields.Kind.YES_NO:
            return bool
    return Annotated[str, declared(spec)]


def _api_default(spec: fields.Field) -> Any:
    if spec.required_value:
        return ...
    match spec.kind:
        case fields.Kind.REFERENCE:
            return None
        case fields.Kind.YES_NO:
            return bool(spec.default)
    return str(spec.default)


def _documented(spec: fields.Field, default: Any = ...) -> Any:
    """A declared field's pydantic field, with its OpenAPI title and description in English."""
    title = spec.english_label()
    codes = spec.codes()
    extra: dict[str, Any] = {"enum": list(codes)} if codes else {}
    return Field(default, title=title, description=spec.describe() or title, json_schema_extra=extra or None)


def _declared_in(record: fields.Record) -> dict[str, Any]:
    """A body's fields for a record's declared fields, to create or replace it: each with its default."""
    return {spec.attribute: (_api_type(spec), _documented(spec, _api_default(spec))) for spec in record.fields}


def _declared_patch(record: fields.Record) -> dict[str, Any]:
    """The same fields, each of which a change may leave out."""
    return {spec.attribute: (_api_type(spec) | None, _documented(spec, None)) for spec in record.fields}


def _declared_out(record: fields.Record) -> dict[str, Any]:
    """An answer's fields for a record's declared fields: an actor by its id, a date as written."""
    return {
        spec.attribute: (
            _api_type(spec) if spec.kind in (fields.Kind.REFERENCE, fields.Kind.YES_NO) else str,
            _documented(spec),
        )
        for spec in record.fields
    }


def _record_values(record: Actor | Relationship, declared: fields.Record) -> dict[str, Any]:
    """What every answer gives of a record: its id and country, its declared fields but the actors it names
    (which each answer gives its own way), its owner, its citations and its version."""
    return {
        "id": record.pk,
        "country": record.country,
        **{
            spec.attribute: getattr(record, spec.attribute)
            for spec in declared.fields
            if spec.kind is not fields.Kind.REFERENCE
        },
        "owner": owner_out(record),
        "citations": [CitationOut.from_citation(citation) for citation in record.citations.all()],
        "version": record.version,
    }


class RecordIn(Schema):
    """The body that creates or changes a record: its declared fields, its owner and the version it starts from."""

    if TYPE_CHECKING:
        # The declared fields are made from the declaration, which the type checker cannot read.
        def __getattr__(self, name: str) -> Any: ...


class ActorOutBase(Schema):
    @classmethod
    def from_actor(cls, actor: Actor) -> Self:
        values = _record_values(actor, fields.ACTOR) | {
            "family": actor.family,
            "parent": visible_parent_id(actor),
            "created_at": actor.created_at,
            "updated_at": actor.updated_at,
        }
        return cls(**values)


class RelationshipOutBase(Schema):
    @classmethod
    def from_relationship(cls, relationship: Relationship) -> Self:
        ends = {"source": relationship.source_id, "target": relationship.target_id}
        return cls(**_record_values(relationship, fields.RELATIONSHIP), **ends)


_RECORD_IN: dict[str, Any] = {
    "owner": (int | None, Field(None, description=OWNER_IN)),
    "version": (int | None, Field(None, description=VERSION_IN)),
}
_RECORD_OUT: dict[str, Any] = {
    "owner": (OwnerOut | None, ...),
    "citations": (list[CitationOut], ...),
}
_VERSION_OUT: dict[str, Any] = {"version": (int, Field(description=VERSION_OUT))}

if TYPE_CHECKING:
    ActorOut = ActorOutBase
    RelationshipOut = RelationshipOutBase
    ActorIn = RecordIn
    ActorPatch = RecordIn
    RelationshipIn = RecordIn
    RelationshipPatch = RecordIn
else:
    ActorOut = create_model(
        "ActorOut",
        __base__=ActorOutBase,
        id=(int, ...),
        country=(str, ...),
        family=(str, ...),
        **_declared_out(fields.ACTOR),
        **_RECORD_OUT,
        created_at=(datetime.datetime, ...),
        updated_at=(datetime.datetime, ...),
        **_VERSION_OUT,
    )
    RelationshipOut = create_model(
        "RelationshipOut",
        __base__=RelationshipOutBase,
        id=(int, ...),
        country=(str, ...),
        **_declared_out(fields.RELATIONSHIP),
        **_RECORD_OUT,
        **_VERSION_OUT,
    )
    ActorIn = create_model("ActorIn", __base__=RecordIn, **_declared_in(fields.ACTOR), **_RECORD_IN)
    ActorPatch = create_model("ActorPatch", __base__=RecordIn, **_declared_patch(fields.ACTOR), **_RECORD_IN)
    RelationshipIn = create_model(
        "RelationshipIn", __base__=RecordIn, **_declared_in(fields.RELATIONSHIP), **_RECORD_IN
    )
    RelationshipPatch = create_model(
        "RelationshipPatch", __base__=RecordIn, **_declared_patch(fields.RELATIONSHIP), **_RECORD_IN
    )


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


class MapCommander(Schema):
    actor: int
    person: int
    name: str
    role: str
    role_label: str
    start: str
    end: str


class MapOut(Schema):
    country: str
    as_of: datetime.date | None = Field(None, description="The day the map stands on; none: every relationship")
    commanders_on: str = Field(
        description="The day (YYYY-MM-DD) the commanders are given for: `as_of`, or today when the map has no day"
    )
    commanders: list[MapCommander] = Field(
        description="Who commanded each unit on that day: only people you may read (nobody for anonymous readers)"
    )
    nodes: list[MapNode]
    edges: list[MapEdge]
