"""The seed's six programmes and an illustrative one measured by the demo assessments, loaded with the demo through
the programmes import; loading twice changes nothing."""

from egide.demo.loader import demo_load
from egide.programmes.models import Programme, SupportedActor

IDENTIFIERS = {
    "FR-DEMO-KOSOVO": "XK",
    "FR-DEMO-AFGHANISTAN": "AF",
    "FR-DEMO-JUSSEC": "ML",
    "FR-DEMO-CAR-ROL": "CF",
    "FR-DEMO-CAR-GOV": "CF",
    "FR-DEMO-DRC-ROL": "CD",
    "FR-DEMO-HAITI": "HT",
}


def test_demo_loads_the_seeds_programmes(db: None) -> None:
    result = demo_load(user=None)
    assert sum(report.programmes_created for report in result.programmes.values()) == 7
    # The seed's programmes: the fictional training country's one is the due-diligence demo's (tests/duediligence).
    seeds = Programme.objects.exclude(country="XT")
    assert dict(seeds.values_list("iati_identifier", "country")) == IDENTIFIERS
    for programme in seeds:
        assert programme.owner is not None
        assert programme.owner.acronym == "MEAE"
        assert programme.confidentiality == "public"
        assert programme.illustrative
        assert programme.sectors.exists()
        assert programme.areas.exists()
        assert programme.participations.filter(role="1", organisation__acronym="MEAE").exists()
    jussec = Programme.objects.get(iati_identifier="FR-DEMO-JUSSEC")
    assert sorted(jussec.countries.values_list("country", flat=True)) == ["ML", "MR", "NE"]
    kosovo = Programme.objects.get(iati_identifier="FR-DEMO-KOSOVO")
    assert set(kosovo.participations.values_list("name", flat=True)) >= {
        "United Nations Interim Administration Mission in Kosovo (UNMIK)",
        "European Union Rule of Law Mission in Kosovo (EULEX Kosovo)",
    }
    supported = set(SupportedActor.objects.values_list("programme__iati_identifier", "actor__reference"))
    assert ("FR-DEMO-CAR-ROL", "POLICE") in supported
    assert ("FR-DEMO-DRC-ROL", "PNC") in supported
    assert Programme.objects.get(iati_identifier="FR-DEMO-CAR-ROL").requested_by.reference == "GOVERNMENT"


def test_loading_the_demo_twice_changes_no_programme(db: None) -> None:
    demo_load(user=None)
    versions = dict(Programme.objects.values_list("iati_identifier", "version"))
    parts = SupportedActor.objects.count()
    again = demo_load(user=None)
    assert {country: report.programmes_unchanged for country, report in again.programmes.items()} == {
        country: list(IDENTIFIERS.values()).count(country) for country in sorted(set(IDENTIFIERS.values()))
    }
    assert not any(report.changed for report in again.programmes.values())
    assert dict(Programme.objects.values_list("iati_identifier", "version")) == versions
    assert SupportedActor.objects.count() == parts
