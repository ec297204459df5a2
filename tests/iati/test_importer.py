"""Importing IATI activity files into programmes: concrete values from the real files, filters, upsert by
identifier with a checksum, all or nothing per file, permissions, the command line."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import PLATFORM
from egide.audit.models import Action, AuditEvent
from egide.iati.importer import Filters, iati_file_import
from egide.iati.models import ImportedActivity
from egide.money.models import Budget, Transaction
from egide.programmes.models import Programme

ACTIVITY = """<iati-activity default-currency="EUR">
  <iati-identifier>{identifier}</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donor ministry</narrative></reporting-org>
  <title><narrative>{title}</narrative><narrative xml:lang="fr">Réforme de la police</narrative></title>
  <description type="1"><narrative>Support to the police.</narrative></description>
  <participating-org role="1" ref="XM-DAC-7"><narrative>Donor ministry</narrative></participating-org>
  <participating-org role="4" ref="FR-EF"><narrative>Expertise France</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2020-01-01"/>
  <activity-date type="3" iso-date="2023-12-31"/>
  <recipient-country code="{country}" percentage="70"/>
  <recipient-country code="TD" percentage="30"/>
  {sector}
  <budget type="1" status="2"><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
    <value value-date="2020-01-01">1000000.456</value></budget>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2020-03-15"/>
    <value currency="USD" value-date="2020-03-15">250000</value>
    <provider-org ref="XM-DAC-7"><narrative>Donor ministry</narrative></provider-org>
    {transaction_sector}</transaction>
