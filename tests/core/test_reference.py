from django.utils import translation

from egide.core import taxonomy
from egide.core.reference import countries, dac_sectors


def test_countries_cover_iso_codes_and_kosovo_in_both_languages() -> None:
    names = countries()
    assert len(names) >= 249
    assert names["XK"].label_en == "Kosovo"
    assert names["CF"].label_fr == "République centrafricaine"
    assert names["CD"].label_en == "Democratic Republic of the Congo"
    assert all(term.label_en and term.label_fr for term in names.values())


def test_labels_follow_the_active_language() -> None:
    with translation.override("fr"):
        assert countries()["GB"].label == "Royaume-Uni"
        assert taxonomy.KIND_BY_CODE["armed_forces"].label == "Forces armées"
    with translation.override("en"):
        assert countries()["GB"].label == "United Kingdom"


def test_dac_sectors_hold_the_security_and_justice_codes() -> None:
    sectors = dac_sectors()
    assert sectors["15210"].label_en == "Security system management and reform"
    assert sectors["15210"].label_fr == "Gestion et réforme des systèmes de sécurité"
    for code in ("15130", "15132", "15137", "15220", "15230", "15240", "15250", "15261"):
        assert code in sectors
    assert all(code.startswith(("151", "152")) for code in sectors)
    assert "15161" not in sectors  # withdrawn codes are left out


def test_taxonomy_codes_are_unique_and_complete() -> None:
    assert len(taxonomy.FAMILIES) == 5
    assert len(taxonomy.PRINCIPLES) == 3
    assert len(taxonomy.AREAS_OF_ACTION) == 8
    assert len(taxonomy.RELATIONSHIP_TYPES) == 10
    kinds = [kind.code for kind in taxonomy.KINDS]
    assert len(kinds) == len(set(kinds))
    assert {kind.family for kind in taxonomy.KINDS} == taxonomy.ALL_FAMILIES
    for terms in (
        taxonomy.FAMILIES,
        taxonomy.KINDS,
        taxonomy.RELATIONSHIP_TYPES,
        taxonomy.PRINCIPLES,
        taxonomy.AREAS_OF_ACTION,
    ):
        assert all(term.label_en and term.label_fr for term in terms)
