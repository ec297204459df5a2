"""Plain inputs for the map's services, built by forms, the API, imports and the demo loader alike.

ActorData and RelationshipData are made from the field declarations (actors.fields): one attribute for each
declared field, under its `attribute` name, plus the owner organisation.
"""

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from egide.actors import fields
from egide.core.fuzzy_dates import FuzzyDate

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from egide.actors.models import Source


class RecordData:
    """What a data class made from a declaration offers: its attributes are those of the declared fields."""

    __slots__ = ()

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in dataclasses.fields(cls))  # type: ignore[arg-type]

    if TYPE_CHECKING:
        # The attributes are made from the declaration, which the type checker cannot read.
        def __init__(self, **values: Any) -> None: ...
        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...


def _attribute(spec: fields.Field) -> tuple[str, Any, Any]:
    """The data class's attribute for a declared field: its name, type and default (MISSING when it must be
    given)."""
    match spec.kind:
        case fields.Kind.REFERENCE:
            return spec.attribute, "Actor" if spec.required_value else "Actor | None", None
        case fields.Kind.FUZZY_DATE:
            return spec.attribute, FuzzyDate | None, None
        case fields.Kind.YES_NO:
            return spec.attribute, bool, bool(spec.default)
    return spec.attribute, str, str(spec.default)


def data_class(name: str, record: fields.Record) -> type[RecordData]:
    attributes: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for spec in record.fields:
        attribute, kind, default = _attribute(spec)
        if spec.required_value:
            attributes.append((attribute, kind))
        else:
            attributes.append((attribute, kind, dataclasses.field(default=default)))
    attributes.append(("owner", "Organisation | None", dataclasses.field(default=None)))
    made = dataclasses.make_dataclass(name, attributes, bases=(RecordData,), slots=True, kw_only=True)
    made.__module__ = __name__
    return made


if TYPE_CHECKING:

    class ActorData(RecordData): ...

    class RelationshipData(RecordData): ...

else:
    ActorData = data_class("ActorData", fields.ACTOR)
    RelationshipData = data_class("RelationshipData", fields.RELATIONSHIP)


@dataclass(frozen=True, slots=True)
class CitationData:
    """A source and the passage relied on; the source is matched by country, title and link."""

    title: str
    author: str = ""
    published: FuzzyDate | None = None
    url: str = ""
    locator: str = ""
    locator_fr: str = ""


@dataclass(frozen=True, slots=True)
class SourceCitation:
    """A source cited along with the creation or change of a record: one already recorded, or a new one described
    (with its uploaded document, if any); and the page or passage relied on."""

    recorded: "Source | None" = None
    new: CitationData | None = None
    document: "UploadedFile | None" = None
    locator: str = ""
    locator_fr: str = ""
