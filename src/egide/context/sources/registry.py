"""The sources Égide reads, their indicators (names in both languages, scale, direction) and terms of use."""

from functools import cache, partial
from pathlib import Path

from egide.context.sources import readers
from egide.context.sources.base import IndicatorSpec, Reading, SourceSpec


def _spec(
    code: str, en: str, fr: str, low: float, high: float, better: bool, unit_en: str = "", unit_fr: str = ""
) -> IndicatorSpec:
    return IndicatorSpec(code, en, fr, low, high, better, unit_en, unit_fr)


# The World Bank publishes estimates in units of a standard normal distribution (about -2.5 to 2.5); a few
# countries' estimates fall just outside, so the scale accepted is a little wider.
WGI = {
    "VoiceandAccountability": _spec(
        "wgi.voice_accountability", "Voice and accountability", "Voix citoyenne et responsabilité", -3, 3, True
    ),
    "PoliticalStability": _spec(
        "wgi.political_stability",
        "Political stability and absence of violence",
        "Stabilité politique et absence de violence",
        -3.5,
        3,
        True,
    ),
    "GovernmentEffectiveness": _spec(
        "wgi.government_effectiveness", "Government effectiveness", "Efficacité des pouvoirs publics", -3, 3, True
    ),
    "RegulatoryQuality": _spec(
        "wgi.regulatory_quality", "Regulatory quality", "Qualité de la réglementation", -3, 3, True
    ),
    "RuleofLaw": _spec("wgi.rule_of_law", "Rule of law", "État de droit", -3, 3, True),
    "ControlofCorruption": _spec(
        "wgi.control_of_corruption", "Control of corruption", "Maîtrise de la corruption", -3, 3, True
    ),
}

_FSI_PARTS = (
    ("C1", "security apparatus", "appareil de sécurité"),
    ("C2", "factionalised elites", "factionnalisme des élites"),
    ("C3", "group grievance", "griefs entre groupes"),
    ("E1", "economic decline", "déclin économique"),
    ("E2", "uneven economic development", "développement économique inégal"),
    ("E3", "human flight and brain drain", "exode des populations et des compétences"),
    ("P1", "state legitimacy", "légitimité de l’État"),
    ("P2", "public services", "services publics"),
    ("P3", "human rights and rule of law", "droits de l’homme et État de droit"),
    ("S1", "demographic pressures", "pressions démographiques"),
    ("S2", "refugees and internally displaced persons", "réfugiés et personnes déplacées"),
    ("X1", "external intervention", "intervention extérieure"),
)
FSI = {
    "total": _spec("fsi.total", "Fragile States Index", "Indice des États fragiles", 0, 120, False),
    **{
        column: _spec(
            f"fsi.{column.lower()}",
            f"Fragile States Index: {en}",
            f"Indice des États fragiles : {fr}",
            0,
            10,
            False,
        )
        for column, en, fr in _FSI_PARTS
    },
}

VDEM = {
    "v2x_horacc_osp": _spec(
        "vdem.horizontal_accountability", "Horizontal accountability", "Responsabilité horizontale", 0, 1, True
    ),
    "v2x_veracc_osp": _spec(
        "vdem.vertical_accountability", "Vertical accountability", "Responsabilité verticale", 0, 1, True
    ),
    "v2xcl_rol": _spec(
        "vdem.rule_of_law",
        "Equality before the law and individual liberty",
        "Égalité devant la loi et liberté individuelle",
        0,
        1,
        True,
    ),
    "v2xcs_ccsi": _spec("vdem.civil_society", "Core civil society", "Société civile", 0, 1, True),
    "v2x_freexp_altinf": _spec(
        "vdem.freedom_of_expression",
        "Freedom of expression and alternative sources of information",
        "Liberté d’expression et sources d’information alternatives",
        0,
        1,
        True,
    ),
    "v2x_pubcorr": _spec(
        "vdem.public_sector_integrity",
        "Public sector integrity (corruption inverted)",
        "Intégrité du secteur public (corruption inversée)",
        0,
        1,
        True,
    ),
}