</iati-activity>"""


def activity(
    identifier: str = "XM-DAC-7-1",
    *,
    title: str = "Police reform",
    country: str = "CF",
    sector: str = '<sector vocabulary="1" code="15210" percentage="100"/>',
    transaction_sector: str = "",
) -> str:
    return ACTIVITY.format(
        identifier=identifier, title=title, country=country, sector=sector, transaction_sector=transaction_sector
    )


def write(tmp_path: Path, *activities: str, name: str = "file.xml", tail: str = "</iati-activities>") -> Path:
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<iati-activities version="2.03">\n'
        + "\n".join(activities)
        + f"\n{tail}\n",
        encoding="utf-8",
    )
    return path


def test_the_ssr_activities_of_the_uk_file_become_public_programmes(iati_fixtures: Path, db: None) -> None:
    report = iati_file_import(user=PLATFORM, path=iati_fixtures / "CD.xml")
    assert (report.read, report.skipped_by_filter, report.errors) == (205, 205 - report.created, [])
    assert report.created == Programme.objects.count() >= 13
    police = Programme.objects.get(iati_identifier="GB-1-113961-101")
    assert police.title_en == "Security Sector Accountability & Police Programme"
    assert (police.country, police.status, police.confidentiality) == ("CD", "2", Confidentiality.PUBLIC)
    assert (police.planned_start, police.actual_end) == (date(2009, 12, 1), date(2009, 12, 30))
    assert police.default_currency == "GBP"
    assert sorted(police.sectors.values_list("code", "percentage")) == [
        ("15150", Decimal("5.00")),
        ("15210", Decimal("95.00")),
    ]
    assert list(police.participations.values_list("role", "name", "iati_reference")) == [
        ("1", "UNITED KINGDOM", "GB"),
        ("3", "Department for International Development", "GB-1"),
        ("4", "Other.", "52000"),
    ]
    commitment = police.transactions.get(type="2")
    assert (commitment.value, commitment.currency, commitment.value_date) == (
        Decimal("650295.00"),
        "GBP",
        date(2011, 4, 1),
    )
    assert police.budgets.count() == sum(1 for _ in police.budgets.all()) > 0
    provenance = police.iati
    assert (provenance.source_file, provenance.version, provenance.reporting_org_ref) == ("CD.xml", "1.01", "GB-1")
    assert AuditEvent.objects.filter(action=Action.IMPORT, object_id=str(police.pk)).count() == 1


def test_re_importing_an_unchanged_file_writes_nothing(tmp_path: Path, db: None) -> None:
    path = write(tmp_path, activity("XM-DAC-7-1"), activity("XM-DAC-7-2"))
    first = iati_file_import(user=PLATFORM, path=path)
    assert first.created == 2
    stamps = dict(Programme.objects.values_list("pk", "updated_at"))
    events = AuditEvent.objects.count()
    again = iati_file_import(user=PLATFORM, path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert dict(Programme.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEvent.objects.count() == events
    assert Transaction.objects.count() == 2


def test_a_changed_activity_is_updated_in_place_and_its_history_shows_the_import(tmp_path: Path, db: None) -> None:
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity()))
    programme = Programme.objects.get()
    report = iati_file_import(user=PLATFORM, path=write(tmp_path, activity(title="Police and gendarmerie reform")))
    assert (report.created, report.updated) == (0, 1)
    programme.refresh_from_db()
    assert programme.title_en == "Police and gendarmerie reform"
    assert programme.version == 2
    assert Budget.objects.filter(programme=programme).count() == 1  # parts replaced, not added
    change = AuditEvent.objects.filter(action=Action.IMPORT, object_id=str(programme.pk)).order_by("-id")[0]
    assert change.before["title_en"] == "Police reform"
    assert change.after["title_en"] == "Police and gendarmerie reform"
    assert change.after["iati_file"] == "file.xml"


def test_amounts_dates_and_countries_as_stored(tmp_path: Path, db: None) -> None:
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity()))
    programme = Programme.objects.get()
    assert list(programme.countries.values_list("country", "percentage")) == [
        ("CF", Decimal("70.00")),
        ("TD", Decimal("30.00")),
    ]
    budget = programme.budgets.get()
    # Rounded to the cent (half to even), in the activity's default currency.
    assert (budget.value, budget.currency, budget.type, budget.status) == (Decimal("1000000.46"), "EUR", "1", "2")
    disbursement = programme.transactions.get()
    assert (disbursement.type, disbursement.value, disbursement.currency) == ("3", Decimal("250000.00"), "USD")
    assert disbursement.provider_reference == "XM-DAC-7"


def test_malformed_xml_anywhere_leaves_nothing_of_the_file(tmp_path: Path, db: None) -> None:
    many = [activity(f"XM-DAC-7-{number}") for number in range(700)]  # more than one batch is written first
    path = write(tmp_path, *many, tail="<iati-activity><broken></iati-activities>")
    report = iati_file_import(user=PLATFORM, path=path)
    assert report.refused.startswith("file.xml, line ")
    assert (report.created, Programme.objects.count(), Transaction.objects.count()) == (0, 0, 0)
    assert not ImportedActivity.objects.exists()


def test_filters_by_sector_at_either_level_by_country_and_by_publisher(tmp_path: Path, db: None) -> None:
    path = write(
        tmp_path,
        activity("XM-DAC-7-1", sector='<sector code="15210"/>'),
        activity("XM-DAC-7-2", sector='<sector code="11110"/>', transaction_sector='<sector code="15132"/>'),
        activity("XM-DAC-7-3", sector='<sector code="11110"/>'),
        activity("XM-DAC-7-4", country="ML", sector='<sector code="15137"/>'),
    )
    report = iati_file_import(user=PLATFORM, path=path, dry_run=True)
    assert (report.read, report.created, report.skipped_by_filter) == (4, 3, 1)
    assert not Programme.objects.exists()  # a dry run
    by_country = iati_file_import(user=PLATFORM, path=path, filters=Filters(countries=frozenset({"ML"})))
    assert list(Programme.objects.values_list("iati_identifier", flat=True)) == ["XM-DAC-7-4"]
    assert by_country.skipped_by_filter == 3  # -1 and -2 are in CF, -3 has no SSR sector either
    nobody = iati_file_import(user=PLATFORM, path=path, filters=Filters(reporting_orgs=frozenset({"XM-OTHER"})))
    # An activity imported before and unchanged is counted as unchanged without being read, whatever the filters.
    assert (nobody.created, nobody.skipped_by_filter, nobody.unchanged) == (0, 3, 1)


def test_a_programme_recorded_by_hand_is_not_overwritten(tmp_path: Path, organisation: Organisation) -> None:
    Programme.objects.create(country="CF", iati_identifier="XM-DAC-7-1", title_en="Ours", owner=organisation)
    report = iati_file_import(user=PLATFORM, path=write(tmp_path, activity()))
    assert report.created == report.updated == 0
    assert "not imported from IATI" in report.errors[0]
    assert Programme.objects.get().title_en == "Ours"


def test_organisations_are_matched_by_identifier_then_by_name(tmp_path: Path, organisation: Organisation) -> None:
    donor = Organisation.objects.create(
        name_en="Donor ministry",
        name_fr="Ministère donateur",
        acronym="DM",
        type="ministry",
        iati_identifier="XM-DAC-7",
    )
    implementer = Organisation.objects.create(
        name_en="Expertise France", name_fr="Expertise France", acronym="EXF", type="agency"
    )
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity()))
    programme = Programme.objects.get()
    assert list(programme.participations.values_list("role", "organisation_id", "name")) == [
        ("1", donor.pk, ""),
        ("4", implementer.pk, ""),
    ]
    assert programme.transactions.get().provider_id == donor.pk


def test_who_may_import_for_an_organisation(
    tmp_path: Path, organisation: Organisation, owner: User, member: User, viewer: User, outsider: User
) -> None:
    path = write(tmp_path, activity())
    for user in (viewer, outsider):
        report = iati_file_import(user=user, path=path, owner=organisation)
        assert report.created == 0
        assert "no right to create" in report.errors[0]
    assert not Programme.objects.exists()
    assert iati_file_import(user=member, path=path, owner=organisation).created == 1
    assert Programme.objects.get().owner == organisation
    changed = write(tmp_path, activity(title="Changed"))
    refused = iati_file_import(user=outsider, path=changed, owner=organisation)
    assert "no right to change" in refused.errors[0]
    assert iati_file_import(user=owner, path=changed, owner=organisation).updated == 1


def test_activities_without_identifier_or_twice_in_a_file_are_reported(tmp_path: Path, db: None) -> None:
    path = write(tmp_path, activity("XM-DAC-7-1"), activity("XM-DAC-7-1", title="Again"), activity(""))
    report = iati_file_import(user=PLATFORM, path=path)
    assert report.created == 1
    assert Programme.objects.get().title_en == "Police reform"
    assert any("appears twice" in error for error in report.errors)
    assert any("without an identifier" in error for error in report.errors)


def test_the_command_imports_a_folder_the_same_with_one_or_two_jobs(tmp_path: Path, db: None) -> None:
    folder = tmp_path / "registry"
    folder.mkdir()
    for number in range(4):
        write(
            folder,
            activity(f"XM-DAC-7-{number}"),
            activity("XM-DAC-7-shared", title=f"T{number}"),
            name=f"{number}.xml",
        )
    write(folder, "<iati-activity>", name="broken.xml", tail="")
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("iati", "import", str(folder), "--jobs", "2", stdout=out, stderr=io.StringIO())
    assert "5 files (1 refused): 8 activities read, 5 created, 3 updated" in out.getvalue()
    # Files are imported in name order: the last file's version of the shared activity wins, in either mode.
    assert Programme.objects.get(iati_identifier="XM-DAC-7-shared").title_en == "T3"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_unchanged_activity_changed_by_an_earlier_file_of_the_run_is_written_again(
    tmp_path: Path, db: None, jobs: str
) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    first = write(folder, activity(title="Version one"), name="1.xml")
    iati_file_import(user=PLATFORM, path=first)
    write(folder, activity(title="Version two"), name="0.xml")
    out = io.StringIO()
    call_command("iati", "import", str(folder), "--jobs", jobs, stdout=out, stderr=io.StringIO())
    # 0.xml changes it, then 1.xml (read while it was still unchanged) puts version one back.
    assert "2 activities read, 0 created, 2 updated, 0 unchanged" in out.getvalue()
    assert Programme.objects.get().title_en == "Version one"
    out = io.StringIO()
    call_command("iati", "import", str(first), "--jobs", jobs, stdout=out, stderr=io.StringIO())
    assert "1 activities read, 0 created, 0 updated, 1 unchanged" in out.getvalue()
