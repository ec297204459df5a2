"""Each programme field is declared once in `fields`: the file's columns, the form, the API's bodies and answers
follow from it."""

from typing import Any

from egide.accounts.models import Organisation
from egide.actors.models import Actor
from egide.programmes import fields
from egide.programmes.exporter import programmes_tables
from egide.programmes.forms import ProgrammeForm
from egide.programmes.schemas import CountryIn, ParticipationIn, ProgrammeIn, ProgrammeOut, SectorIn, SupportIn
from egide.programmes.tabular import LAYOUT


def test_files_have_a_table_per_record_with_its_columns() -> None:
    assert list(LAYOUT.columns) == ["programmes", "countries", "participations", "sectors", "areas", "supported_actors"]
    for name, record in fields.TABLES.items():
        assert tuple(LAYOUT.columns[name]) == record.columns
        assert tuple(LAYOUT.required[name]) == record.required


def test_the_form_has_every_programme_field() -> None:
    form = ProgrammeForm(owners=Organisation.objects.none(), actors=Actor.objects.none())
    assert set(fields.PROGRAMME.columns) <= set(form.fields)


def test_the_api_bodies_and_answers_have_every_field() -> None:
    programme_fields: set[str] = set(fields.PROGRAMME.columns)
    assert programme_fields <= set(ProgrammeIn.model_fields)
    assert programme_fields <= set(ProgrammeOut.model_fields)
    parts: list[tuple[Any, fields.Record]] = [
        (CountryIn, fields.COUNTRY),
        (ParticipationIn, fields.PARTICIPATION),
        (SectorIn, fields.SECTOR),
        (SupportIn, fields.SUPPORT),
    ]
    for schema, record in parts:
        assert set(schema.model_fields) == set(record.columns) - {"programme"}
    status = ProgrammeIn.model_json_schema()["properties"]["status"]
    assert status["enum"] == ["", "1", "2", "3", "4", "5", "6"]
    assert status["description"] == "Status"


def test_the_export_writes_the_declared_columns(db: None) -> None:
    tables = programmes_tables(user=None, country="CF")
    for name, record in fields.TABLES.items():
        assert tuple(tables[name][0]) == record.columns
