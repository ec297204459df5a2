"""The demo data: real countries, every family, sourced facts, and loading twice changes nothing."""

import json

import pytest
from django.apps import apps
from django.db.models import Count

from egide.actors.models import Actor, Citation, Relationship
from egide.core import taxonomy
from egide.demo.loader import demo_files, demo_load


def test_demo_files_cover_the_central_african_republic_and_the_drc() -> None:
    assert {path.stem for path in demo_files()} >= {"CF", "CD"}


@pytest.mark.parametrize("path", demo_files(), ids=lambda path: path.stem)
def test_demo_files_are_labelled_illustrative(path: object) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    assert "illustrative" in document["label_en"].lower()
    assert "illustrative" in document["label_fr"].lower()


def test_demo_loads_rich_maps_through_the_importer(db: None) -> None:
    reports = demo_load(user=None).reports
    for country in ("CF", "CD"):
        assert reports[country].actors_created >= 25
        families = set(Actor.objects.filter(country=country).values_list("family", flat=True))
        assert families == taxonomy.ALL_FAMILIES
        assert Relationship.objects.filter(country=country).count() >= 40
        types = Relationship.objects.filter(country=country).values("type").annotate(count=Count("id"))
        assert len(types) >= 8
        cited = Actor.objects.filter(country=country, citations__isnull=False).distinct().count()
        assert cited >= 10
    assert Citation.objects.exists()


def _row_counts() -> dict[str, int]:
    """The number of rows of every table of the product, the audit log and the import history included."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_loading_the_demo_twice_changes_nothing(db: None) -> None:
    demo_load(user=None)
    counts = _row_counts()
    assert counts["audit.AuditEvent"]
    assert counts["imports.MapTransfer"]
    result = demo_load(user=None)
    assert not result.passwords
    reports = result.reports
    assert not any(report.changed for report in reports.values())
    assert not any(report.changed for report in result.programmes.values())
    assert not any(report.changed for report in result.results.values())
    after = _row_counts()
    assert {label: (counts[label], after[label]) for label in counts if after[label] != counts[label]} == {}


def test_demo_records_cover_every_confidentiality_level_and_users_see_accordingly(db: None) -> None:
    from django.contrib.auth.models import AnonymousUser, User

    from egide.actors import selectors

    result = demo_load(user=None)
    assert set(result.passwords) == {
        "meae-admin",
        "meae-editor",
        "ef-editor",
        "ef-viewer",
        "strss-editor",
        "strss-reviewer",
        "csrp-editor",
    }
    assert set(Actor.objects.values_list("confidentiality", flat=True)) == {
        "public",
        "partners",
        "organisation",
        "restricted",
    }

    def sees(username: str | None, country: str, reference: str) -> bool:
        user = User.objects.get(username=username) if username else AnonymousUser()
        return selectors.actors_visible(user=user).filter(country=country, reference=reference).exists()

    assert sees(None, "CF", "FACA")  # public
    assert not sees(None, "CF", "DGD")  # partners
    assert sees("ef-viewer", "CF", "DGD")
    assert not sees("ef-viewer", "CF", "WAGNER")  # the secretariat's own
    assert sees("strss-reviewer", "CF", "WAGNER")
    assert sees("meae-admin", "CD", "WAZALENDO")  # restricted, shared with MEAE
    assert not sees("ef-viewer", "CD", "WAZALENDO")
    assert not sees("strss-editor", "CD", "ANR")  # a membership limited to CF


def test_the_demo_loads_the_seeds_frameworks_missions_and_documents_once_and_public(db: None) -> None:
    from egide.references.models import Framework, Mission, ReferenceDocument

    demo_load(user=None)
    counts = (Framework.objects.count(), Mission.objects.count(), ReferenceDocument.objects.count())
    demo_load(user=None)
    assert (Framework.objects.count(), Mission.objects.count(), ReferenceDocument.objects.count()) == counts
    assert {"UN-SSR", "UN-PBC", "EU-ESS", "EU-SSR-CONCEPT", "EU-CSDP", "OECD-DAC-SSR", "NATO-SSR"} <= set(
        Framework.objects.values_list("code", flat=True)
    )
    missions = {mission.acronym_en: mission for mission in Mission.objects.all()}
    assert missions["UNMIK"].start == "1999-06"
    assert missions["UNMIK"].country == "XK"
    assert missions["EULEX Kosovo"].start == "2008-04"
    assert {"MINUSTAH", "EUSEC RD Congo", "EUPOL RD Congo", "EU SSR Guinea-Bissau"} <= set(missions)
    documents = {document.symbol: document for document in ReferenceDocument.objects.exclude(symbol="")}
    assert documents["S/PRST/2005/30"].issued == "2005-07-12"
    assert documents["S/2008/39"].issued == "2008-01-23"
    assert documents["S/RES/2151 (2014)"].issued == "2014-04-28"
    statements = ReferenceDocument.objects.filter(type="national_statement")
    assert sorted(str(day) for day in statements.values_list("issued_date", flat=True)) == ["2011-10-12", "2014-04-28"]
    assert [document.symbol for document in missions["UNMIK"].documents.all()] == ["S/RES/1244 (1999)"]
    assert set(Framework.objects.values_list("confidentiality", flat=True)) == {"public"}
    assert set(Mission.objects.values_list("confidentiality", flat=True)) == {"public"}
    assert set(ReferenceDocument.objects.values_list("confidentiality", flat=True)) == {"public"}
