"""The field declarations are the one list: files, the JSON document, forms and the API follow them."""

import pytest
from django.db import models
from pydantic import ValidationError as PydanticError
from pydantic import create_model

from egide.actors import exporter, fields, schemas, tabular
from egide.actors.data import ActorData, RelationshipData, data_class
from egide.actors.documents import tables_from_document
from egide.actors.forms import ActorForm, RelationshipForm, _declared_form
from egide.actors.models import Actor, Relationship
from egide.actors.rules import MULTILINE_FIELDS
from egide.actors.schemas import (
    ActorIn,
    ActorOut,
    ActorPatch,
    RecordIn,
    RelationshipIn,
    RelationshipOut,
    RelationshipPatch,
)

RECORDS = [
    (fields.ACTOR, Actor, ActorForm, ActorIn, ActorPatch),
    (fields.RELATIONSHIP, Relationship, RelationshipForm, RelationshipIn, RelationshipPatch),
]
FORM_NAMES = {"from": "source", "to": "target"}


def test_the_tables_columns_are_the_declared_fields_in_order() -> None:
    assert {
        "actors": fields.ACTOR.columns + fields.INLINE_SOURCE.columns,
        "relationships": fields.RELATIONSHIP.columns + fields.INLINE_SOURCE.columns,
        "citations": fields.CITATION.columns,
    } == tabular.COLUMNS
    assert tabular.REQUIRED == {
        "actors": ("reference", "kind"),
        "relationships": ("from", "type", "to"),
        "citations": ("record", "title"),
    }


@pytest.mark.parametrize(("record", "model", "form", "schema", "patch"), RECORDS)
def test_each_declared_text_has_its_column_form_field_and_api_rule(record, model, form, schema, patch) -> None:  # type: ignore[no-untyped-def]
    base = form.base_fields
    api = schema.model_json_schema()["properties"]
    for spec in record.fields:
        name = FORM_NAMES.get(spec.name, spec.name)
        assert name in base, spec.name
        assert str(base[name].label) == str(spec.label)
        if spec.kind in (fields.Kind.LINE, fields.Kind.TEXT):
            column = model._meta.get_field(spec.name)
            assert column.max_length == spec.max_length, spec.name
            assert getattr(base[name], "max_length", None) == spec.max_length, spec.name
            assert api[spec.name].get("maxLength") == spec.max_length, spec.name
            assert isinstance(column, models.TextField) == (spec.max_length is None), spec.name
        if spec.kind is not fields.Kind.REFERENCE and spec.name in api:
            assert spec.name in patch.model_fields
    assert record.multiline <= MULTILINE_FIELDS


def test_the_api_refuses_line_breaks_only_outside_free_text() -> None:
    from pydantic import ValidationError

    assert ActorIn(kind="police", notes="two\nlines", mandate_text="a\tb").notes == "two\nlines"
    with pytest.raises(ValidationError, match="name_en"):
        ActorIn(kind="police", name_en="two\nlines")
    with pytest.raises(ValidationError, match="acronym_en"):
        ActorIn(kind="police", acronym_en="A" * 33)


def test_the_document_reads_every_declared_key() -> None:
    actor = {spec.document_key: f"{spec.name} value" for spec in fields.ACTOR.fields}
    relationship = {spec.document_key: f"{spec.name} value" for spec in fields.RELATIONSHIP.fields}
    tables = tables_from_document({"actors": [actor], "relationships": [relationship]}, filename="map.json")
    assert tables.actors[0].values == {spec.name: f"{spec.name} value" for spec in fields.ACTOR.fields}
    assert tables.relationships[0].values == {spec.name: f"{spec.name} value" for spec in fields.RELATIONSHIP.fields}


DERIVED = [
    (fields.ACTOR, ActorForm, ActorIn, ActorPatch, ActorOut, ActorData, "actors"),
    (
        fields.RELATIONSHIP,
        RelationshipForm,
        RelationshipIn,
        RelationshipPatch,
        RelationshipOut,
        RelationshipData,
        "relationships",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("record", "form", "schema", "patch", "out", "data", "table"), DERIVED)
def test_every_declared_field_is_in_the_api_the_data_the_export_and_the_form(  # type: ignore[no-untyped-def]
    record, form, schema, patch, out, data, table, small_map, staff
) -> None:
    columns, rows = exporter.map_sheets(user=staff, country="CF")[table]
    assert rows, "the export holds the small map"
    api_document = schema.model_json_schema()["properties"]
    for spec in record.fields:
        assert spec.attribute in schema.model_fields, spec.name
        assert spec.attribute in patch.model_fields, spec.name
        assert spec.attribute in out.model_fields, spec.name
        assert spec.attribute in data.names(), spec.name
        assert spec.name in columns, spec.name
        assert FORM_NAMES.get(spec.name, spec.name) in form.base_fields, spec.name
        assert api_document[spec.attribute]["title"] == spec.english_label()
    # Nothing but the declared fields and the record's bookkeeping.
    assert set(schema.model_fields) == {spec.attribute for spec in record.fields} | {"owner", "version"}
    assert set(data.names()) == {spec.attribute for spec in record.fields} | {"owner"}


def test_a_field_added_to_a_declaration_reaches_the_api_the_data_and_the_form() -> None:
    added = fields.Field("motto", "Motto", fields.Kind.LINE, max_length=80, help_text="What it says of itself.")
    record = fields.Record("actors", (*fields.ACTOR.fields, added))

    data = data_class("ActorData", record)(kind="police", motto="Servir")
    assert data.motto == "Servir"
    schema = create_model("ActorIn", __base__=RecordIn, **schemas._declared_in(record))
    document = schema.model_json_schema()["properties"]["motto"]
    assert document == {
        "default": "",
        "description": "What it says of itself.",
        "maxLength": 80,
        "title": "Motto",
        "type": "string",
    }
    with pytest.raises(PydanticError, match="motto"):
        schema(kind="police", motto="two\nlines")
    assert "motto" in create_model("ActorPatch", __base__=RecordIn, **schemas._declared_patch(record)).model_fields
    form = _declared_form(record, made_by_form={"parent", "confidentiality"})
    assert form.base_fields["motto"].max_length == 80  # type: ignore[attr-defined]
    assert record.columns == (*fields.ACTOR.columns, "motto")
