"""Publishing programmes as IATI 2.03: valid against the official schema, public programmes only unless told,
what each user may see only, audited, and the round trip: importing the exported file gives the same programmes."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from lxml import etree

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import PLATFORM
from egide.audit.models import Action, AuditEvent
from egide.iati.exporter import ExportChoice, iati_export
from egide.iati.importer import Filters, iati_file_import
from egide.iati.models import ImportedActivity
from egide.iati.parser import read_activities
from egide.programmes.models import Programme
from tests.iati.conftest import SHARED_DATA
from tests.iati.test_importer import activity, write

FIELDS = (
    "iati_identifier",
    "country",
    "title_en",
    "title_fr",
    "description_en",
    "status",
    "planned_start",
    "planned_end",
    "default_currency",
    "confidentiality",
)


def exported(user: object = PLATFORM, **choice: object) -> bytes:
    output = io.BytesIO()
    iati_export(user=user, choice=ExportChoice(**choice), output=output)  # type: ignore[arg-type]
    return output.getvalue()


def state() -> list[tuple]:
    return [
        (
            *[getattr(programme, name) for name in FIELDS],
            sorted(programme.countries.values_list("country", "percentage")),
            sorted(programme.sectors.values_list("vocabulary", "code", "percentage")),
            sorted(programme.participations.values_list("role", "name", "iati_reference")),
            sorted(programme.budgets.values_list("type", "status", "period_start", "period_end", "value", "currency")),
            sorted(programme.transactions.values_list("type", "date", "value", "currency", "value_date")),
        )
        for programme in Programme.objects.order_by("iati_identifier")
    ]


def test_the_round_trip_gives_the_same_programmes(tmp_path: Path, db: None) -> None:
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity("XM-DAC-7-1"), activity("XM-DAC-7-2", country="ML")))
    before = state()
    data = exported()
    ImportedActivity.objects.all().delete()
    Programme.objects.all().delete()
    (tmp_path / "out.xml").write_bytes(data)
    report = iati_file_import(user=PLATFORM, path=tmp_path / "out.xml", filters=Filters(sectors=None))
    assert (report.created, report.errors) == (2, [])
    assert state() == before


def test_the_export_is_valid_against_the_official_schema(tmp_path: Path, db: None) -> None:
    schema_file = SHARED_DATA / "iati" / "schemas-2.03" / "iati-activities-schema.xsd"
    if not schema_file.exists():
        pytest.skip(f"the official IATI 2.03 schema is absent ({schema_file})")
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity()))
    document = etree.parse(io.BytesIO(exported()))
    schema = etree.XMLSchema(etree.parse(str(schema_file)))
    assert schema.validate(document), schema.error_log
    assert document.getroot().get("version") == "2.03"


def test_only_public_programmes_unless_the_user_publishes_the_others(
    tmp_path: Path, organisation: Organisation, owner: User, outsider: User
) -> None:
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity("XM-DAC-7-1")))
    Programme.objects.create(
        country="CF",
        iati_identifier="XM-OWN-1",
        title_en="Our own programme",
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
    )

    def identifiers(data: bytes) -> list[str]:
        return [item.identifier for item in read_activities(io.BytesIO(data))]

    assert identifiers(exported(owner)) == ["XM-DAC-7-1"]
    assert identifiers(exported(owner, include_non_public=True)) == ["XM-DAC-7-1", "XM-OWN-1"]
    # An outsider never sees it, so cannot publish it either.
    assert identifiers(exported(outsider, include_non_public=True)) == ["XM-DAC-7-1"]
    assert identifiers(exported(owner, organisation=organisation, include_non_public=True)) == ["XM-OWN-1"]
    assert identifiers(exported(owner, country="ML")) == []
    assert b"Our own programme" not in exported(owner)


def test_an_export_is_audited_and_the_command_writes_the_file(tmp_path: Path, db: None) -> None:
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity()))
    out = io.StringIO()
    target = tmp_path / "published.xml"
    call_command("iati", "export", "--output", str(target), "--country", "cf", stdout=out)
    assert out.getvalue().strip() == f"1 activities written to {target}"
    (published,) = read_activities(target)
    assert published.identifier == "XM-DAC-7-1"
    assert published.titles == {"en": "Police reform", "fr": "Réforme de la police"}
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.after == {"activities": 1}
