"""The field declarations are the one list: files, the JSON document, forms and the API follow them."""

import pytest
from django.db import models

from egide.actors import fields, tabular
from egide.actors.documents import tables_from_document
from egide.actors.forms import ActorForm, RelationshipForm
from egide.actors.models import Actor, Relationship
from egide.actors.rules import MULTILINE_FIELDS
from egide.actors.schemas import ActorIn, ActorPatch, RelationshipIn, RelationshipPatch

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
