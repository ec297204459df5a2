"""A synthetic but plausible country map for the benchmarks, written in the import's own file formats.

The map is built the way real SSR maps are: a national core (presidency, ministries, forces, courts, parliament,
oversight bodies, national media and civil society), then the same deconcentrated services in every region,
district and commune (police directorates, commissariats and stations; gendarmerie legions, companies and
brigades; military regions, battalions and detachments; courts of appeal, high courts and peace courts; prisons;
prefectures; local councils, radios and associations; and a few non-statutory self-defence groups). Every unit has
its parent, so the hierarchy is several levels deep.

Relationships follow that structure: parents command or administer their units and units report to them, and
functional rules join bodies of the same place or of the places under it (a prosecutor oversees the police of
its jurisdiction, a court of accounts audits ministries, a treasury funds local services, a radio scrutinises
the local police, a commissariat coordinates with the gendarmerie company...). All ten types are used, and every
edge respects the family rules of `egide.core.taxonomy.RELATIONSHIP_TYPES` and the checks of
`egide.actors.rules`: no self-loop, (from, type, to, start) unique (by the start's first day, as the importer
matches it), no end before the start, no end on an ongoing relationship. Some actors and relationships cite a
source inline (`source_*` columns), and a few cite a second one in `citations.csv`.

The default country is AQ (Antarctica): a valid code that no real map will ever use, so synthetic data cannot be
mistaken for, or merged into, a real country's map. Place names are made up.

Usable as a module::

    from generate import generate_map
    generated = generate_map(actors=5000, relationships=25000, seed=1)
    generated.actors[0]             # {"reference": "PR", "kind": "head_of_state", ...}
    data = generated.to_zip()       # actors.csv + relationships.csv (+ citations.csv)

and as a script::

    python benchmarks/generate.py --actors 5000 --relationships 25000 -o /tmp/map.zip
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from common import LEGAL_BASES, Draw, kinds, made_up_word
from egide.actors.rules import ActorFacts, RelationshipFacts, check_actor, check_relationship
from egide.actors.tabular import (
    ACTOR_COLUMNS,
    CITATION_COLUMNS,
    INLINE_CITATION_COLUMNS,
    RELATIONSHIP_COLUMNS,
    write_csv,
    write_zip,
)
from egide.core import taxonomy
from egide.core.fuzzy_dates import FuzzyDate

DEFAULT_ACTORS = 5_000
DEFAULT_RELATIONSHIPS = 25_000
DEFAULT_SEED = 20_251_129
DEFAULT_COUNTRY = "AQ"
REGIONS = 16
DISTRICTS_PER_REGION = 5

Row = dict[str, str]
Locality = tuple[int, ...]  # () national, (region,), (region, district), (region, district, commune)

SEC = taxonomy.SECURITY_PROVIDERS
JUS = taxonomy.JUSTICE
SUP = taxonomy.SUPERVISORY
MAN = taxonomy.MANAGEMENT
PUB = taxonomy.PUBLIC_INFORMATION
STATE = taxonomy.STATE_BODIES


# --------------------------------------------------------------------------------------------------- actors


@dataclass(frozen=True, slots=True)
class Unit:
    """A template for one actor: its key (the reference's stem), kind, names and parent's key.

    Names and acronyms may hold {place}, {n} (a running number) and {nth}/{e} (an ordinal, English/French).
    The parent is a key of the national core or of a template of the level above, in the same place.
    """

    key: str
    kind: str
    name_en: str
    name_fr: str
    acronym_en: str = ""
    acronym_fr: str = ""
    parent: str = ""
    statutory: bool = True
    disputed: bool = False
    share: float = 1.0  # the share of places that have one
    mandate: str = ""


# fmt: off
# The national core, parents before children.
CORE: tuple[Unit, ...] = (
    # Management and oversight
    Unit("PR", "head_of_state", "Presidency of the Republic", "Présidence de la République", "PR", "PR",
         mandate="Head of State and supreme commander of the armed forces (Constitution, art. 33)."),
    Unit("PM", "government", "Office of the Prime Minister", "Primature", "PMO", "PM"),
    Unit("CM", "government", "Council of Ministers", "Conseil des ministres", "", "", "PM"),
    Unit("CNS", "security_council", "National Security Council", "Conseil national de sécurité", "NSC", "CNS",
         "PR",
         mandate="Advises the President on defence and security policy and coordinates the security services."),
    Unit("MOD", "ministry_of_defence", "Ministry of National Defence", "Ministère de la Défense nationale",
         "MoD", "MINDEF", "CM"),
    Unit("MOI", "ministry_of_interior", "Ministry of the Interior and Public Security",
         "Ministère de l’Intérieur et de la Sécurité publique", "MoI", "MISP", "CM"),
    Unit("MOF", "ministry_of_finance", "Ministry of Finance and Budget",
         "Ministère des Finances et du Budget", "MoF", "MFB", "CM"),
    Unit("MTA", "other_ministry", "Ministry of Territorial Administration",
         "Ministère de l’Administration du territoire", "MTA", "MAT", "CM"),
    Unit("MENV", "other_ministry", "Ministry of Environment and Forests",
         "Ministère de l’Environnement et des Forêts", "MEF", "MEF", "CM"),
    Unit("MCOM", "other_ministry", "Ministry of Communication", "Ministère de la Communication", "", "",
         "CM"),
    Unit("DGB", "budget_authority", "Directorate General of the Budget", "Direction générale du Budget",
         "DGB", "DGB", "MOF"),
    Unit("TRES", "treasury", "Public Treasury", "Trésor public", "", "", "MOF"),
    Unit("CDC", "court_of_accounts", "Court of Accounts", "Cour des comptes", "CoA", "CDC",
         mandate="Audits the accounts of the State and of public bodies (Constitution, art. 128)."),
    Unit("IGE", "inspectorate", "State General Inspectorate", "Inspection générale d’État", "SGI", "IGE",
         "PR"),
    Unit("IGF", "inspectorate", "General Inspectorate of Finance", "Inspection générale des finances", "GIF",
         "IGF", "MOF"),
    Unit("IGA", "inspectorate", "General Inspectorate of the Armed Forces", "Inspection générale des armées",
         "GIAF", "IGA", "MOD"),
    Unit("IGPN", "inspectorate", "General Inspectorate of the National Police",
         "Inspection générale de la Police nationale", "GINP", "IGPN", "MOI"),
    Unit("HCC", "independent_authority", "High Council for Communication", "Haut Conseil de la communication",
         "HCC", "HCC"),
    Unit("ANE", "independent_authority", "National Elections Authority", "Autorité nationale des élections",
         "NEA", "ANE"),
    Unit("HALC", "independent_authority", "High Authority against Corruption",
         "Haute Autorité de lutte contre la corruption", "HAAC", "HALC"),
    # Security providers
    Unit("FAN", "armed_forces", "National Armed Forces", "Forces armées nationales", "NAF", "FAN", "MOD",
         mandate="Defend the territorial integrity of the Republic (Law on the armed forces, art. 2)."),
    Unit("EMG", "armed_forces", "General Staff of the Armed Forces", "État-major général des armées", "GS",
         "EMGA", "FAN"),
    Unit("ARMY", "armed_forces", "Land Army", "Armée de terre", "", "", "FAN"),
    Unit("AIR", "armed_forces", "Air Force", "Armée de l’air", "", "", "FAN"),
    Unit("NAVY", "armed_forces", "National Navy", "Marine nationale", "", "", "FAN"),
    Unit("CG", "coast_guard", "Coast Guard", "Garde-côtes", "", "", "NAVY"),
    Unit("DRM", "military_intelligence", "Directorate of Military Intelligence",
         "Direction du renseignement militaire", "DMI", "DRM", "EMG"),
    Unit("RES", "reserve", "Operational Reserve", "Réserve opérationnelle", "", "", "FAN"),
    Unit("GR", "presidential_guard", "Republican Guard", "Garde républicaine", "RG", "GR", "PR"),
    Unit("GN", "gendarmerie", "National Gendarmerie", "Gendarmerie nationale", "", "GN", "MOD"),
    Unit("PN", "police", "National Police", "Police nationale", "NP", "PN", "MOI",
         mandate="Maintains public order and the safety of persons and property (Law on the national police)."),
    Unit("DPJ", "police", "Directorate of Judicial Police", "Direction de la police judiciaire", "DJP", "DPJ",
         "PN"),
    Unit("PAF", "border_guard", "Air and Border Police", "Police de l’air et des frontières", "ABP", "PAF",
         "PN"),
    Unit("ANR", "civilian_intelligence", "National Intelligence Agency", "Agence nationale de renseignement",
         "NIA", "ANR", "PR"),
    Unit("DGD", "customs", "Directorate General of Customs",
         "Direction générale des douanes et droits indirects", "DGC", "DGDDI", "MOF"),
    Unit("DGPC", "civil_defence", "Directorate General of Civil Protection",
         "Direction générale de la protection civile", "DGCP", "DGPC", "MOI"),
    Unit("EF", "paramilitary", "Water and Forests Rangers", "Corps des eaux et forêts", "", "", "MENV"),
    Unit("CAD", "paramilitary", "National Coordination of Self-Defence Committees",
         "Coordination nationale des comités d’autodéfense", "", "CNCAD", statutory=False, disputed=True),
    # Justice and rule of law
    Unit("MOJ", "ministry_of_justice", "Ministry of Justice and Human Rights",
         "Ministère de la Justice et des Droits de l’homme", "MoJ", "MJDH", "CM"),
    Unit("CC", "court", "Constitutional Court", "Cour constitutionnelle"),
    Unit("CS", "court", "Supreme Court", "Cour suprême"),
    Unit("CE", "court", "Council of State", "Conseil d’État"),
    Unit("CPS", "court", "Special Criminal Court", "Cour pénale spéciale", "SCC", "CPS"),
    Unit("TMP", "military_court", "Permanent Military Tribunal", "Tribunal militaire permanent", "PMT", "TMP",
         "MOJ"),
    Unit("PG", "prosecution", "Prosecutor General at the Supreme Court",
         "Parquet général près la Cour suprême", "", "", "MOJ"),
    Unit("CSM", "judicial_council", "Higher Council of the Judiciary", "Conseil supérieur de la magistrature",
         "HCJ", "CSM"),
    Unit("BAR", "bar_association", "National Bar Association", "Ordre national des avocats"),
    Unit("DGAP", "prison_service", "Directorate General of Prison Administration",
         "Direction générale de l’administration pénitentiaire", "DGPA", "DGAP", "MOJ"),
    Unit("MED", "ombudsman", "Ombudsman of the Republic", "Médiateur de la République"),
    Unit("CNDH", "human_rights_commission", "National Human Rights Commission",
         "Commission nationale des droits de l’homme", "NHRC", "CNDH"),
    Unit("CVJR", "reconciliation_council", "Truth, Justice, Reparation and Reconciliation Commission",
         "Commission vérité, justice, réparation et réconciliation", "TJRRC", "CVJRR"),
    Unit("CNCT", "customary_justice", "National Council of Traditional Chiefs",
         "Conseil national des chefs traditionnels", "", "CNCT"),
    # Supervisory bodies
    Unit("AN", "parliament", "National Assembly", "Assemblée nationale", "NA", "AN"),
    Unit("SEN", "parliament", "Senate", "Sénat"),
    Unit("AN-DEF", "defence_committee", "Defence and Security Committee of the National Assembly",
         "Commission défense et sécurité de l’Assemblée nationale", "", "", "AN"),
    Unit("AN-FIN", "finance_committee", "Finance and Budget Committee of the National Assembly",
         "Commission des finances et du budget de l’Assemblée nationale", "", "", "AN"),
    Unit("AN-LAW", "parliamentary_committee", "Law Committee of the National Assembly",
         "Commission des lois de l’Assemblée nationale", "", "", "AN"),
    Unit("AN-HR", "parliamentary_committee", "Human Rights Committee of the National Assembly",
         "Commission des droits de l’homme de l’Assemblée nationale", "", "", "AN"),
    Unit("AN-INQ", "investigation_committee", "Committee of Inquiry into the Management of Defence Equipment",
         "Commission d’enquête sur la gestion des équipements de défense", "", "", "AN"),
    Unit("SEN-DEF", "defence_committee", "Defence Committee of the Senate",
         "Commission de la défense du Sénat", "", "", "SEN"),
    Unit("SEN-FIN", "finance_committee", "Finance Committee of the Senate",
         "Commission des finances du Sénat", "", "", "SEN"),
    # Public information
    Unit("RTN", "media", "National Radio and Television", "Radiodiffusion-Télévision nationale", "NRT", "RTN",
         "MCOM"),
    Unit("AGP", "media", "National Press Agency", "Agence de presse nationale", "NPA", "APN", "MCOM"),
    Unit("OBS", "media", "The Observer (daily newspaper)", "L’Observateur (quotidien)", statutory=False),
    Unit("ECHO", "media", "Echo of the Capital (weekly)", "L’Écho de la capitale (hebdomadaire)",
         statutory=False),
    Unit("LDH", "civil_society", "National Human Rights League", "Ligue nationale des droits de l’homme",
         "NHRL", "LNDH", statutory=False),
    Unit("OSS", "civil_society", "Security Sector Observatory", "Observatoire du secteur de la sécurité",
         "SSO", "OSS", statutory=False),
    Unit("RFPS", "civil_society", "Women’s Network for Peace and Security",
         "Réseau des femmes pour la paix et la sécurité", "WNPS", "RFPS", statutory=False),
    Unit("TI", "civil_society", "Budget Transparency Coalition", "Coalition pour la transparence budgétaire",
         statutory=False),
    Unit("UNIV", "research_institute", "National University", "Université nationale"),
    Unit("CESS", "research_institute", "Centre for Strategic and Security Studies",
         "Centre d’études stratégiques et de sécurité", "CSSS", "CESS", "UNIV"),
)

REGION_UNITS: tuple[Unit, ...] = (
    Unit("PREF", "ministry_of_interior", "Governorate of {place}", "Gouvernorat de {place}", "", "", "MTA"),
    Unit("DRSP", "police", "Regional Directorate of Public Security, {place}",
         "Direction régionale de la sécurité publique de {place}", "RDPS {place}", "DRSP {place}", "PN"),
    Unit("LEG", "gendarmerie", "Gendarmerie Legion of {place}", "Légion de gendarmerie de {place}", "", "",
         "GN"),
    Unit("RM", "armed_forces", "Military Region No. {n} ({place})", "Région militaire no {n} ({place})",
         "MR{n}", "RM{n}", "ARMY"),
    Unit("ANR", "civilian_intelligence", "Regional Intelligence Branch, {place}",
         "Antenne régionale de renseignement de {place}", "", "", "ANR"),
    Unit("DRD", "customs", "Regional Customs Directorate, {place}",
         "Direction régionale des douanes de {place}", "", "", "DGD"),
    Unit("PAF", "border_guard", "Border Police Directorate, {place}",
         "Direction de la police des frontières de {place}", "", "", "PAF", share=0.4),
    Unit("SRPC", "civil_defence", "Regional Civil Protection Service, {place}",
         "Service régional de la protection civile de {place}", "", "", "DGPC"),
    Unit("CA", "court", "Court of Appeal of {place}", "Cour d’appel de {place}", "", "", "CS"),
    Unit("PGCA", "prosecution", "Prosecutor General at the Court of Appeal of {place}",
         "Parquet général près la Cour d’appel de {place}", "", "", "PG"),
    Unit("MC", "prison_service", "Central Prison of {place}", "Maison centrale de {place}", "", "", "DGAP"),
    Unit("CNDH", "human_rights_commission", "Regional Office of the Human Rights Commission, {place}",
         "Antenne régionale de la Commission des droits de l’homme de {place}", "", "", "CNDH"),
    Unit("CCT", "customary_justice", "Council of Traditional Chiefs of {place}",
         "Conseil des chefs traditionnels de {place}", "", "", "CNCT"),
    Unit("TR", "treasury", "Regional Treasury of {place}", "Trésorerie régionale de {place}", "", "", "TRES"),
    Unit("CFR", "budget_authority", "Regional Financial Control, {place}",
         "Contrôle financier régional de {place}", "", "", "DGB"),
    Unit("IGR", "inspectorate", "Regional Inspectorate of Security Services, {place}",
         "Inspection régionale des services de sécurité de {place}", "", "", "IGPN", share=0.5),
    Unit("CR", "parliament", "Regional Council of {place}", "Conseil régional de {place}"),
    Unit("CRS", "defence_committee", "Security Committee of the Regional Council of {place}",
         "Commission sécurité du Conseil régional de {place}", "", "", "CR"),
    Unit("CRF", "finance_committee", "Finance Committee of the Regional Council of {place}",
         "Commission des finances du Conseil régional de {place}", "", "", "CR"),
    Unit("RADIO", "media", "Radio {place}", "Radio {place}", "", "", "RTN"),
    Unit("PSC", "civil_society", "{place} Civil Society Platform",
         "Plateforme de la société civile de {place}", statutory=False),
    Unit("UNIV", "research_institute", "University of {place}", "Université de {place}", share=0.5),
    Unit("CAD", "paramilitary", "{place} Self-Defence Committees", "Comités d’autodéfense de {place}", "", "",
         "CAD", statutory=False, disputed=True, share=0.6),
)

DISTRICT_UNITS: tuple[Unit, ...] = (
    Unit("SPREF", "ministry_of_interior", "Prefecture of {place}", "Préfecture de {place}", "", "", "PREF"),
    Unit("CP", "police", "Central Police Commissariat of {place}",
         "Commissariat central de police de {place}", "", "", "DRSP"),
    Unit("CIE", "gendarmerie", "Gendarmerie Company of {place}", "Compagnie de gendarmerie de {place}", "",
         "", "LEG"),
    Unit("BI", "armed_forces", "{nth} Infantry Battalion ({place})",
         "{n}{e} bataillon d’infanterie ({place})", "{nth} Bn", "{n}{e} BI", "RM", share=0.6),
    Unit("TGI", "court", "High Court of {place}", "Tribunal de grande instance de {place}", "", "", "CA"),
    Unit("PROC", "prosecution", "Public Prosecutor at the High Court of {place}",
         "Parquet près le Tribunal de grande instance de {place}", "", "", "PGCA"),
    Unit("MA", "prison_service", "Prison of {place}", "Maison d’arrêt de {place}", "", "", "MC"),
    Unit("BD", "customs", "Customs Office of {place}", "Bureau des douanes de {place}", "", "", "DRD",
         share=0.7),
    Unit("CSEC", "civil_defence", "Fire and Rescue Centre of {place}", "Centre de secours de {place}", "", "",
         "SRPC"),
    Unit("PERC", "treasury", "Treasury Office of {place}", "Perception de {place}", "", "", "TR"),
    Unit("CMUN", "parliament", "Municipal Council of {place}", "Conseil municipal de {place}"),
    Unit("CMS", "parliamentary_committee", "Public Safety Committee of the Municipal Council of {place}",
         "Commission de la sécurité publique du Conseil municipal de {place}", "", "", "CMUN", share=0.5),
    Unit("RC", "media", "Community Radio of {place}", "Radio communautaire de {place}", statutory=False),
    Unit("ADH", "civil_society", "{place} Human Rights Association",
         "Association des droits de l’homme de {place}", statutory=False),
    Unit("TC", "customary_justice", "Customary Court of {place}", "Tribunal coutumier de {place}", "", "",
         "CCT"),
)

COMMUNE_UNITS: tuple[Unit, ...] = (
    Unit("PA", "ministry_of_interior", "Administrative Post of {place}", "Poste administratif de {place}", "",
         "", "SPREF"),
    Unit("PP", "police", "Police Station of {place}", "Poste de police de {place}", "", "", "CP"),
    Unit("BG", "gendarmerie", "Gendarmerie Brigade of {place}", "Brigade de gendarmerie de {place}", "", "",
         "CIE"),
    Unit("TP", "court", "Peace Court of {place}", "Tribunal de paix de {place}", "", "", "TGI", share=0.6),
    Unit("DET", "armed_forces", "Army Detachment at {place}", "Détachement militaire de {place}", "", "",
         "BI", share=0.3),
    Unit("PF", "border_guard", "Border Post of {place}", "Poste frontière de {place}", "", "", "PAF",
         share=0.3),
    Unit("CCOM", "parliament", "Communal Council of {place}", "Conseil communal de {place}", share=0.5),
    Unit("CHEF", "customary_justice", "Chieftaincy of {place}", "Chefferie de {place}", "", "", "TC"),
    Unit("AF", "civil_society", "Women’s Association of {place}", "Association des femmes de {place}",
         statutory=False, share=0.6),
    Unit("CJ", "civil_society", "Youth Committee of {place}", "Comité des jeunes de {place}", statutory=False,
         share=0.4),
    Unit("RL", "media", "Local Radio of {place}", "Radio locale de {place}", statutory=False, share=0.3),
    Unit("CAD", "paramilitary", "Self-Defence Group of {place}", "Groupe d’autodéfense de {place}", "", "",
         "CAD", statutory=False, disputed=True, share=0.15),
)
# fmt: on

SUFFIXES = ("", "", "", "", " Nord", " Sud", "-Est", "-Ouest", "-Centre", "-Haut", "-Bas")


def _ordinal(number: int) -> str:
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{({1: 'st', 2: 'nd', 3: 'rd'}).get(number % 10, 'th')}"


class _Places:
    """Made-up place names, unique, with short unique codes for references."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.codes: set[str] = set()

    def name(self, *, suffix: bool = False) -> str:
        while True:
            word = made_up_word(self.rng) + (self.rng.choice(SUFFIXES) if suffix else "")
            if word not in self.names:
                self.names.add(word)
                return word

    def code(self, name: str) -> str:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
        letters = [letter for letter in ascii_name if letter.isalpha()]
        base = "".join(letters[:1] + [letter for letter in letters[1:] if letter not in "AEIOUY"])[:3].ljust(3, "X")
        candidate, number = base, 2
        while candidate in self.codes:
            candidate, number = f"{base[:2]}{number}", number + 1
        self.codes.add(candidate)
        return candidate


@dataclass(slots=True)
class _Actor:
    reference: str
    unit: Unit
    locality: Locality
    place: str
    number: int
    parent: str
    row: Row = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.unit.kind

    @property
    def family(self) -> str:
        return taxonomy.KIND_BY_CODE[self.unit.kind].family


def _fill(template: str, place: str, number: int) -> str:
    return template.format(place=place, n=number, nth=_ordinal(number), e="e" if number > 1 else "er")


def _actor_stream(rng: random.Random) -> Iterator[_Actor]:
    """Every actor of the map, parents first: the core, the regions, the districts, then communes for ever.

    A unit's parent is the unit with the parent's key in the same place (listed before it), or else in the
    nearest place above; a unit whose parent no place has (a detachment in a district without a battalion) is
    left out.
    """
    places = _Places(rng)
    present: dict[tuple[Locality, str], str] = {}

    def parent_of(unit: Unit, locality: Locality) -> str | None:
        if not unit.parent:
            return ""
        for depth in range(len(locality), -1, -1):
            reference = present.get((locality[:depth], unit.parent))
            if reference:
                return reference
        return None

    for unit in CORE:
        present[((), unit.key)] = unit.key
        yield _Actor(unit.key, unit, (), "", 0, unit.parent)

    regions = [places.name() for _ in range(REGIONS)]
    region_codes = [places.code(name) for name in regions]
    for index, (name, code) in enumerate(zip(regions, region_codes, strict=True)):
        locality: Locality = (index,)
        for unit in REGION_UNITS:
            parent = parent_of(unit, locality)
            if parent is None or rng.random() >= unit.share:
                continue
            reference = f"{unit.key}-{code}"
            present[(locality, unit.key)] = reference
            yield _Actor(reference, unit, locality, name, index + 1, parent)

    districts: list[tuple[Locality, str, str]] = []
    for index, code in enumerate(region_codes):
        for number in range(1, DISTRICTS_PER_REGION + 1):
            districts.append(((index, number), places.name(suffix=True), f"{code}{number}"))
    battalion = 0
    for locality, name, code in districts:
        for unit in DISTRICT_UNITS:
            parent = parent_of(unit, locality)
            if parent is None or rng.random() >= unit.share:
                continue
            reference = f"{unit.key}-{code}"
            present[(locality, unit.key)] = reference
            battalion += unit.key == "BI"
            yield _Actor(reference, unit, locality, name, battalion, parent)

    commune = 0
    while True:
        commune += 1
        for locality, _name, code in districts:
            name = places.name(suffix=rng.random() < 0.2)
            commune_locality: Locality = (*locality, commune)
            for unit in COMMUNE_UNITS:
                parent = parent_of(unit, commune_locality)
                if parent is None or rng.random() >= unit.share:
                    continue
                reference = f"{unit.key}-{code}-{commune}"
                present[(commune_locality, unit.key)] = reference
                yield _Actor(reference, unit, commune_locality, name, commune, parent)


def _actor_row(actor: _Actor, rng: random.Random) -> Row:
    unit = actor.unit
    confidence = rng.choices(("high", "medium", "low"), weights=(45, 40, 15))[0]
    if unit.mandate:
        mandate = unit.mandate
    elif rng.random() < 0.3:
        label = taxonomy.KIND_BY_CODE[unit.kind].label_en.lower()
        mandate = f"Acts as the {label} for {actor.place or 'the whole country'}, within the limits set by law."
    else:
        mandate = ""
    return {
        "reference": actor.reference,
        "kind": unit.kind,
        "name_en": _fill(unit.name_en, actor.place, actor.number),
        "name_fr": _fill(unit.name_fr, actor.place, actor.number),
        "acronym_en": _fill(unit.acronym_en, actor.place, actor.number)[:32],
        "acronym_fr": _fill(unit.acronym_fr, actor.place, actor.number)[:32],
        "parent": actor.parent,
        "statutory": "yes" if unit.statutory else "no",
        "legitimacy_disputed": "yes" if unit.disputed else "no",
        "mandate_text": mandate,
        "mandate_reference": f"Decree No. {rng.randint(1998, 2023)}-{rng.randint(1, 450):03d}" if mandate else "",
        "confidence": confidence,
        "notes": "Reported by field staff; to be checked against the official gazette." if rng.random() < 0.03 else "",
    }


# ----------------------------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class _Source:
    title: str
    author: str
    date: str
    url: str
    statute: bool  # a legal text, cited by article rather than by page


def _sources(rng: random.Random, country: str) -> list[_Source]:
    base = f"https://example.org/{country.lower()}"
    sources = [
        _Source("Constitution of the Republic", "Constituent Assembly", "2016-03-30", f"{base}/constitution-2016", True)
    ]
    subjects = (
        "the organisation of the national police",
        "the general statute of the military",
        "the national gendarmerie",
        "the intelligence services",
        "the organisation of the judiciary",
        "the prison administration",
        "the Court of Accounts",
        "public finance laws",
        "civil protection",
        "customs",
        "the status of magistrates",
        "the National Human Rights Commission",
        "freedom of the press",
        "associations",
        "territorial administration",
        "the Special Criminal Court",
        "the military justice code",
        "the National Security Council",
        "the Ombudsman",
        "the fight against corruption",
        "the defence and security programming",
    )
    for subject in subjects:
        year = rng.randint(1998, 2023)
        sources.append(
            _Source(
                f"Law No. {year}-{rng.randint(1, 60):03d} on {subject}",
                "Official Gazette",
                f"{year}-{rng.randint(1, 12):02d}",
                f"{base}/laws/{year}-{len(sources)}",
                True,
            )
        )
    for number in range(60):
        year = rng.randint(2000, 2024)
        subject = rng.choice(subjects)
        sources.append(
            _Source(
                f"Decree No. {year}-{number + 100:03d} implementing the law on {subject}",
                "Official Gazette",
                f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                f"{base}/decrees/{year}-{number + 100}",
                True,
            )
        )
    authors = (
        "Court of Accounts",
        "National Human Rights Commission",
        "Security Sector Observatory",
        "National Human Rights League",
        "Ministry of Finance and Budget",
        "Centre for Strategic and Security Studies",
        "National Assembly",
        "United Nations Integrated Mission",
    )
    for number in range(80):
        author = rng.choice(authors)
        year = rng.randint(2005, 2024)
        kind = rng.choice(
            (
                "Annual report",
                "Thematic report",
                "Public hearing record",
                "Budget review",
                "Assessment of the security sector",
                "Press article",
            )
        )
        date = str(year) if rng.random() < 0.5 else f"{year}-{rng.randint(1, 12):02d}"
        url = f"{base}/reports/{number}" if rng.random() < 0.8 else ""
        sources.append(_Source(f"{kind} {year}, no. {number + 1}", author, date, url, False))
    return sources


def _locator(source: _Source, rng: random.Random) -> str:
    if source.statute:
        return f"art. {rng.randint(1, 180)}"
    return f"p. {rng.randint(1, 240)}" if rng.random() < 0.9 else ""


def _inline(source: _Source | None, locator: str = "") -> Row:
    if source is None:
        return dict.fromkeys(INLINE_CITATION_COLUMNS, "")
    return {
        "source_title": source.title,
        "source_author": source.author,
        "source_date": source.date,
        "source_url": source.url,
        "source_locator": locator,
    }


# ----------------------------------------------------------------------------------------- relationships


FORCES = kinds("police", "gendarmerie", "armed_forces", "border_guard", "customs", "civil_defence", "coast_guard")
POLICING = kinds("police", "gendarmerie", "border_guard")
COURTS = kinds("court", "military_court", "customary_justice")
PRESS = kinds("media", "civil_society", "research_institute")
LOCAL_ADMIN = kinds("ministry_of_interior")
FUNDERS = kinds("ministry_of_finance", "treasury", "budget_authority")
AUDITORS = kinds("court_of_accounts", "inspectorate", "budget_authority", "finance_committee")
COMMITTEES = kinds("parliament", "defence_committee", "parliamentary_committee", "investigation_committee")
RIGHTS = kinds("ombudsman", "human_rights_commission", "investigation_committee")
STATE_KINDS = kinds(SEC, JUS, SUP, MAN)

RULES: tuple[Draw, ...] = (
    Draw(
        "commands",
        kinds("head_of_state", "ministry_of_defence"),
        kinds("armed_forces", "presidential_guard"),
        "within",
        1,
    ),
    Draw("commands", LOCAL_ADMIN, FORCES, "within", 3),
    Draw("commands", kinds("armed_forces"), kinds("military_court"), "within", 0.2),
    Draw(
        "administers",
        kinds("ministry_of_justice", "prison_service"),
        kinds("prison_service", "court", "prosecution"),
        "within",
        1,
    ),
    Draw("administers", LOCAL_ADMIN, kinds("civil_defence", "police", "customary_justice"), "within", 2),
    Draw("administers", kinds("other_ministry", "government"), kinds(MAN, "paramilitary"), "within", 0.5),
    Draw("oversees", COMMITTEES, FORCES | kinds(MAN), "within", 3),
    Draw("oversees", kinds("prosecution"), POLICING, "within", 3),
    Draw("oversees", kinds("inspectorate", "security_council"), FORCES, "within", 1.5),
    Draw("audits", AUDITORS, STATE_KINDS, "within", 3),
    Draw("funds", FUNDERS, STATE_KINDS | PRESS, "within", 3),
    Draw("funds", kinds("parliament", "finance_committee"), kinds(MAN, JUS), "within", 1),
    Draw("adjudicates", COURTS, FORCES | kinds(MAN, PUB, "paramilitary", "prison_service"), "within", 3),
    Draw("adjudicates", kinds("military_court"), kinds("armed_forces", "gendarmerie"), "within", 1),
    Draw(
        "appoints",
        kinds("head_of_state", "government", "ministry_of_defence", "ministry_of_interior"),
        STATE_KINDS,
        "within",
        2,
    ),
    Draw("appoints", kinds("judicial_council"), kinds("court", "prosecution", "military_court"), "within", 0.5),
    Draw("reports_to", FORCES | kinds(JUS), LOCAL_ADMIN | kinds("prosecution"), "up", 3),
    Draw("reports_to", kinds(MAN, PUB), COMMITTEES | kinds("independent_authority", "government"), "up", 1.5),
    Draw("scrutinises", PRESS, FORCES | kinds(JUS, MAN, "paramilitary"), "within", 4),
    Draw("scrutinises", RIGHTS, FORCES | kinds("prison_service", "paramilitary"), "within", 2),
    Draw(
        "coordinates_with",
        FORCES | kinds("civilian_intelligence"),
        FORCES | kinds("civilian_intelligence"),
        "same",
        3,
    ),
    Draw("coordinates_with", PRESS, PRESS | kinds("customary_justice"), "same", 1.5),
    Draw("coordinates_with", kinds("paramilitary"), POLICING | kinds("armed_forces"), "same", 0.7),
)

INFORMAL_TYPES = frozenset(("scrutinises", "coordinates_with"))
"""Relationship types the generated maps give no legal basis."""


class _Index:
    """Actors by place and kind, to draw the sources and targets of functional rules."""

    def __init__(self, actors: Sequence[_Actor]) -> None:
        self.actors = actors
        self.at: dict[Locality, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.children: dict[Locality, set[Locality]] = defaultdict(set)
        self.by_kind: dict[str, list[int]] = defaultdict(list)
        for index, actor in enumerate(actors):
            self.at[actor.locality][actor.kind].append(index)
            self.by_kind[actor.kind].append(index)
            for depth in range(len(actor.locality)):
                self.children[actor.locality[:depth]].add(actor.locality[: depth + 1])
        self._candidates: dict[tuple[int, Locality], list[int]] = {}

    def sources(self, rule: Draw) -> list[int]:
        return [index for kind in sorted(rule.sources) for index in self.by_kind.get(kind, [])]

    def targets(self, number: int, rule: Draw, locality: Locality) -> list[int]:
        cached = self._candidates.get((number, locality))
        if cached is not None:
            return cached
        if rule.scope == "same":
            places = [locality]
        elif rule.scope == "within":
            places = [locality, *sorted(self.children.get(locality, ()))]
        else:
            places = [locality[:depth] for depth in range(len(locality) + 1)]
        found = [
            index for place in places for kind in sorted(rule.targets) for index in self.at.get(place, {}).get(kind, [])
        ]
        self._candidates[(number, locality)] = found
        return found


def _fuzzy_text(rng: random.Random, year: int) -> str:
    precision = rng.choices(("year", "month", "day"), weights=(45, 30, 25))[0]
    if precision == "year":
        return str(year)
    if precision == "month":
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _period(rng: random.Random) -> tuple[str, str, bool]:
    """(start, end, ongoing): some undated, most ongoing, some ended after they started."""
    if rng.random() < 0.08:
        return "", "", True
    start_year = rng.randint(1994, 2024)
    start = _fuzzy_text(rng, start_year)
    if rng.random() < 0.15:
        end_year = min(2025, start_year + rng.randint(1, 12))
        return start, _fuzzy_text(rng, end_year), False
    return start, "", True


def _first_day(text: str) -> datetime.date | None:
    return FuzzyDate.parse(text).first_day if text else None


def _end_before_start(start: str, end: str) -> bool:
    if not start or not end:
        return False
    return FuzzyDate.parse(end).last_day < FuzzyDate.parse(start).first_day


# ------------------------------------------------------------------------------------------------ the map


@dataclass(slots=True)
class GeneratedMap:
    """The rows of the three tables, as the import reads them (every value a string)."""

    country: str
    seed: int
    actors: list[Row]
    relationships: list[Row]
    citations: list[Row]

    @property
    def actor_columns(self) -> tuple[str, ...]:
        return ACTOR_COLUMNS + INLINE_CITATION_COLUMNS

    @property
    def relationship_columns(self) -> tuple[str, ...]:
        return RELATIONSHIP_COLUMNS + INLINE_CITATION_COLUMNS

    def csv_files(self, *, citations: bool = True) -> dict[str, bytes]:
        """actors.csv, relationships.csv and (when asked and not empty) citations.csv, via egide.actors.tabular."""
        files = {
            "actors.csv": write_csv(self.actor_columns, _ordered(self.actors, self.actor_columns)),
            "relationships.csv": write_csv(
                self.relationship_columns, _ordered(self.relationships, self.relationship_columns)
            ),
        }
        if citations and self.citations:
            files["citations.csv"] = write_csv(CITATION_COLUMNS, _ordered(self.citations, CITATION_COLUMNS))
        return files

    def to_zip(self, *, citations: bool = True) -> bytes:
        return write_zip(self.csv_files(citations=citations))

    def cited_sources(self) -> set[tuple[str, str]]:
        """The distinct (title, url) sources the file cites: what an import into an empty country creates."""
        sources = {(row["source_title"], row["source_url"]) for row in self.actors + self.relationships}
        sources |= {(row["title"], row["url"]) for row in self.citations}
        return {source for source in sources if source[0]}

    def citation_count(self) -> int:
        inline = sum(1 for row in self.actors + self.relationships if row["source_title"])
        return inline + len(self.citations)

    def summary(self) -> dict[str, dict[str, int]]:
        families: dict[str, int] = defaultdict(int)
        kind_counts: dict[str, int] = defaultdict(int)
        for row in self.actors:
            kind_counts[row["kind"]] += 1
            families[taxonomy.KIND_BY_CODE[row["kind"]].family] += 1
        types: dict[str, int] = defaultdict(int)
        for row in self.relationships:
            types[row["type"]] += 1
        return {"families": dict(families), "kinds": dict(kind_counts), "types": dict(types)}


def _ordered(rows: list[Row], columns: Sequence[str]) -> list[list[str]]:
    return [[row.get(column, "") for column in columns] for row in rows]


def generate_map(
    *,
    actors: int = DEFAULT_ACTORS,
    relationships: int = DEFAULT_RELATIONSHIPS,
    seed: int = DEFAULT_SEED,
    country: str = DEFAULT_COUNTRY,
    citations: bool = True,
) -> GeneratedMap:
    """A deterministic synthetic map of `actors` actors and `relationships` relationships for `country`.

    Raises ValueError if that many distinct relationships cannot be drawn (far more than the map's size allows).
    """
    if actors < 2 and relationships:
        raise ValueError("relationships need at least two actors")
    rng = random.Random(seed)
    stream = _actor_stream(random.Random(rng.random()))
    chosen = [next(stream) for _ in range(actors)]
    references = {actor.reference for actor in chosen}
    for actor in chosen:
        if actor.parent not in references:
            actor.parent = ""  # only when the core itself was cut short
    sources = _sources(rng, country)
    statutes = [source for source in sources if source.statute]
    actor_rows = []
    for actor in chosen:
        row = _actor_row(actor, rng)
        cited = rng.choice(statutes if rng.random() < 0.7 else sources) if rng.random() < 0.35 else None
        row |= _inline(cited, _locator(cited, rng) if cited else "")
        actor.row = row
        actor_rows.append(row)

    relationship_rows: list[Row] = []
    seen: set[tuple[str, str, str, datetime.date | None]] = set()
    index = _Index(chosen)

    def add(source: _Actor, type: str, target: _Actor) -> bool:
        if source is target or source.reference == target.reference:
            return False
        relationship_type = taxonomy.RELATIONSHIP_TYPE_BY_CODE[type]
        if source.family not in relationship_type.sources or target.family not in relationship_type.targets:
            return False
        start, end, ongoing = _period(rng)
        key = (source.reference, type, target.reference, _first_day(start))
        if key in seen:
            return False
        seen.add(key)
        legal = "" if type in INFORMAL_TYPES else LEGAL_BASES[type]
        row: Row = {
            "from": source.reference,
            "type": type,
            "to": target.reference,
            "legal_basis": legal.format(a=rng.randint(1, 150), y=rng.randint(2005, 2025))
            if legal and rng.random() < 0.5
            else "",
            "start": start,
            "end": end,
            "ongoing": "yes" if ongoing else "no",
            "strength": rng.choices(("strong", "moderate", "weak"), weights=(30, 50, 20))[0],
            "confidence": rng.choices(("high", "medium", "low"), weights=(35, 45, 20))[0],
            "notes": "Practice differs from the text: see the latest assessment." if rng.random() < 0.02 else "",
        }
        cited = rng.choice(sources) if rng.random() < 0.25 else None
        row |= _inline(cited, _locator(cited, rng) if cited else "")
        relationship_rows.append(row)
        return True

    # 1. The hierarchy: a parent commands or administers its units, and they report to it.
    by_reference = {actor.reference: actor for actor in chosen}
    structural: list[tuple[_Actor, str, _Actor]] = []
    for actor in chosen:
        parent = by_reference.get(actor.parent)
        if parent is None:
            continue
        if parent.family in (SEC, MAN) and actor.family == SEC:
            structural.append((parent, "commands", actor))
        elif parent.family in (MAN, JUS, SEC) and actor.family in STATE:
            structural.append((parent, "administers", actor))
        elif parent.family in (MAN, SUP):
            structural.append((parent, "funds", actor))
        else:
            structural.append((actor, "coordinates_with", parent))
        if parent.family in STATE and rng.random() < 0.6:
            structural.append((actor, "reports_to", parent))
    rng.shuffle(structural)
    for source, type, target in structural[: int(relationships * 0.45)]:
        add(source, type, target)

    # 2. Functional rules, drawn by weight until the count is reached.
    rule_sources = [index.sources(rule) for rule in RULES]
    usable = [number for number, found in enumerate(rule_sources) if found]
    weights = [RULES[number].weight for number in usable]
    attempts, limit = 0, max(1000, relationships * 40)
    while len(relationship_rows) < relationships:
        attempts += 1
        if attempts > limit or not usable:
            raise ValueError(
                f"could draw only {len(relationship_rows)} distinct relationships among {actors} actors; "
                "ask for fewer relationships or more actors"
            )
        number = rng.choices(usable, weights=weights)[0]
        rule = RULES[number]
        source = chosen[rng.choice(rule_sources[number])]
        targets = index.targets(number, rule, source.locality)
        if not targets:
            continue
        add(source, rule.type, chosen[rng.choice(targets)])

    # 3. A second source for a few actors and relationships, in the citations table.
    citation_rows: list[Row] = []
    if citations:
        for row in actor_rows:
            if rng.random() < 0.05:
                second = rng.choice(sources)
                if second.title == row["source_title"]:
                    continue
                citation_rows.append(_citation_row("actor", row, second, _locator(second, rng)))
        for row in relationship_rows:
            if rng.random() < 0.05:
                second = rng.choice(sources)
                if second.title == row["source_title"]:
                    continue
                citation_rows.append(_citation_row("relationship", row, second, _locator(second, rng)))
    else:
        for row in actor_rows + relationship_rows:
            row |= _inline(None)

    generated = GeneratedMap(country, seed, actor_rows, relationship_rows, citation_rows)
    check_map(generated)
    return generated


def _citation_row(record: str, row: Row, source: _Source, locator: str) -> Row:
    values = dict.fromkeys(CITATION_COLUMNS, "")
    values["record"] = record
    if record == "actor":
        values["actor"] = row["reference"]
    else:
        values |= {"from": row["from"], "type": row["type"], "to": row["to"], "start": row["start"]}
    values |= {
        "title": source.title,
        "author": source.author,
        "date": source.date,
        "url": source.url,
        "locator": locator,
    }
    return values


def check_map(generated: GeneratedMap) -> None:
    """Assert that the map passes the project's own rules (egide.actors.rules) and the import's identities."""
    country = generated.country
    family_of: dict[str, str] = {}
    parent_of: dict[str, str] = {}
    for row in generated.actors:
        problems = check_actor(
            ActorFacts(
                country=country,
                reference=row["reference"],
                kind=row["kind"],
                name_en=row["name_en"],
                name_fr=row["name_fr"],
                confidence=row["confidence"],
            )
        )
        assert not problems, (row["reference"], problems)
        assert row["reference"] not in family_of, f"duplicate reference {row['reference']}"
        family_of[row["reference"]] = taxonomy.KIND_BY_CODE[row["kind"]].family
        if row["parent"]:
            parent_of[row["reference"]] = row["parent"]
    for reference, parent in parent_of.items():
        assert parent in family_of, f"{reference}: unknown parent {parent}"
        seen, current = {reference}, parent
        while current:
            assert current not in seen, f"{reference}: parent loop"
            seen.add(current)
            current = parent_of.get(current, "")
    keys: set[tuple[str, str, str, datetime.date | None]] = set()
    for row in generated.relationships:
        start = FuzzyDate.parse(row["start"]) if row["start"] else None
        end = FuzzyDate.parse(row["end"]) if row["end"] else None
        facts = RelationshipFacts(
            type=row["type"],
            source_reference=row["from"],
            target_reference=row["to"],
            source_country=country,
            target_country=country,
            source_family=family_of[row["from"]],
            target_family=family_of[row["to"]],
            start=start,
            end=end,
            ongoing=row["ongoing"] == "yes",
            strength=row["strength"],
            confidence=row["confidence"],
        )
        assert not check_relationship(facts), (row, check_relationship(facts))
        assert not _end_before_start(row["start"], row["end"])
        key = (row["from"], row["type"], row["to"], start.first_day if start else None)
        assert key not in keys, f"duplicate relationship {key}"
        keys.add(key)
    for row in generated.citations:
        if row["record"] == "actor":
            assert row["actor"] in family_of
        else:
            start = FuzzyDate.parse(row["start"]) if row["start"] else None
            assert (row["from"], row["type"], row["to"], start.first_day if start else None) in keys


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--actors", type=int, default=DEFAULT_ACTORS, help="number of actors (default %(default)s)")
    parser.add_argument(
        "--relationships", type=int, default=DEFAULT_RELATIONSHIPS, help="number of relationships (default %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--country", default=DEFAULT_COUNTRY, help="ISO country code (default %(default)s)")
    parser.add_argument("--no-citations", action="store_true", help="no citations.csv and no inline sources")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="the ZIP to write (actors.csv, relationships.csv, citations.csv)",
    )
    args = parser.parse_args(argv)
    generated = generate_map(
        actors=args.actors,
        relationships=args.relationships,
        seed=args.seed,
        country=args.country.upper(),
        citations=not args.no_citations,
    )
    data = generated.to_zip(citations=not args.no_citations)
    args.output.write_bytes(data)
    summary = generated.summary()
    print(
        f"{args.output}: {len(generated.actors)} actors, {len(generated.relationships)} relationships, "
        f"{generated.citation_count()} citations of {len(generated.cited_sources())} sources "
        f"({len(data) / 2**20:.1f} MB)"
    )
    print("families:", ", ".join(f"{name} {count}" for name, count in sorted(summary["families"].items())))
    print("kinds used:", len(summary["kinds"]), "of", len(taxonomy.KINDS))
    print("types:", ", ".join(f"{name} {count}" for name, count in sorted(summary["types"].items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