UCDP = {
    "any_conflict": _spec(
        "ucdp.any_conflict", "Armed conflict (any)", "Conflit armé (tout type)", 0, 1, False, "yes/no", "oui/non"
    ),
    "internal_confl": _spec(
        "ucdp.internal_conflict",
        "Internal armed conflict on the territory",
        "Conflit armé interne sur le territoire",
        0,
        1,
        False,
        "yes/no",
        "oui/non",
    ),
    "war": _spec(
        "ucdp.war",
        "War (1,000 battle deaths or more in the year)",
        "Guerre (au moins 1 000 morts au combat dans l’année)",
        0,
        1,
        False,
        "yes/no",
        "oui/non",
    ),
}

GPI = _spec("gpi.overall", "Global Peace Index", "Indice mondial de la paix", 1, 5, False)


def _sorted_values(table: dict[str, IndicatorSpec]) -> tuple[IndicatorSpec, ...]:
    return tuple(table.values())


def _read_gpi(folder: Path) -> Reading:
    return readers.read_gpi(folder, GPI)


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        code="wgi",
        name_en="Worldwide Governance Indicators",
        name_fr="Indicateurs de gouvernance dans le monde",
        publisher="World Bank",
        url="https://www.worldbank.org/en/publication/worldwide-governance-indicators",
        terms_en="World Bank data, under the Creative Commons Attribution 4.0 licence: cite the World Bank.",
        terms_fr="Données de la Banque mondiale, sous licence Creative Commons Attribution 4.0 : citer la Banque "
        "mondiale.",
        country_codes="World Bank three-letter codes",
        indicators=_sorted_values(WGI),
        read=partial(readers.read_wgi, indicators=WGI),
    ),
    SourceSpec(
        code="fsi",
        name_en="Fragile States Index",
        name_fr="Indice des États fragiles",
        publisher="The Fund for Peace",
        url="https://fragilestatesindex.org",
        terms_en="The Fund for Peace's data, for non-commercial use with attribution to the Fund for Peace.",
        terms_fr="Données du Fund for Peace, pour un usage non commercial, en citant le Fund for Peace.",
        country_codes="ISO 3166-1 alpha-3",
        indicators=_sorted_values(FSI),
        read=partial(readers.read_fsi, columns=FSI),
    ),
    SourceSpec(
        code="vdem",
        name_en="Varieties of Democracy (V-Dem)",
        name_fr="Variétés de la démocratie (V-Dem)",
        publisher="V-Dem Institute",
        url="https://www.v-dem.net",
        terms_en="V-Dem data, under the Creative Commons Attribution-ShareAlike 4.0 licence: cite the V-Dem Institute.",
        terms_fr="Données V-Dem, sous licence Creative Commons Attribution - Partage dans les mêmes conditions 4.0 : "
        "citer l’institut V-Dem.",
        country_codes="Gleditsch-Ward numbers",
        indicators=_sorted_values(VDEM),
        read=partial(readers.read_vdem, columns=VDEM),
    ),
    SourceSpec(
        code="ucdp",
        name_en="UCDP/PRIO Armed Conflict Dataset",
        name_fr="Base de données UCDP/PRIO des conflits armés",
        publisher="Uppsala Conflict Data Program and Peace Research Institute Oslo",
        url="https://ucdp.uu.se",
        terms_en="UCDP data, under the Creative Commons Attribution 4.0 licence: cite the UCDP/PRIO dataset.",
        terms_fr="Données de l’UCDP, sous licence Creative Commons Attribution 4.0 : citer la base UCDP/PRIO.",
        country_codes="Gleditsch-Ward numbers",
        indicators=_sorted_values(UCDP),
        read=partial(readers.read_ucdp, columns=UCDP),
    ),
    SourceSpec(
        code="gpi",
        name_en="Global Peace Index",
        name_fr="Indice mondial de la paix",
        publisher="Institute for Economics and Peace",
        url="https://www.visionofhumanity.org",
        terms_en="The Institute for Economics and Peace's data, for non-commercial use with attribution to the "
        "Institute.",
        terms_fr="Données de l’Institute for Economics and Peace, pour un usage non commercial, en citant l’Institut.",
        country_codes="ISO 3166-1 alpha-3",
        indicators=(GPI,),
        read=_read_gpi,
    ),
)

SOURCE_BY_CODE = {source.code: source for source in SOURCES}


@cache
def _indicators() -> dict[str, tuple[SourceSpec, IndicatorSpec]]:
    return {indicator.code: (source, indicator) for source in SOURCES for indicator in source.indicators}


def indicator_spec(code: str) -> tuple[SourceSpec, IndicatorSpec] | None:
    return _indicators().get(code)
