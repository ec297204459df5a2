"""Loading IATI's official codelists: all or nothing, idempotent, audited, platform staff only; the parser then
checks sectors against the full DAC list."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from egide.accounts.selectors import PLATFORM
from egide.audit.models import Action, AuditEvent
from egide.iati.models import CodelistEntry
from egide.iati.parser import read_activities
from egide.iati.selectors import code_names, parser_codelists
from egide.iati.services import codelists_load

SECTORS = """<?xml version="1.0" encoding="utf-8"?>
<codelist name="Sector" xml:lang="en" complete="1" embedded="0">
  <codelist-items>
    <codelist-item status="active"><code>15210</code>
      <name><narrative>Security system management and reform</narrative>
      <narrative xml:lang="fr">Gestion et réforme des systèmes de sécurité</narrative></name>
      <category>152</category></codelist-item>
    <codelist-item status="active"><code>11110</code>
      <name><narrative>Education policy and administrative management</narrative></name>
      <category>111</category></codelist-item>
    <codelist-item status="withdrawn"><code>15250</code>
      <name><narrative>Land mine clearance</narrative></name><category>152</category></codelist-item>
  </codelist-items>
</codelist>
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "Sector.xml").write_text(SECTORS, encoding="utf-8")
    (tmp_path / "mapping.xml").write_text("<mappings/>", encoding="utf-8")
    return tmp_path


def test_staff_load_every_code_with_its_names_once(folder: Path, staff: User) -> None:
    report = codelists_load(user=staff, folder=folder)
    assert (report.created, report.updated, report.unchanged) == ({"Sector": 3}, {"Sector": 0}, {"Sector": 0})
    security = CodelistEntry.objects.get(codelist="Sector", code="15210")
    assert (security.name_en, security.name_fr, security.category, security.active) == (
        "Security system management and reform",
        "Gestion et réforme des systèmes de sécurité",
        "152",
        True,
    )
    assert CodelistEntry.objects.get(code="15250").active is False
    assert AuditEvent.objects.filter(action=Action.IMPORT, user=staff).count() == 3
    again = codelists_load(user=staff, folder=folder)
    assert (again.created, again.updated, again.unchanged) == ({"Sector": 0}, {"Sector": 0}, {"Sector": 3})
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 3


def test_a_renamed_code_is_updated_and_its_change_audited(folder: Path, db: None) -> None:
    codelists_load(user=PLATFORM, folder=folder)
    (folder / "Sector.xml").write_text(SECTORS.replace("Land mine clearance", "Removal of land mines"), "utf-8")
    report = codelists_load(user=PLATFORM, folder=folder)
    assert report.updated == {"Sector": 1}
    assert CodelistEntry.objects.get(code="15250").name_en == "Removal of land mines"
    change = AuditEvent.objects.filter(action=Action.IMPORT).order_by("-id").first()
    assert change is not None
    assert change.before["name_en"] == "Land mine clearance"
    assert change.after["name_en"] == "Removal of land mines"


def test_only_platform_staff_load_codelists(folder: Path, owner: User, member: User, outsider: User) -> None:
    for user in (owner, member, outsider):
        with pytest.raises(PermissionDenied):
            codelists_load(user=user, folder=folder)
    assert not CodelistEntry.objects.exists()


def test_a_malformed_file_loads_nothing_and_is_named(folder: Path, db: None) -> None:
    (folder / "Zz.xml").write_text('<codelist name="Zz"><codelist-items>', encoding="utf-8")
    with pytest.raises(CommandError, match=r"Zz\.xml, line 1, column \d+: .* nothing was loaded"):
        call_command("iati", "codelists", "load", str(folder), stdout=io.StringIO())
    assert not CodelistEntry.objects.exists()


def test_the_command_prints_what_it_loaded(folder: Path, db: None) -> None:
    out = io.StringIO()
    call_command("iati", "codelists", "load", str(folder), stdout=out)
    assert "Sector: 3 created, 0 updated, 0 unchanged" in out.getvalue()
    assert code_names("Sector")["15210"] == (
        "Security system management and reform",
        "Gestion et réforme des systèmes de sécurité",
    )


def test_loaded_sectors_make_the_parser_check_every_dac_code(folder: Path, db: None) -> None:
    activity = (
        b'<iati-activities version="2.03"><iati-activity><iati-identifier>XM-1</iati-identifier>'
        b'<sector code="99999" percentage="50"/><sector code="11110" percentage="50"/></iati-activity>'
        b"</iati-activities>"
    )

    def unknown_sectors() -> list[str]:
        (read,) = read_activities(io.BytesIO(activity), codes=parser_codelists())
        return [w.detail for w in read.warnings if w.code == "unknown_code"]

    assert unknown_sectors() == []  # five digits: without the official list, nothing more is known
    codelists_load(user=PLATFORM, folder=folder)
    assert unknown_sectors() == ["99999"]


def test_the_official_files_load(iati_fixtures: Path, db: None) -> None:
    report = codelists_load(user=PLATFORM, folder=iati_fixtures.parent / "codelists")
    assert report.created["Sector"] == 325
    assert report.created["Currency"] >= 170
    assert CodelistEntry.objects.get(codelist="Sector", code="15210").name_fr.startswith("Gestion et réforme")
