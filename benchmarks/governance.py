"""Measure the governance rules engine on generated graphs of 1,000, 10,000 and 100,000 actors.

The engine (`egide.governance.engine.run`) is pure: it reads an `egide.governance.graph.Graph` of `Node` and
`Edge` objects and returns findings. So this script builds those objects directly, with no database, from a
deterministic generator of plausible security-sector maps (a federal country: a national core and many states,
each with the structure of a country of its own — executive, ministries, forces with deep hierarchies,
parliament and committees, courts and prosecution, audit bodies, ombudsman, media and civil society,
intelligence, prisons, border bodies — then their districts and communes), with about five relationships per
actor of all ten types, and known governance gaps planted so that every rule has work to do and finds something.

For each size it reports the median time of `run(graph, as_of=...)` over several runs (after a warm-up), the time
of each rule, the number of findings, the peak memory of a run (tracemalloc) and the graph's own size, and the
time per relationship, whose ratio between sizes shows whether time grows faster than the graph. The figures go
to benchmarks/RESULTS.md between the markers `<!-- governance-benchmark:start -->` and
`<!-- governance-benchmark:end -->`; the other sections of that file are kept.

    .venv/bin/python benchmarks/governance.py                # 1,000, 10,000 and 100,000 actors
    .venv/bin/python benchmarks/governance.py --quick        # 500 and 2,000 actors, 3 runs, nothing written
    .venv/bin/python benchmarks/governance.py --profile /tmp/governance-profiles

Usable as a module::

    from governance import generate_graph
    graph = generate_graph(actors=10_000, seed=1)   # an egide.governance.graph.Graph
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import functools
import gc
import io
import itertools
import os
import pstats
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from common import (
    LEGAL_BASES,
    Draw,
    command_line,
    kinds,
    machine,
    made_up_word,
    mib,
    microseconds,
    ms,
    now_utc,
    sizes_asked,
    times,
    under_load,
    write_section,
)
from egide.core import taxonomy
from egide.core.fuzzy_dates import DAY, MONTH, YEAR, FuzzyDate
from egide.governance.engine import run
from egide.governance.findings import Finding
from egide.governance.graph import CHAIN_TYPES, REPORTING_TYPES, Edge, Graph, Node
from egide.governance.rules import RULES, Rule

START_MARKER = "<!-- governance-benchmark:start -->"
END_MARKER = "<!-- governance-benchmark:end -->"

DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_PER_ACTOR = 5.0
DEFAULT_SEED = 20_251_129
DEFAULT_AS_OF = datetime.date(2025, 6, 30)
TIME_AIM = 1.0  # seconds, at AIM_SIZE actors
AIM_SIZE = 10_000
LINEAR_TOLERANCE = 1.25  # time per relationship may grow by this factor between sizes and still count as linear
ACTORS_PER_STATE = 700
DISTRICTS_PER_STATE = 6
QUICK = {"sizes": (500, 2_000), "runs": 3, "warmup": 1}

SEC = taxonomy.SECURITY_PROVIDERS
JUS = taxonomy.JUSTICE
SUP = taxonomy.SUPERVISORY
MAN = taxonomy.MANAGEMENT
PUB = taxonomy.PUBLIC_INFORMATION
STATE_FAMILIES = taxonomy.STATE_BODIES
FAMILY_OF = {kind.code: kind.family for kind in taxonomy.KINDS}
TYPE_BY_CODE = taxonomy.RELATIONSHIP_TYPE_BY_CODE

Place = tuple[int, ...]  # () national, (state,), (state, district), (state, district, commune)


# ---------------------------------------------------------------------------------------------------- actors


@dataclass(frozen=True, slots=True)
class Unit:
    """A template for one actor of a place: its key, kind and name ({p} is the place, {n} a number).

    `parent` is the key of a unit of the same place or of a place above (the nearest one that has it). `plant`
    names a governance gap: the unit exists only in the states whose profile has it. `mandate` is the chance
    that the actor's mandate is on record.
    """

    key: str
    kind: str
    name: str
    parent: str = ""
    statutory: bool = True
    disputed: bool = False
    share: float = 1.0
    mandate: float = -1.0  # -1: the level's default
    plant: str = ""


# fmt: off
NATIONAL: tuple[Unit, ...] = (
    Unit("PR", "head_of_state", "Presidency of the Republic", mandate=1),
    Unit("GOV", "government", "Federal Government", mandate=1),
    Unit("CNS", "security_council", "National Security Council", "PR"),
    Unit("MOD", "ministry_of_defence", "Ministry of Defence", "GOV"),
    Unit("MOI", "ministry_of_interior", "Ministry of the Interior and Public Security", "GOV"),
    Unit("MOF", "ministry_of_finance", "Ministry of Finance", "GOV"),
    Unit("MTA", "other_ministry", "Ministry of Territorial Administration", "GOV"),
    Unit("MENV", "other_ministry", "Ministry of Environment and Forests", "GOV"),
    Unit("MCOM", "other_ministry", "Ministry of Communication", "GOV"),
    Unit("DGB", "budget_authority", "Directorate General of the Budget", "MOF"),
    Unit("TRES", "treasury", "Federal Treasury", "MOF"),
    Unit("CDC", "court_of_accounts", "Federal Court of Accounts", mandate=1),
    Unit("IGE", "inspectorate", "State General Inspectorate", "PR"),
    Unit("IGF", "inspectorate", "General Inspectorate of Finance", "MOF"),
    Unit("IGA", "inspectorate", "General Inspectorate of the Armed Forces", "MOD"),
    Unit("IGPN", "inspectorate", "General Inspectorate of the Police", "MOI"),
    Unit("HAC", "independent_authority", "High Authority for Communication"),
    Unit("ALC", "independent_authority", "National Anti-Corruption Authority"),
    Unit("CNCTR", "independent_authority", "Commission for the Control of Intelligence Techniques"),
    Unit("FAN", "armed_forces", "Federal Armed Forces", "MOD", mandate=1),
    Unit("EMG", "armed_forces", "General Staff of the Armed Forces", "FAN"),
    Unit("ARMY", "armed_forces", "Land Army", "EMG"),
    Unit("AIR", "armed_forces", "Air Force", "EMG"),
    Unit("NAVY", "armed_forces", "Navy", "EMG"),
    Unit("CG", "coast_guard", "Coast Guard", "NAVY"),
    Unit("DRM", "military_intelligence", "Directorate of Military Intelligence", "EMG", mandate=0),
    Unit("RES", "reserve", "Operational Reserve", "FAN"),
    Unit("PMIL", "prison_service", "Central Military Prison", "EMG"),  # a prison under the general staff
    Unit("GR", "presidential_guard", "Republican Guard", "PR"),
    Unit("GN", "gendarmerie", "National Gendarmerie", "MOD", mandate=1),
    Unit("GNC", "gendarmerie", "Gendarmerie Operational Command", "GN"),
    Unit("PN", "police", "Federal Police", "MOI", mandate=1),
    Unit("DGSP", "police", "Directorate General of Public Security", "PN"),
    Unit("DPJ", "police", "Directorate of Judicial Police", "PN"),
    Unit("GIS", "police", "Special Intervention Group", plant="outside-chain"),  # no parent, nobody above
    Unit("PAF", "border_guard", "Border Police", "PN"),
    Unit("ANR", "civilian_intelligence", "National Intelligence Agency", "PR", mandate=1),
    Unit("DGD", "customs", "Directorate General of Customs", "MOF"),
    Unit("DGPC", "civil_defence", "Directorate General of Civil Protection", "MOI"),
    Unit("EF", "paramilitary", "Forest Rangers Corps", "MENV"),
    Unit("CAD", "paramilitary", "National Coordination of Self-Defence Committees", statutory=False,
         disputed=True),
    Unit("MOJ", "ministry_of_justice", "Ministry of Justice and Human Rights", "GOV"),
    Unit("CC", "court", "Constitutional Court", mandate=1),
    Unit("CS", "court", "Supreme Court", mandate=1),
    Unit("TMP", "military_court", "Permanent Military Tribunal", "MOJ"),
    Unit("PG", "prosecution", "Prosecutor General", "MOJ"),
    Unit("CSM", "judicial_council", "Higher Council of the Judiciary"),
    Unit("BAR", "bar_association", "National Bar Association"),
    Unit("DGAP", "prison_service", "Directorate General of Prison Administration", "MOJ"),
    Unit("MED", "ombudsman", "Ombudsman of the Republic", mandate=1),
    Unit("CNDH", "human_rights_commission", "National Human Rights Commission", mandate=1),
    Unit("CVR", "reconciliation_council", "Truth and Reconciliation Commission"),
    Unit("CNCT", "customary_justice", "National Council of Traditional Chiefs"),
    Unit("AN", "parliament", "National Assembly", mandate=1),
    Unit("SEN", "parliament", "Senate", mandate=1),
    Unit("AN-DEF", "defence_committee", "Defence and Security Committee of the National Assembly", "AN"),
    Unit("AN-FIN", "finance_committee", "Finance and Budget Committee of the National Assembly", "AN"),
    Unit("AN-LAW", "parliamentary_committee", "Law Committee of the National Assembly", "AN"),
    Unit("AN-INT", "parliamentary_committee", "Intelligence Committee of the National Assembly", "AN"),
    Unit("AN-INQ", "investigation_committee", "Committee of Inquiry into Defence Procurement", "AN"),
    Unit("SEN-DEF", "defence_committee", "Defence Committee of the Senate", "SEN"),
    Unit("SEN-FIN", "finance_committee", "Finance Committee of the Senate", "SEN"),
    Unit("RTN", "media", "National Radio and Television", "MCOM"),
    Unit("AGP", "media", "National Press Agency", "MCOM"),
    Unit("OBS", "media", "The Observer (daily)", statutory=False),
    Unit("ECHO", "media", "The Capital Echo (weekly)", statutory=False),
    Unit("LDH", "civil_society", "National Human Rights League", statutory=False),
    Unit("OSS", "civil_society", "Security Sector Observatory", statutory=False),
    Unit("TI", "civil_society", "Budget Transparency Coalition", statutory=False),
    Unit("UNIV", "research_institute", "National University"),
    Unit("CESS", "research_institute", "Centre for Strategic and Security Studies", "UNIV"),
)

STATE: tuple[Unit, ...] = (
    Unit("GOVS", "government", "Government of {p} State", mandate=1),
    Unit("SINT", "ministry_of_interior", "{p} State Department of Home Affairs", "GOVS"),
    Unit("SJUS", "ministry_of_justice", "{p} State Department of Justice", "GOVS"),
    Unit("SFIN", "ministry_of_finance", "{p} State Department of Finance", "GOVS"),
    Unit("STRES", "treasury", "{p} State Treasury", "SFIN"),
    Unit("SAUD", "court_of_accounts", "{p} State Audit Office"),
    Unit("SINS", "inspectorate", "{p} Inspectorate of Security Services", "IGPN", share=0.6),
    Unit("SASM", "parliament", "{p} State Assembly", mandate=1),
    Unit("SSEC", "defence_committee", "Security Committee of the {p} State Assembly", "SASM"),
    Unit("SFC", "finance_committee", "Finance Committee of the {p} State Assembly", "SASM"),
    Unit("SHR", "parliamentary_committee", "Human Rights Committee of the {p} State Assembly", "SASM", share=0.6),
    Unit("SPOL", "police", "{p} State Police Command", "DGSP"),
    Unit("SCID", "police", "{p} Criminal Investigation Department", "SPOL"),
    Unit("SLEG", "gendarmerie", "Gendarmerie Legion of {p}", "GNC"),
    Unit("SDIV", "armed_forces", "{n}th Division ({p})", "ARMY"),
    Unit("SBDE", "armed_forces", "{n}th Infantry Brigade ({p})", "SDIV"),
    Unit("SANR", "civilian_intelligence", "State Intelligence Branch, {p}", "ANR", mandate=0.3),
    Unit("SDRM", "military_intelligence", "Divisional Intelligence Office, {p}", "DRM", share=0.5, mandate=0.2),
    Unit("SPAF", "border_guard", "Border Police Directorate, {p}", "PAF", share=0.5),
    Unit("SDRD", "customs", "Regional Customs Directorate, {p}", "DGD"),
    Unit("SPC", "civil_defence", "{p} Civil Protection Service", "DGPC"),
    Unit("SACS", "paramilitary", "{p} State Anti-Crime Squad", "SINT", share=0.4),
    Unit("SCA", "court", "Court of Appeal of {p}", "CS"),
    Unit("SHC", "court", "High Court of {p}", "SCA"),
    Unit("SPG", "prosecution", "State Prosecutor of {p}", "PG"),
    Unit("STM", "military_court", "Military Tribunal of {p}", "TMP", share=0.6),
    Unit("SPRI", "prison_service", "{p} State Prison Directorate", "DGAP"),
    Unit("SMC", "prison_service", "Central Prison of {p}", "SPRI"),
    Unit("SMED", "ombudsman", "Delegate of the Ombudsman in {p}", "MED"),
    Unit("SHRC", "human_rights_commission", "{p} Office of the Human Rights Commission", "CNDH", share=0.7),
    Unit("SCCT", "customary_justice", "Council of Traditional Chiefs of {p}", "CNCT"),
    Unit("SREC", "reconciliation_council", "{p} Reconciliation Council", "CVR", share=0.3),
    Unit("SBAR", "bar_association", "{p} Bar", "BAR", share=0.5),
    Unit("STV", "media", "{p} State Television", "RTN"),
    Unit("SNEWS", "media", "The {p} Herald", statutory=False),
    Unit("SCSO", "civil_society", "{p} Civil Society Platform", statutory=False),
    Unit("SHRN", "civil_society", "{p} Human Rights Network", statutory=False),
    Unit("SUNI", "research_institute", "University of {p}", share=0.6),
    Unit("SCAD", "paramilitary", "{p} Self-Defence Committees", "CAD", statutory=False, disputed=True, share=0.6),
    Unit("JOC", "armed_forces", "Joint Operations Command, {p}", plant="joint-command"),  # answers to nobody
    Unit("MTC", "security_council", "{p} Military Transition Committee", statutory=False, disputed=True,
         plant="junta"),
)

DISTRICT: tuple[Unit, ...] = (
    Unit("DPRE", "ministry_of_interior", "Prefecture of {p}", "SINT"),
    Unit("DCP", "police", "Central Police Commissariat of {p}", "SPOL"),
    Unit("DCIE", "gendarmerie", "Gendarmerie Company of {p}", "SLEG"),
    Unit("DBN", "armed_forces", "{n}th Battalion ({p})", "SBDE", share=0.6),
    Unit("DTGI", "court", "Magistrates’ Court of {p}", "SHC"),
    Unit("DPROC", "prosecution", "Public Prosecutor at {p}", "SPG"),
    Unit("DMA", "prison_service", "Prison of {p}", "SPRI"),
    Unit("DBD", "customs", "Customs Office of {p}", "SDRD", share=0.7),
    Unit("DPF", "border_guard", "Border Police Station of {p}", "SPAF", share=0.4),
    Unit("DCS", "civil_defence", "Fire and Rescue Centre of {p}", "SPC"),
    Unit("DPERC", "treasury", "Treasury Office of {p}", "STRES"),
    Unit("DCMUN", "parliament", "District Council of {p}"),
    Unit("DCMS", "parliamentary_committee", "Public Safety Committee of the District Council of {p}", "DCMUN",
         share=0.5),
    Unit("DMP", "police", "Municipal Police of {p}", share=0.25),  # answers only to the council: no chain
    Unit("DANR", "civilian_intelligence", "Intelligence Post of {p}", "SANR", share=0.3, mandate=0.1),
    Unit("DRC", "media", "Community Radio of {p}", statutory=False),
    Unit("DADH", "civil_society", "{p} Human Rights Association", statutory=False),
    Unit("DTC", "customary_justice", "Customary Court of {p}", "SCCT"),
)

COMMUNE: tuple[Unit, ...] = (
    Unit("CPA", "ministry_of_interior", "Administrative Post of {p}", "DPRE"),
    Unit("CPP", "police", "Police Station of {p}", "DCP"),
    Unit("CBG", "gendarmerie", "Gendarmerie Brigade of {p}", "DCIE"),
    Unit("CCO", "armed_forces", "Company Post at {p}", "DBN", share=0.3),
    Unit("CTP", "court", "Peace Court of {p}", "DTGI", share=0.6),
    Unit("CPF", "border_guard", "Border Post of {p}", "DPF", share=0.3),
    Unit("CDP", "customs", "Customs Post of {p}", "DBD", share=0.2),
    Unit("CCOM", "parliament", "Communal Council of {p}", share=0.5),
    Unit("CHEF", "customary_justice", "Chieftaincy of {p}", "DTC"),
    Unit("CAF", "civil_society", "Women’s Association of {p}", statutory=False, share=0.6),
    Unit("CYC", "civil_society", "Youth Committee of {p}", statutory=False, share=0.4),
    Unit("CRL", "media", "Local Radio of {p}", statutory=False, share=0.3),
    Unit("CSD", "paramilitary", "Self-Defence Group of {p}", "SCAD", statutory=False, disputed=True, share=0.15),
)
# fmt: on

LEVEL_MANDATE = {0: 0.9, 1: 0.75, 2: 0.6, 3: 0.5}  # the chance that a statutory actor's mandate is on record

# The governance gaps planted in some states, by the state's number: (period, offset). State 0 and state 1 get
# some of them, so that even the smallest graph (two states) has findings for every rule.
PLANTS: dict[str, tuple[int, int]] = {
    "disputed-governor": (20, 0),  # a governor whose legitimacy is disputed administers the state police
    "junta": (25, 3),  # a non-statutory military committee commands the division
    "joint-command": (5, 1),  # a joint operations command answering to nobody
    "military-prison": (10, 0),  # the division administers the central prison
    "commands-prosecution": (12, 1),  # the state government commands the state prosecutor
    "commands-ombudsman": (12, 1),  # ... and the ombudsman's delegate
    "military-court-civilians": (4, 1),  # the military tribunal tries journalists and activists
}


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            word = made_up_word(self.rng)
            if word not in self.used:
                self.used.add(word)
                return word


@dataclass(slots=True)
class _Actor:
    id: int
    unit: Unit
    place: Place
    parent: int | None


# --------------------------------------------------------------------------------------------- relationships


FORCES = kinds("police", "gendarmerie", "armed_forces", "border_guard", "customs", "civil_defence", "coast_guard")
POLICING = kinds("police", "gendarmerie", "border_guard")
MINISTRY_KINDS = kinds("government", "ministry_of_defence", "ministry_of_interior", "other_ministry")
COMMITTEES = kinds("parliament", "defence_committee", "parliamentary_committee", "investigation_committee")
PRESS = kinds("media", "civil_society", "research_institute")
RIGHTS = kinds("ombudsman", "human_rights_commission")
# What the ombudsman and the human-rights commission look at: justice and prisons, never the forces (a gap).
RIGHTS_TARGETS = kinds("prison_service", "ministry_of_justice", "court")
# What media and civil society scrutinise: never the forces or the bodies the public-scrutiny rule watches (a gap).
PRESS_TARGETS = kinds(
    "court",
    "parliament",
    "government",
    "treasury",
    "court_of_accounts",
    "ministry_of_finance",
    "other_ministry",
    "ministry_of_justice",
    "budget_authority",
    "finance_committee",
)
STATE_KINDS = kinds(SEC, JUS, SUP, MAN)
# What governments and ministries administer besides their own units: never the presidency (whose guard and
# intelligence agency stay outside the ministries' chain) nor the forces, whose chain is the hierarchy.
ADMINISTERED = kinds(MAN) - {"head_of_state", "security_council", "court_of_accounts", "independent_authority"}
# The public-scrutiny rule's default watched kinds, besides the security family.
RULES_WATCHED = frozenset(("ministry_of_defence", "ministry_of_interior", "security_council", "prison_service"))

DRAWS: tuple[Draw, ...] = (
    Draw("commands", kinds("head_of_state", "ministry_of_defence"), kinds("armed_forces"), "within", 0.5),
    Draw("commands", kinds("ministry_of_interior"), kinds("police", "gendarmerie", "civil_defence"), "within", 2),
    Draw("commands", kinds("armed_forces"), kinds("armed_forces"), "within", 1),
    Draw("commands", kinds("police", "gendarmerie"), kinds("police", "gendarmerie"), "within", 1),
    Draw("administers", kinds("ministry_of_justice"), kinds("prison_service", "court", "prosecution"), "within", 1),
    Draw(
        "administers",
        kinds("ministry_of_interior"),
        kinds("police", "civil_defence", "customary_justice"),
        "within",
        1.5,
    ),
    Draw("administers", kinds("government", "other_ministry"), ADMINISTERED, "within", 0.5),
    Draw("administers", kinds("ministry_of_finance", "treasury"), kinds("customs", "treasury"), "within", 0.5),
    Draw("oversees", COMMITTEES, FORCES | MINISTRY_KINDS, "within", 3),
    Draw("oversees", kinds("prosecution"), POLICING, "within", 3),
    Draw("oversees", kinds("inspectorate", "security_council"), FORCES, "within", 1.5),
    Draw("oversees", RIGHTS, RIGHTS_TARGETS, "within", 0.8),
    Draw("oversees", kinds("judicial_council"), kinds("court", "prosecution"), "within", 0.3),
    Draw(
        "audits",
        kinds("court_of_accounts", "inspectorate", "budget_authority", "finance_committee"),
        STATE_KINDS,
        "within",
        3,
    ),
    Draw("funds", kinds("ministry_of_finance", "treasury", "budget_authority"), STATE_KINDS | PRESS, "within", 3),
    Draw("funds", kinds("parliament", "finance_committee"), kinds(MAN, JUS) | FORCES, "within", 1.5),
    Draw(
        "adjudicates",
        kinds("court", "customary_justice"),
        FORCES | kinds(MAN, PUB, "paramilitary", "prison_service"),
        "within",
        3,
    ),
    Draw("adjudicates", kinds("military_court"), kinds("armed_forces", "gendarmerie"), "within", 1),
    Draw(
        "appoints",
        kinds("head_of_state", "government", "ministry_of_defence", "ministry_of_interior"),
        STATE_KINDS,
        "within",
        1.5,
    ),
    Draw("appoints", kinds("judicial_council"), kinds("court", "prosecution", "military_court"), "within", 0.5),
    # "A reports to B" puts B above A in the chain: forces report to the administration, justice bodies to the
    # ministry of justice (never a force to a justice body, or the ombudsman's reach would cover the forces).
    Draw("reports_to", FORCES, kinds("ministry_of_interior", "government"), "up", 2),
    Draw("reports_to", kinds(JUS), kinds("ministry_of_justice"), "up", 1),
    Draw("reports_to", kinds(MAN) - {"head_of_state"}, kinds("government", "other_ministry"), "up", 1),
    Draw("scrutinises", PRESS, PRESS_TARGETS, "within", 3),
    Draw("scrutinises", COMMITTEES, FORCES | MINISTRY_KINDS, "within", 1.5),
    Draw("scrutinises", RIGHTS, RIGHTS_TARGETS, "within", 1),
    Draw("scrutinises", kinds("independent_authority"), kinds("media"), "within", 0.3),
    Draw(
        "coordinates_with",
        FORCES | kinds("civilian_intelligence"),
        (FORCES | kinds("civilian_intelligence")) - {"customs", "border_guard"},
        "near",
        3,
    ),
    Draw(
        "coordinates_with",
        kinds("border_guard"),
        kinds("police", "gendarmerie", "armed_forces", "border_guard"),
        "near",
        1,
    ),
    Draw("coordinates_with", kinds("customs"), kinds("police", "gendarmerie", "treasury", "customs"), "near", 1),
    Draw("coordinates_with", kinds("police", "gendarmerie"), kinds("paramilitary"), "same", 0.6),
    Draw("coordinates_with", PRESS, PRESS | kinds("customary_justice"), "same", 1.5),
)

# The relationships every country has between its main bodies, at each level: (from, type, to...) by unit key,
# each end in the place itself or the nearest place above that has it.
CORE_EDGES: dict[int, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    0: (
        ("AN", "funds", ("MOD", "MOI", "MOJ", "MOF", "MTA", "MENV", "MCOM", "MED", "CNDH", "CS", "CC")),
        ("CDC", "audits", ("MOD", "MOI", "MOJ", "MOF", "MTA", "MENV", "MCOM", "MED", "CNDH", "CS", "CC")),
        ("AN-DEF", "oversees", ("MOD", "MOI")),
        ("SEN-DEF", "oversees", ("MOD",)),
        ("AN-LAW", "oversees", ("MOJ",)),
        ("IGA", "oversees", ("FAN",)),
        ("IGPN", "oversees", ("PN",)),
        ("PG", "oversees", ("DPJ", "GNC")),
        ("TMP", "adjudicates", ("FAN", "GN")),
        ("CS", "adjudicates", ("MOI", "MOD", "MOF")),
        ("MED", "scrutinises", ("MOJ", "DGAP")),
        ("CNDH", "oversees", ("DGAP",)),
        ("OBS", "scrutinises", ("AN", "GOV", "CS")),
        ("PAF", "coordinates_with", ("GNC",)),
        ("DGD", "coordinates_with", ("PN",)),
    ),
    1: (
        ("SASM", "funds", ("SINT", "SJUS", "SFIN")),
        ("SAUD", "audits", ("SINT", "SJUS", "SFIN", "SPOL")),
        ("SSEC", "oversees", ("SINT", "SPOL", "SLEG")),
        ("SPG", "oversees", ("SPOL", "SLEG", "SCID")),
        ("STM", "adjudicates", ("SDIV", "SLEG")),
        ("SHC", "adjudicates", ("SINT",)),
        ("SMED", "scrutinises", ("SJUS", "SPRI")),
        ("SNEWS", "scrutinises", ("SASM", "GOVS", "SCA")),
    ),
    2: (
        ("DPROC", "oversees", ("DCP", "DCIE")),
        ("DCMUN", "oversees", ("DPRE",)),
        ("DTGI", "adjudicates", ("DPRE",)),
    ),
}

NEEDS_LEGAL_BASIS = frozenset(("commands", "administers", "oversees", "audits", "funds", "adjudicates", "appoints"))
CONFIDENCES = ("high", "medium", "low")
CONFIDENCE_WEIGHTS = (45, 40, 15)


def _allowed(type_code: str, source_kind: str, target_kind: str) -> bool:
    kind = TYPE_BY_CODE[type_code]
    return FAMILY_OF[source_kind] in kind.sources and FAMILY_OF[target_kind] in kind.targets


class _Builder:
    """Actors and relationships of one generated graph, drawn from one random generator."""

    def __init__(self, actors: int, per_actor: float, seed: int, today: datetime.date) -> None:
        self.rng = random.Random(seed)
        self.actors_wanted = actors
        self.edges_wanted = round(actors * per_actor)
        self.today = today
        self.actors: list[_Actor] = []
        self.names: dict[int, str] = {}
        self.references: dict[int, str] = {}
        self.states = max(2, round(actors / ACTORS_PER_STATE))
        self.plants: dict[int, set[str]] = {
            state: {name for name, (period, offset) in PLANTS.items() if state % period == offset}
            for state in range(self.states)
        }
        self.at: dict[Place, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.below: dict[Place, list[Place]] = defaultdict(list)
        self.by_key: dict[tuple[Place, str], int] = {}
        self.no_chain_in: set[int] = set()  # actors that nothing may command or administer (planted gaps)
        self.edges: list[Edge] = []
        self.seen: set[tuple[int, str, int]] = set()

    # actors

    def _add(self, unit: Unit, place: Place, name: str, number: int) -> bool:
        if len(self.actors) >= self.actors_wanted:
            return False
        if unit.plant and unit.plant != "outside-chain" and unit.plant not in self.plants.get(place[0], ()):
            return True
        if unit.share < 1 and self.rng.random() >= unit.share:
            return True
        parent = self._nearest(place, unit.parent) if unit.parent else None
        if unit.parent and parent is None:  # a company post in a district without a battalion
            return True
        actor = _Actor(len(self.actors) + 1, unit, place, parent)
        self.actors.append(actor)
        self.by_key[(place, unit.key)] = actor.id
        self.at[place][unit.kind].append(actor.id)
        self.names[actor.id] = unit.name.format(p=name, n=number)
        self.references[actor.id] = "-".join((unit.key, *(str(part + 1) for part in place)))
        if unit.plant or unit.key in ("DMP", "PR"):  # nothing above them, and the presidency answers to nobody
            self.no_chain_in.add(actor.id)
        return True

    def build_actors(self) -> None:
        place_name = _Names(self.rng)
        for unit in NATIONAL:
            self._add(unit, (), "", 0)
        for state in range(self.states):
            state_place: Place = (state,)
            self.below[()].append(state_place)
            name = place_name()
            for unit in STATE:
                self._add(unit, state_place, name, state + 1)
        districts: list[Place] = []
        for state in range(self.states):
            for district in range(DISTRICTS_PER_STATE):
                district_place: Place = (state, district)
                self.below[(state,)].append(district_place)
                districts.append(district_place)
                name = place_name()
                for unit in DISTRICT:
                    self._add(unit, district_place, name, state * DISTRICTS_PER_STATE + district + 1)
        commune = 0
        while len(self.actors) < self.actors_wanted:
            for district_place in districts:
                commune_place: Place = (*district_place, commune)
                self.below[district_place].append(commune_place)
                name = place_name()
                for unit in COMMUNE:
                    if not self._add(unit, commune_place, name, commune + 1):
                        return
            commune += 1

    # relationships

    def _date(self, earliest: int = 1975) -> FuzzyDate:
        year = min(2025, int(self.rng.triangular(earliest, 2025, max(earliest, 2016))))
        precision = self.rng.choices((YEAR, MONTH, DAY), weights=(45, 25, 30))[0]
        month = self.rng.randint(1, 12) if precision != YEAR else 1
        day = self.rng.randint(1, 28) if precision == DAY else 1
        return FuzzyDate(datetime.date(year, month, day), precision)

    def _dates(self) -> tuple[FuzzyDate | None, FuzzyDate | None, bool]:
        """About 15% undated, 12% ended (some without a known end), 1.5% starting after the measured date."""
        roll = self.rng.random()
        if roll < 0.015:
            first = self.today + datetime.timedelta(days=self.rng.randint(1, 300))
            return FuzzyDate(first.replace(day=1), MONTH), None, True
        start = None if roll < 0.165 else self._date()
        if self.rng.random() < 0.12:
            if self.rng.random() < 0.15:
                return start, None, False  # ended, date unknown
            earliest = start.last_day.year + 1 if start else 1990
            if earliest <= 2024:
                return start, self._date(earliest=earliest), False
        return start, None, True

    def add_edge(
        self,
        source: int,
        type_code: str,
        target: int,
        *,
        dated: bool = True,
        legal_basis: bool | None = None,
        end: FuzzyDate | None = None,
    ) -> bool:
        if source == target or (source, type_code, target) in self.seen:
            return False
        if (type_code in CHAIN_TYPES and target in self.no_chain_in) or (
            type_code in REPORTING_TYPES and source in self.no_chain_in
        ):
            return False
        source_kind, target_kind = self.actors[source - 1].unit.kind, self.actors[target - 1].unit.kind
        if not _allowed(type_code, source_kind, target_kind):
            raise AssertionError(f"{type_code} from {source_kind} to {target_kind} breaks the taxonomy")
        self.seen.add((source, type_code, target))
        rng = self.rng
        start, finish, ongoing = self._dates() if dated else (None, None, True)
        if end is not None:
            start, finish, ongoing = FuzzyDate(datetime.date(2009, 1, 1), YEAR), end, False
        if legal_basis is None:
            legal_basis = rng.random() < (0.9 if type_code in NEEDS_LEGAL_BASIS else 0.4)
        basis = ""
        if legal_basis:
            basis = LEGAL_BASES[type_code].format(a=rng.randint(1, 180), y=rng.randint(1998, 2025))
        elif rng.random() < 0.05:
            basis = "  "  # a blank left by a spreadsheet
        self.edges.append(
            Edge(
                id=len(self.edges) + 1,
                source=source,
                target=target,
                type=type_code,
                legal_basis=basis,
                start=start,
                end=finish,
                ongoing=ongoing,
                confidence=rng.choices(CONFIDENCES, weights=CONFIDENCE_WEIGHTS)[0],
                sources=(f"Report {rng.randint(1, 400)}",) if rng.random() < 0.25 else (),
            )
        )
        return True

    def _key(self, place: Place, key: str) -> int | None:
        return self.by_key.get((place, key))

    def _nearest(self, place: Place, key: str) -> int | None:
        for depth in range(len(place), -1, -1):
            found = self.by_key.get((place[:depth], key))
            if found is not None:
                return found
        return None

    def _core_edges(self) -> None:
        places: list[Place] = [(), *self.below[()]]
        places += [district for state in self.below[()] for district in self.below[state]]
        for place in places:
            for source_key, type_code, target_keys in CORE_EDGES[len(place)]:
                source = self._nearest(place, source_key)
                for target_key in target_keys:
                    target = self._nearest(place, target_key)
                    if source is not None and target is not None:
                        self.add_edge(source, type_code, target, dated=bool(place), legal_basis=True)

    def _planted_edges(self) -> None:
        national = {unit.key: self.by_key[((), unit.key)] for unit in NATIONAL if ((), unit.key) in self.by_key}
        add = self.add_edge
        if {"MOD", "TMP", "OBS", "PR", "CNDH", "CNCTR", "ANR", "AN-INT"} <= national.keys():
            add(national["MOD"], "commands", national["TMP"], dated=False)  # judicial independence
            add(national["TMP"], "adjudicates", national["OBS"], dated=False)  # a military court tries journalists
            add(national["PR"], "commands", national["CNDH"], dated=False)  # oversight independence
            add(national["CNCTR"], "oversees", national["ANR"], dated=False, legal_basis=True)
            add(national["AN-INT"], "oversees", national["ANR"], dated=False, legal_basis=True)
        if {"GNC", "CAD"} <= national.keys():
            add(national["GNC"], "coordinates_with", national["CAD"], dated=False)  # works with the militias
        for state in range(self.states):
            place, plants = (state,), self.plants[state]

            def key(name: str, place: Place = place) -> int | None:
                return self._key(place, name)

            governor, police, legion, division = key("GOVS"), key("SPOL"), key("SLEG"), key("SDIV")
            if governor is None:
                continue
            for office in ("SINT", "SJUS", "SFIN"):
                if (target := key(office)) is not None:
                    add(governor, "administers", target)
            if "disputed-governor" in plants and police is not None and legion is not None:
                add(governor, "administers", police, dated=False)
                add(governor, "commands", legion, dated=False)
            if "junta" in plants and (junta := key("MTC")) is not None and division is not None:
                add(junta, "commands", division, dated=False)
            if "military-prison" in plants and division is not None and (prison := key("SMC")) is not None:
                add(division, "administers", prison, dated=False)
            if (prison := key("SMC")) is not None and division is not None and state % 20 == 5:
                add(division, "administers", prison, end=FuzzyDate(datetime.date(2016, 1, 1), YEAR))  # ended
            if "commands-prosecution" in plants and (prosecutor := key("SPG")) is not None:
                add(governor, "commands", prosecutor, dated=False)
            if "commands-ombudsman" in plants and (delegate := key("SMED")) is not None:
                add(governor, "commands", delegate, dated=False)
            if "military-court-civilians" in plants and (tribunal := key("STM")) is not None:
                for accused in ("SNEWS", "SHRN"):
                    if (target := key(accused)) is not None:
                        add(tribunal, "adjudicates", target)
            branch, committee = key("SANR"), key("SSEC")
            if branch is not None and committee is not None and self.rng.random() < 0.3:
                add(committee, "oversees", branch)
            justice = key("SJUS")
            for prison_place in [place, *self.below[place]]:
                for prison in self.at[prison_place].get("prison_service", ()):
                    if justice is not None and self.rng.random() < 0.85:
                        add(justice, "administers", prison)
        for actor in self.actors:  # local self-defence groups work with the police, some under an army unit
            if actor.unit.key != "CSD":
                continue
            for police_station in self.at[actor.place].get("police", ()):
                if self.rng.random() < 0.5:
                    add(police_station, "coordinates_with", actor.id)
            for army in self.at[actor.place[:2]].get("armed_forces", ()):
                if self.rng.random() < 0.1:
                    add(army, "commands", actor.id)

    def _structural_edges(self) -> None:
        """Parents command or administer some of their units, and units report to their parents."""
        rng = self.rng
        for actor in self.actors:
            if actor.parent is None or len(self.edges) >= self.edges_wanted:
                continue
            parent_kind, kind = self.actors[actor.parent - 1].unit.kind, actor.unit.kind
            if _allowed("commands", parent_kind, kind) and FAMILY_OF[kind] == SEC:
                chain = "commands" if rng.random() < 0.6 else None
            elif _allowed("administers", parent_kind, kind):
                chain = "administers" if rng.random() < 0.5 else None
            else:
                chain = None
            if chain:
                self.add_edge(actor.parent, chain, actor.id)
            if FAMILY_OF[parent_kind] in STATE_FAMILIES and rng.random() < 0.35:
                self.add_edge(actor.id, "reports_to", actor.parent)

    def _pick_place(self, place: Place, scope: str) -> Place:
        rng = self.rng
        roll = rng.random()
        below = self.below.get(place)
        if scope == "same":
            return place
        if scope == "within":
            return rng.choice(below) if below and roll < 0.6 else place
        if scope == "up":
            if roll < 0.3 or not place:
                return place
            return place[:-1] if roll < 0.8 or len(place) < 2 else place[:-2]
        if roll < 0.6:
            return place
        if roll < 0.8 and place:
            return place[:-1]
        return rng.choice(below) if below else place

    def _functional_edges(self) -> None:
        rng = self.rng
        sources = [[actor.id for actor in self.actors if actor.unit.kind in draw.sources] for draw in DRAWS]
        usable = [index for index, found in enumerate(sources) if found]
        cumulative = list(itertools.accumulate(DRAWS[index].weight for index in usable))
        # Nothing drawn at random points at the presidency: what it holds (guard, intelligence) answers to it alone,
        # at every size, instead of depending on a few random edges of the national core.
        presidency = self.by_key.get(((), "PR"))
        misses = 0
        while len(self.edges) < self.edges_wanted:
            if misses > 10 * self.edges_wanted:
                raise RuntimeError(f"could not draw {self.edges_wanted} relationships, stopped at {len(self.edges)}")
            index = rng.choices(usable, cum_weights=cumulative)[0]
            draw = DRAWS[index]
            source = rng.choice(sources[index])
            place = self._pick_place(self.actors[source - 1].place, draw.scope)
            present = self.at.get(place)
            candidates = sorted(kind for kind in draw.targets if present.get(kind)) if present else []
            if not present or not candidates:
                misses += 1
                continue
            target = rng.choice(present[rng.choice(candidates)])
            if target == presidency or not self.add_edge(source, draw.type, target):
                misses += 1

    def build(self) -> tuple[list[Node], list[Edge]]:
        self.build_actors()
        self._core_edges()
        self._planted_edges()
        self._structural_edges()
        self._functional_edges()
        rng = self.rng
        nodes = []
        for actor in self.actors:
            unit = actor.unit
            chance = unit.mandate if unit.mandate >= 0 else LEVEL_MANDATE[len(actor.place)]
            nodes.append(
                Node(
                    id=actor.id,
                    reference=self.references[actor.id],
                    name=self.names[actor.id],
                    family=FAMILY_OF[unit.kind],
                    kind=unit.kind,
                    statutory=unit.statutory,
                    legitimacy_disputed=unit.disputed
                    or (unit.key == "GOVS" and "disputed-governor" in self.plants[actor.place[0]]),
                    has_mandate=unit.statutory and rng.random() < chance,
                    parent=actor.parent,
                    confidence=rng.choices(CONFIDENCES, weights=CONFIDENCE_WEIGHTS)[0],
                    sources=(f"Decree {rng.randint(1998, 2025)}-{rng.randint(1, 450)}",) if rng.random() < 0.3 else (),
                )
            )
        return nodes, self.edges


def generate(
    actors: int, *, per_actor: float = DEFAULT_PER_ACTOR, seed: int = DEFAULT_SEED, today: datetime.date = DEFAULT_AS_OF
) -> tuple[list[Node], list[Edge]]:
    """The actors and relationships of a generated graph: exactly `actors` nodes and round(actors × per_actor)
    edges, the same for the same arguments. `today` is the date the map is as of (a few relationships start
    after it)."""
    nodes, edges = _Builder(actors, per_actor, seed, today).build()
    _check(nodes, edges)
    return nodes, edges


def generate_graph(
    actors: int, *, per_actor: float = DEFAULT_PER_ACTOR, seed: int = DEFAULT_SEED, today: datetime.date = DEFAULT_AS_OF
) -> Graph:
    return Graph.build(*generate(actors, per_actor=per_actor, seed=seed, today=today))


def _check(nodes: list[Node], edges: list[Edge]) -> None:
    """The generator's own promises: the taxonomy's families, no self-loop, one edge per (from, type, to), no end
    before the start nor on an ongoing relationship, parents listed before their children, and the gaps that the
    country-wide rules must find."""
    by_id = {node.id: node for node in nodes}
    for node in nodes:
        assert node.parent is None or node.parent < node.id, node
    seen = set()
    for edge in edges:
        source, target = by_id[edge.source], by_id[edge.target]
        assert edge.source != edge.target, edge
        assert _allowed(edge.type, source.kind, target.kind), edge
        assert (edge.source, edge.type, edge.target) not in seen, edge
        seen.add((edge.source, edge.type, edge.target))
        assert not (edge.ongoing and edge.end), edge
        assert not (edge.start and edge.end and edge.end.last_day < edge.start.first_day), edge
        if edge.type == "scrutinises" and source.family == PUB:
            assert target.family != SEC, edge
            assert target.kind not in RULES_WATCHED, edge
        if edge.type == "coordinates_with":
            assert {source.kind, target.kind} != {"border_guard", "customs"}, edge
        if edge.type in REPORTING_TYPES and source.family == SEC:
            assert target.family != JUS, edge
        if source.kind in RIGHTS and edge.type in ("oversees", "scrutinises", "adjudicates"):
            assert target.kind in RIGHTS_TARGETS, edge


def describe(nodes: list[Node], edges: list[Edge], as_of: datetime.date) -> dict[str, object]:
    by_id = {node.id: node for node in nodes}
    depth: dict[int, int] = {}
    for node in nodes:  # parents come first
        depth[node.id] = depth[node.parent] + 1 if node.parent is not None else 1
    needing = [edge for edge in edges if edge.type in NEEDS_LEGAL_BASIS]
    return {
        "families": len({node.family for node in nodes}),
        "kinds": len({node.kind for node in nodes}),
        "types": Counter(edge.type for edge in edges),
        "depth": max(depth.values()),
        "states": sum(1 for node in nodes if node.reference.startswith("GOVS-")),
        "non_statutory": sum(not node.statutory for node in nodes),
        "disputed": sum(node.legitimacy_disputed for node in nodes),
        "mandate": sum(node.has_mandate for node in nodes) / max(1, sum(node.statutory for node in nodes)),
        "legal_basis": sum(bool(edge.legal_basis.strip()) for edge in needing) / max(1, len(needing)),
        "undated": sum(edge.start is None for edge in edges) / len(edges),
        "ended": sum(not edge.ongoing for edge in edges) / len(edges),
        "imprecise": sum(
            1 for edge in edges for date in (edge.start, edge.end) if date is not None and date.precision != DAY
        )
        / max(1, sum((edge.start is not None) + (edge.end is not None) for edge in edges)),
        "valid": sum(edge.valid_on(as_of) for edge in edges),
        "chain": sum(edge.type in CHAIN_TYPES for edge in edges),
        "security": sum(by_id[node.id].family == SEC for node in nodes),
    }


# ------------------------------------------------------------------------------------------------ measuring


@dataclass
class SizeResult:
    actors: int
    relationships: int
    valid: int
    runs: int
    times: list[float]  # wall-clock seconds of each timed run
    cpu_times: list[float]  # this process's CPU seconds of the same runs
    gc_off_cpu: float  # median CPU seconds with the garbage collector off
    collections: dict[int, tuple[int, float]]  # generation -> (collections, seconds) during one run
    tracked: int  # objects the garbage collector tracks during that run, the graph's included
    findings: int
    by_rule: dict[str, int]
    rule_times: dict[str, float]  # median CPU seconds of each rule alone
    dating_time: float  # median CPU seconds of graph.on(as_of)
    control_time: float  # median CPU seconds of control_pass()
    peak_bytes: int
    result_bytes: int
    objects_bytes: int
    graph_bytes: int
    generate_seconds: float
    description: dict[str, object]
    load: tuple[float, float] = (0.0, 0.0)
    profile_top: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def fastest(self) -> float:
        return min(self.times)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_times)

    @property
    def per_relationship(self) -> float:
        """Median wall-clock time per relationship."""
        return self.median / self.relationships

    @property
    def cpu_per_relationship(self) -> float:
        return self.cpu_median / self.relationships


def control_pass(graph: Graph) -> int:
    """The least a linear rule does: one pass over the relationships, reading both actors of each. Its time per
    relationship tells what the machine itself adds as the graph outgrows the processor's caches."""
    nodes = graph.nodes
    same = 0
    for edge in graph.edges:
        if nodes[edge.source].family == nodes[edge.target].family:
            same += 1
    return same


