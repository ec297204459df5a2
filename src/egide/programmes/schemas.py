"""The API's bodies and answers for programmes, made from `fields`: each declared field becomes a schema field with
its type, its limits, its label as title and its help (or label) as description."""

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field, create_model

from egide.programmes import fields
from egide.programmes.models import Programme, ProgrammeDocument

TYPES: dict[fields.Kind, Any] = {
    fields.Kind.LINE: str,
    fields.Kind.TEXT: str,
    fields.Kind.CODE: str,
    fields.Kind.YES_NO: bool,
    fields.Kind.DATE: date | None,
    fields.Kind.NUMBER: Decimal | None,
    fields.Kind.INTEGER: int | None,
    fields.Kind.COUNTRY: str,
    fields.Kind.ACTOR: int | None,
    fields.Kind.ORGANISATION: int | None,
}
"""Actors and organisations are named by their ids in the API."""


def _schema_field(field: fields.Field, *, output: bool) -> tuple[Any, Any]:
    options: dict[str, Any] = {
        "title": field.english_label(),
        "description": field.describe() or field.english_label(),
    }
    if field.max_length is not None and field.kind in (fields.Kind.LINE, fields.Kind.CODE, fields.Kind.COUNTRY):
        options["max_length"] = field.max_length
    codes = field.codes()
    if codes:
        options["json_schema_extra"] = {"enum": codes if field.required else ["", *codes]}
    if field.kind is fields.Kind.INTEGER:
        options.update(ge=0, le=100)
    required = field.required and not output
    default = ... if required else (None if field.default is None else field.default)
    return TYPES[field.kind], Field(default, **options)


def _schema(name: str, record: fields.Record, *, output: bool = False, skip: tuple[str, ...] = ()) -> type[Schema]:
    declared = {spec.name: _schema_field(spec, output=output) for spec in record.fields if spec.name not in skip}
    model: type[Schema] = create_model(name, __base__=Schema, **declared)  # type: ignore[call-overload]
    return model


CountryIn = _schema("CountryIn", fields.COUNTRY, skip=("programme",))
ParticipationIn = _schema("ParticipationIn", fields.PARTICIPATION, skip=("programme",))
SectorIn = _schema("SectorIn", fields.SECTOR, skip=("programme",))
SupportIn = _schema("SupportIn", fields.SUPPORT, skip=("programme",))
LocationIn = _schema("LocationIn", fields.LOCATION)
ProgrammeDocumentOut = create_model(
    "ProgrammeDocumentOut",
    __base__=_schema("DocumentFields", fields.DOCUMENT, output=True),
    id=(int, Field(..., description="The document's id")),
    file=(bool, Field(..., description="Whether a file was uploaded")),
)

PARTS_IN: dict[str, Any] = {
    "countries": (list[CountryIn], Field([], description="Recipient countries, with their percentages")),  # type: ignore[valid-type]
    "participations": (list[ParticipationIn], Field([], description="Participating organisations by role")),  # type: ignore[valid-type]
    "sectors": (list[SectorIn], Field([], description="DAC sectors, with their percentages")),  # type: ignore[valid-type]
    "areas": (list[str], Field([], description="Areas of action (codes)")),
    "supports": (list[SupportIn], Field([], description="Actors of the map that the programme supports")),  # type: ignore[valid-type]
    "locations": (list[LocationIn], Field([], description="Places where the programme works")),  # type: ignore[valid-type]
}

ProgrammeIn: type[Schema] = create_model(
    "ProgrammeIn",
    __base__=_schema("ProgrammeFields", fields.PROGRAMME),
    country=(str, Field(..., max_length=2, description="The lead country (ISO 3166-1 alpha-2)")),
    owner=(int | None, Field(None, description="The owner organisation's id (default: your only editing one)")),
    version=(
        int | None,
        Field(None, description="The version you read: the change is refused with 409 when it has moved on"),
    ),
    **PARTS_IN,
)

ProgrammeOut: type[Schema] = create_model(
    "ProgrammeOut",
    __base__=_schema("ProgrammeOutFields", fields.PROGRAMME, output=True),
    id=(int, Field(..., description="The programme's id")),
    country=(str, Field(..., description="The lead country (ISO 3166-1 alpha-2)")),
    owner=(int | None, Field(None, description="The owner organisation's id (default: your only editing one)")),
    version=(int, Field(..., description="The programme's version, counted by its saved changes")),
    documents=(list[ProgrammeDocumentOut], Field([], description="Documents of the programme")),  # type: ignore[valid-type]
    **PARTS_IN,
)

ProgrammeSummary: type[Schema] = create_model(
    "ProgrammeSummary",
    __base__=_schema(
        "ProgrammeSummaryFields", fields.PROGRAMME, output=True, skip=("description_en", "description_fr")
    ),
    id=(int, Field(..., description="The programme's id")),
    country=(str, Field(..., description="The lead country (ISO 3166-1 alpha-2)")),
    version=(int, Field(..., description="The programme's version, counted by its saved changes")),
)


def programme_values(
    programme: Programme, *, with_parts: bool, visible_actor_ids: set[int] | None = None
) -> dict[str, Any]:
    """A programme as the API answers it: its own fields, and with `with_parts` what it holds (the supported
    actors among `visible_actor_ids` only)."""
    values: dict[str, Any] = {spec.name: getattr(programme, spec.name) for spec in fields.PROGRAMME.fields}
    requested = programme.requested_by_id
    values["requested_by"] = requested if visible_actor_ids is not None and requested in visible_actor_ids else None
    values.update(id=programme.pk, country=programme.country, owner=programme.owner_id, version=programme.version)
    if not with_parts:
        return values
    values["countries"] = [{"country": row.country, "percentage": row.percentage} for row in programme.countries.all()]
    values["participations"] = [
        {
            "role": row.role,
            "organisation": row.organisation_id,
            "name": row.name,
            "iati_reference": row.iati_reference,
            "organisation_type": row.organisation_type,
        }
        for row in programme.participations.all()
    ]
    values["sectors"] = [{"code": row.code, "percentage": row.percentage} for row in programme.sectors.all()]
    values["areas"] = [row.area for row in programme.areas.all()]
    values["supports"] = [
        {"actor": row.actor_id, "support_en": row.support_en, "support_fr": row.support_fr}
        for row in programme.supports.all()
        if visible_actor_ids is not None and row.actor_id in visible_actor_ids
    ]
    values["locations"] = [
        {
            "name": row.name,
            "country": row.country,
            "region": row.region,
            "latitude": row.latitude,
            "longitude": row.longitude,
        }
        for row in programme.locations.all()
    ]
    values["documents"] = [
        _document_values(document) for document in ProgrammeDocument.objects.filter(programme=programme)
    ]
    return values


def _document_values(document: ProgrammeDocument) -> dict[str, Any]:
    values = {spec.name: getattr(document, spec.name) for spec in fields.DOCUMENT.fields}
    values.update(id=document.pk, file=bool(document.file))
    return values