def _median_cpu(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return statistics.median(times)


def _collections(function: Callable[[], object]) -> tuple[dict[int, tuple[int, float]], int]:
    """How many collections of each generation the garbage collector makes during one call, and how long they
    take; and how many objects it tracks by the end of it."""
    counts: dict[int, list[float]] = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
    started = [0.0]
    tracked = [0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            counts[info["generation"]][0] += 1
            counts[info["generation"]][1] += time.perf_counter() - started[0]

    def measured() -> None:
        function()
        tracked[0] = len(gc.get_objects())

    gc.collect()
    gc.callbacks.append(callback)
    try:
        measured()
    finally:
        gc.callbacks.remove(callback)
    return {generation: (int(count), seconds) for generation, (count, seconds) in counts.items()}, tracked[0]


def _ruletimes(dated: Graph, runs: int) -> tuple[dict[str, float], int]:
    """Each rule alone on the graph as of the date (its findings made and sorted, as run() does), and the number
    of relationships valid then."""
    times = {}
    for rule in RULES:

        def alone(rule: Rule = rule) -> object:
            return run(dated, rules=(rule,))

        times[rule.code] = _median_cpu(alone, runs)
    return times, len(dated.edges)


def runs_for(actors: int, asked: int | None) -> int:
    if asked:
        return asked
    return 20 if actors <= 10_000 else 3


def measure(
    actors: int,
    *,
    per_actor: float,
    seed: int,
    as_of: datetime.date,
    runs: int,
    warmup: int,
    profile: Path | None,
) -> SizeResult:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    nodes, edges = generate(actors, per_actor=per_actor, seed=seed, today=as_of)
    generate_seconds = time.perf_counter() - started
    gc.collect()
    objects_bytes = tracemalloc.get_traced_memory()[0] - before
    graph = Graph.build(nodes, edges)
    gc.collect()
    graph_bytes = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    description = describe(nodes, edges, as_of)
    del nodes, edges

    for _ in range(warmup):
        run(graph, as_of=as_of)
    gc.collect()
    times, cpu_times = [], []
    findings: list[Finding] = []
    for _ in range(runs):
        del findings  # as a caller would: the previous run's findings are gone before the next run
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        findings = run(graph, as_of=as_of)
        cpu_times.append(time.process_time() - cpu_started)
        times.append(time.perf_counter() - started)
    by_rule = Counter(item.rule for item in findings)
    count = len(findings)
    del findings
    gc.collect()

    part_runs = max(3, runs // 2)
    gc.disable()
    try:
        gc_off_cpu = _median_cpu(lambda: run(graph, as_of=as_of), part_runs)
    finally:
        gc.enable()
    gc.collect()

    collections, tracked = _collections(lambda: run(graph, as_of=as_of))

    # The same work, piece by piece: the graph as of the date, then each rule alone on it (its findings included).
    dating_time = _median_cpu(lambda: graph.on(as_of), part_runs)
    rule_times, valid = _ruletimes(graph.on(as_of), part_runs)
    control_time = _median_cpu(lambda: control_pass(graph), part_runs)
    gc.collect()

    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    kept = run(graph, as_of=as_of)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    gc.collect()

    top: list[str] = []
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
        profiler = cProfile.Profile()
        profiler.enable()
        run(graph, as_of=as_of)
        profiler.disable()
        profiler.dump_stats(profile / f"governance-{actors}.prof")
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(30)
        (profile / f"governance-{actors}.txt").write_text(stream.getvalue(), encoding="utf-8")
        top = stream.getvalue().splitlines()

    return SizeResult(
        actors=actors,
        relationships=len(graph.edges),
        valid=valid,
        runs=runs,
        times=times,
        cpu_times=cpu_times,
        gc_off_cpu=gc_off_cpu,
        collections=collections,
        tracked=tracked,
        findings=count,
        by_rule=dict(by_rule),
        rule_times=rule_times,
        dating_time=dating_time,
        control_time=control_time,
        peak_bytes=peak - baseline,
        result_bytes=current - baseline,
        objects_bytes=objects_bytes,
        graph_bytes=graph_bytes,
        generate_seconds=generate_seconds,
        description=description,
        profile_top=top,
    )


# -------------------------------------------------------------------------------------------------- report


def _ratios(results: list[SizeResult], per_relationship: Callable[[SizeResult], float]) -> list[float]:
    """A time per relationship at each size divided by the same at the size before it (1 = linear)."""
    return [per_relationship(later) / per_relationship(earlier) for earlier, later in itertools.pairwise(results)]


def growth(results: list[SizeResult]) -> list[float]:
    """The run's CPU time per relationship, each size against the one before."""
    return _ratios(results, lambda result: result.cpu_per_relationship)


def control_growth(results: list[SizeResult]) -> list[float]:
    return _ratios(results, lambda result: result.control_time / result.relationships)


def dating_growth(results: list[SizeResult]) -> list[float]:
    return _ratios(results, lambda result: result.dating_time / result.relationships)


def gc_share(result: SizeResult) -> tuple[int, float]:
    """The full collections in one run, and the share of the run's CPU time that all collections took."""
    seconds = sum(seconds for _count, seconds in result.collections.values())
    return result.collections[2][0], seconds / result.cpu_median if result.cpu_median else 0.0


def verdicts(results: list[SizeResult]) -> tuple[str, str]:
    at_aim = next((result for result in results if result.actors == AIM_SIZE), None)
    if at_aim is None:
        time_verdict = f"not measured ({AIM_SIZE:,} actors was not among the sizes)"
    elif at_aim.median < TIME_AIM:
        time_verdict = f"**met** (median {ms(at_aim.median)}, slowest run {ms(max(at_aim.times))})"
    else:
        time_verdict = f"**missed** (median {ms(at_aim.median)}, {at_aim.median / TIME_AIM:.1f}× the aim)"
    ratios = growth(results)
    if not ratios:
        return time_verdict, "not measured (one size only)"
    gc_off = _ratios(results, lambda result: result.gc_off_cpu / result.relationships)
    baseline = [
        max(dating, control) for dating, control in zip(dating_growth(results), control_growth(results), strict=True)
    ]
    steps = ", ".join(
        f"{earlier.actors:,} → {later.actors:,} actors ×{ratio:.2f} (×{off:.2f} with the garbage collector off)"
        for earlier, later, ratio, off in zip(results[:-1], results[1:], ratios, gc_off, strict=True)
    )
    tolerance = f"1 is exactly linear; up to ×{LINEAR_TOLERANCE} counts as linear, within the noise"
    if all(ratio <= LINEAR_TOLERANCE for ratio in ratios):
        return time_verdict, f"**met**: CPU time per relationship {steps} ({tolerance})"
    own = ", ".join(f"×{value:.2f}" for value in baseline)
    if all(ratio <= limit * LINEAR_TOLERANCE for ratio, limit in zip(ratios, baseline, strict=True)):
        return time_verdict, (
            f"**not met by the clock**: CPU time per relationship {steps} ({tolerance}). The rules are linear all "
            f"the same: the run grows no more than steps linear by construction (`graph.on(as_of)` or a bare pass "
            f"over the relationships, {own}); the extra is the garbage collector's full collections, which "
            "traverse the whole graph, and the graph outgrowing the processor's caches (see below)"
        )
    return time_verdict, (
        f"**missed**: CPU time per relationship {steps} ({tolerance}), more than steps linear by construction "
        f"({own}): see the time per rule below"
    )


def render_section(results: list[SizeResult], *, argv: Sequence[str], args: argparse.Namespace) -> str:
    now = now_utc()
    info = machine(database_software=False)
    time_verdict, growth_verdict = verdicts(results)
    sizes = [result.actors for result in results]
    lines = [
        START_MARKER,
        "## Governance rules engine at scale",
        "",
        f"Measured on {now} with `{command_line(__file__, argv)}` (from the project folder).",
        "",
        f"**What is measured**: `egide.governance.engine.run(graph, as_of={args.as_of.isoformat()})`: the graph as "
        f"of the date, then the {len(RULES)} rules of `egide.governance.rules.RULES` with their default parameters, "
        "findings sorted; on graphs of `egide.governance.graph.Node` and `Edge` objects built in memory by "
        f"`benchmarks/governance.py` (seed {args.seed}, {args.per_actor:g} relationships per actor; no database: "
        "the engine is pure, and reading a country from the database is not part of these figures). Each size is "
        f"run {times(args.warmup)} to warm up, then timed (wall clock and this process's CPU time; the garbage "
        "collector runs as usual, after a collection before each run); then again with the garbage collector off. "
        "Each rule is then timed alone (`run(dated, rules=(rule,))`, its findings included) on the graph as of the "
        "date (`graph.on(as_of)`, timed too), median CPU time of half as many runs (at least 3). Peak memory is "
        "tracemalloc's peak during one more run, above what was allocated before it (so the graph is not counted), "
        "in a run of its own since tracemalloc slows Python down; the graph's size is what its nodes and edges "
        "(with their dates and texts) and the graph's indexes hold, measured by tracemalloc after a collection.",
        "",
        "**Machine**: " + "; ".join(f"{name} {value}" for name, value in info.items() if value),
        "",
        f"**Aims**: {AIM_SIZE:,} actors in under {ms(TIME_AIM)}: {time_verdict}. Time growing no faster than the "
        f"number of relationships: {growth_verdict}.",
        "",
        "| actors | relationships (valid on the date) | runs | median | fastest | slowest | CPU time (median) | "
        "CPU, collector off | CPU per relationship | vs. the size before | findings | peak memory of a run "
        "(findings kept) | graph in memory (objects + indexes) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ratios: list[float | None] = [None, *growth(results)]
    for result, ratio in zip(results, ratios, strict=True):
        lines.append(
            f"| {result.actors:,} | {result.relationships:,} ({result.valid:,}) | {result.runs} | "
            f"**{ms(result.median)}** | {ms(result.fastest)} | {ms(max(result.times))} | "
            f"{ms(result.cpu_median)} | {ms(result.gc_off_cpu)} | {microseconds(result.cpu_per_relationship)} | "
            f"{'' if ratio is None else f'×{ratio:.2f}'} | {result.findings:,} | "
            f"{mib(result.peak_bytes)} ({mib(result.result_bytes)}) | "
            f"{mib(result.graph_bytes)} ({mib(result.objects_bytes)} + "
            f"{mib(result.graph_bytes - result.objects_bytes)}) |"
        )
    collections = "; ".join(
        f"{result.actors:,} actors: {gc_share(result)[0]} full collection(s) over {result.tracked:,} tracked objects, "
        f"{ms(result.collections[2][1])}; all collections {gc_share(result)[1]:.0%} of the run"
        for result in results
    )
    loads = "; ".join(
        f"{result.actors:,} actors {result.load[0]:.1f} before, {result.load[1]:.1f} after" for result in results
    )
    lines += [
        "",
        f"Load average (1 min) on {os.cpu_count()} CPU(s): {loads}. Above the CPU count, other work competed for "
        "the processor and the wall-clock figures are pessimistic: the CPU time counts only this process's work "
        "(but not what other processes do to the shared caches).",
        "",
        f"Garbage collection during one run (timed by `gc.callbacks`): {collections}.",
        "",
        "### Time per rule",
        "",
        "Median CPU time of each step alone; in brackets, its time per relationship, which stays flat when the step "
        "is linear; then how that time per relationship grew from each size to the next, and the rule's findings "
        "at each size. `control_pass()` is not part of the engine: one pass over the relationships reading both "
        "actors of each, linear by construction, it shows what the machine alone adds as the graph grows.",
        "",
        "| step | "
        + " | ".join(f"{size:,} actors" for size in sizes)
        + " | "
        + " | ".join(f"{earlier:,} → {later:,}" for earlier, later in itertools.pairwise(sizes))
        + " | "
        + " | ".join(f"findings at {size:,}" for size in sizes)
        + " |",
        "| --- | " + " | ".join("---:" for _ in range(3 * len(sizes) - 1)) + " |",
    ]

    def row(label: str, seconds: list[float], counts: list[str]) -> str:
        cells = [
            f"{ms(value)} ({microseconds(value / result.relationships)})"
            for value, result in zip(seconds, results, strict=True)
        ]
        per = [value / result.relationships for value, result in zip(seconds, results, strict=True)]
        steps = [f"×{later / earlier:.2f}" if earlier else "" for earlier, later in itertools.pairwise(per)]
        return f"| {label} | " + " | ".join([*cells, *steps, *counts]) + " |"

    blank = ["" for _ in results]
    lines.append(row("`graph.on(as_of)`", [result.dating_time for result in results], blank))
    for rule in RULES:
        lines.append(
            row(
                f"`{rule.code}`",
                [result.rule_times[rule.code] for result in results],
                [f"{result.by_rule.get(rule.code, 0):,}" for result in results],
            )
        )
    lines += [
        row(
            "sum of the steps",
            [result.dating_time + sum(result.rule_times.values()) for result in results],
            [f"{result.findings:,}" for result in results],
        ),
        row("the whole `run()`", [result.cpu_median for result in results], blank),
        row("the whole `run()`, garbage collector off", [result.gc_off_cpu for result in results], blank),
        row("`control_pass()` (not the engine)", [result.control_time for result in results], blank),
    ]
    silent = sorted({rule.code for rule in RULES if any(not result.by_rule.get(rule.code) for result in results)})
    depth = max(int(str(result.description["depth"])) for result in results)
    lines += [
        "",
        "### The generated graphs",
        "",
        "A federal country, deterministic for a seed: a national core (presidency, government, ministries, budget "
        "and audit bodies, inspectorates, independent authorities, armed forces with their general staff and "
        "services, gendarmerie, police, intelligence, border police, customs, coast guard, civil protection, "
        "rangers, courts, military tribunal, prosecution, judicial council, prisons, ombudsman, human rights "
        "commission, parliament and its committees, national media, civil society and research), then states "
        f"(one per {ACTORS_PER_STATE} actors, at least 2), each with a country's worth of structure of its own "
        "(government and departments, assembly and committees, audit office, police command, gendarmerie legion, "
        "division and brigade, intelligence branch, border and customs directorates, court of appeal and high "
        "court, prosecutor, military tribunal, prison directorate and central prison, ombudsman's delegate, "
        f"media, civil society, self-defence committees), {DISTRICTS_PER_STATE} districts per state, and communes "
        "added to every district in turn until the number of actors is reached. Every unit has its parent: chains "
        f"are up to {depth} levels deep. Relationships: each level's main bodies are joined as in any country (the "
        "assembly votes the departments' budgets, the audit office audits them, the security committee and the "
        "prosecutor oversee the police...), parents command or administer some of their units and units report to "
        "them, then functional relationships of all ten types are drawn between bodies of the same place or of the "
        f"places just under or above it, until there are {args.per_actor:g} per actor. Every relationship respects "
        "the families of `egide.core.taxonomy.RELATIONSHIP_TYPES`, with no self-loop and no duplicate (checked).",
        "",
        "About 15% of the relationships are undated, 12% have ended (some on an unknown date, which the engine leaves "
        "out of a dated view), 1.5% start after the date measured; dates are years, months or days. About 90% of "
        "command, administration, oversight, audit, funding, jurisdiction and appointment relationships cite a "
        "legal basis; mandates are on record for 50% (communes) to 90% (national bodies) of statutory actors.",
        "",
        "Planted gaps, so that every rule has work to do and finds something: a police unit, municipal police "
        "forces and (in one state in five) a joint operations command that answer to nobody; a presidency whose "
        "guard and intelligence agency answer to it alone; intelligence branches without a mandate or a dedicated "
        "overseer; a military prison under the general staff, (one state in ten) a central prison administered by "
        "the army, and prisons that only their directorate administers; a defence ministry commanding the military "
        "tribunal, a governor commanding the prosecutor and the ombudsman's delegate (one state in twelve), "
        "military tribunals trying journalists (one state in four); a governor whose legitimacy is disputed (one "
        "state in twenty) and a military transition committee (one in twenty-five) on the chain of command of "
        "statutory forces; self-defence groups working with the police, a few under an army unit. Three gaps are "
        "country-wide, so their rules scan everything and find one each: the ombudsman and the human-rights "
        "commission cover justice and prisons but not the forces; media and civil society scrutinise courts, "
        "parliament and finances but not the forces; border police and customs never coordinate.",
        "",
        "| actors | states | families / kinds | relationships by type | command and administration | non-statutory / "
        "disputed actors | legal basis (where needed) | mandates on record | undated / ended | imprecise dates | "
        "generated in |",
        "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        description = result.description
        types = description["types"]
        assert isinstance(types, Counter)
        by_type = ", ".join(f"{name} {count:,}" for name, count in sorted(types.items(), key=lambda item: -item[1]))
        lines.append(
            f"| {result.actors:,} | {description['states']} | {description['families']} / {description['kinds']} | "
            f"{by_type} | {description['chain']:,} | {description['non_statutory']:,} / "
            f"{description['disputed']:,} | {description['legal_basis']:.0%} | {description['mandate']:.0%} | "
            f"{description['undated']:.0%} / {description['ended']:.0%} | {description['imprecise']:.0%} | "
            f"{ms(result.generate_seconds)} (under tracemalloc) |"
        )
    lines += [
        "",
        f"Rules without findings at some size: {', '.join(silent)}."
        if silent
        else "Every rule found something at every size.",
        "",
        "Peak resident memory of the whole process after all sizes: "
        f"{mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)} (tracemalloc's bookkeeping while the "
        "graphs were generated included).",
        "",
        END_MARKER,
    ]
    return "\n".join(lines) + "\n"


def print_result(result: SizeResult, previous: SizeResult | None) -> None:
    ratio = (
        f", CPU per relationship ×{result.cpu_per_relationship / previous.cpu_per_relationship:.2f} the size before"
        if previous
        else ""
    )
    print(
        f"{result.actors:>9,} actors {result.relationships:>9,} relationships: median {ms(result.median)} "
        f"(fastest {ms(result.fastest)}, {result.runs} runs){ratio}; {result.findings:,} findings; "
        f"peak {mib(result.peak_bytes)}, graph {mib(result.graph_bytes)}",
        flush=True,
    )
    slowest = sorted(result.rule_times.items(), key=lambda item: -item[1])[:5]
    print(
        f"{'':10}CPU {ms(result.cpu_median)} ({microseconds(result.cpu_per_relationship)} per relationship), "
        f"collector off {ms(result.gc_off_cpu)}, "
        f"bare pass {microseconds(result.control_time / result.relationships)} per relationship; "
        f"graph.on {ms(result.dating_time)}; slowest rules: "
        + ", ".join(f"{code} {ms(seconds)}" for code, seconds in slowest),
        flush=True,
    )


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--sizes", default=",".join(str(size) for size in DEFAULT_SIZES), help="actors, comma-separated"
    )
    parser.add_argument("--per-actor", type=float, default=DEFAULT_PER_ACTOR, help="relationships per actor")
    parser.add_argument("--runs", type=int, help="timed runs per size (default: 20 up to 10,000 actors, then 3)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before them")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=DEFAULT_AS_OF, help="YYYY-MM-DD")
    parser.add_argument("--quick", action="store_true", help="500 and 2,000 actors, 3 runs; nothing written")
    parser.add_argument("--output", type=Path, help="where the figures go (default: benchmarks/RESULTS.md)")
    parser.add_argument("--profile", type=Path, help="also profile one run per size with cProfile into this folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = ",".join(str(size) for size in QUICK["sizes"])  # type: ignore[attr-defined]
        args.runs = args.runs or QUICK["runs"]
        args.warmup = QUICK["warmup"]
    args.size_list = sizes_asked(args.sizes)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    results: list[SizeResult] = []
    for actors in args.size_list:
        result, load = under_load(
            functools.partial(
                measure,
                actors,
                per_actor=args.per_actor,
                seed=args.seed,
                as_of=args.as_of,
                runs=runs_for(actors, args.runs),
                warmup=args.warmup,
                profile=args.profile,
            )
        )
        result.load = load
        print_result(result, results[-1] if results else None)
        results.append(result)
    time_verdict, growth_verdict = verdicts(results)
    print(f"\naim, {AIM_SIZE:,} actors under {ms(TIME_AIM)}: {time_verdict}")
    print(f"aim, linear growth: {growth_verdict}")
    for result in results:
        silent = [rule.code for rule in RULES if not result.by_rule.get(rule.code)]
        if silent:
            print(f"rules without findings at {result.actors:,} actors: {', '.join(silent)}")
    write_section(args, lambda: render_section(results, argv=argv, args=args), start=START_MARKER, end=END_MARKER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
