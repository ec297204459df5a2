"""Country codes of the public indicator sources, mapped explicitly to ISO 3166-1 alpha-2.

Each source names countries its own way: ISO 3166-1 alpha-3, the World Bank's older three-letter codes, or the
numbers of Gleditsch and Ward's list of independent states. The table `core/data/countries.csv` gives each
country's alpha-3 code and Gleditsch-Ward number(s); the exceptions each source uses are written here, and a code
that maps to no country is reported, never guessed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from egide.core.reference import country_rows

# The World Bank's codes that are not ISO 3166-1 alpha-3 (older codes its indicators still use).
WORLD_BANK_CODES = {
    "ADO": "AD",  # Andorra
    "KSV": "XK",  # Kosovo
    "ROM": "RO",  # Romania
    "TMP": "TL",  # Timor-Leste
    "WBG": "PS",  # West Bank and Gaza
    "ZAR": "CD",  # Democratic Republic of the Congo
}

# Three-letter codes outside ISO 3166-1 that sources use for Kosovo.
KOSOVO_CODES = {"KSV": "XK", "XKX": "XK", "KOS": "XK"}


@dataclass(frozen=True, slots=True)
class CodeTables:
    by_iso3: dict[str, str]
    by_gleditsch_ward: dict[int, str]
    iso2: frozenset[str]
    region: dict[str, str] = field(default_factory=dict)


@cache
def tables() -> CodeTables:
    by_iso3: dict[str, str] = {}
    by_gw: dict[int, str] = {}
    region: dict[str, str] = {}
    for row in country_rows():
        code = row["code"]
        if row.get("iso3"):
            by_iso3[row["iso3"]] = code
        for number in filter(None, (row.get("gw") or "").split("|")):
            by_gw[int(number)] = code
        if row.get("region"):
            region[code] = row["region"]
    return CodeTables(by_iso3, by_gw, frozenset(region) | frozenset(by_iso3.values()), region)


def from_iso3(code: str, *, aliases: dict[str, str] | None = None) -> str | None:
    """ISO 3166-1 alpha-3 (or one of the source's own aliases) to alpha-2; None when it names no country."""
    code = code.strip().upper()
    if aliases and code in aliases:
        return aliases[code]
    return tables().by_iso3.get(code) or KOSOVO_CODES.get(code)


def from_world_bank(code: str) -> str | None:
    return from_iso3(code, aliases=WORLD_BANK_CODES)


def from_gleditsch_ward(number: str) -> str | None:
    """A Gleditsch-Ward state number to alpha-2; states that no longer exist (the German Democratic Republic,
    South Yemen, the Republic of Vietnam) and territories without an ISO code map to None."""
    try:
        return tables().by_gleditsch_ward.get(int(number.strip()))
    except ValueError:
        return None


def region_of(country: str) -> str:
    """The country's region in the UN's geographic scheme (a code of REGIONS), or '' when it has none."""
    return tables().region.get(country, "")


type CountryMapper = Callable[[str], str | None]

# Gleditsch and Ward's states and territories that have no ISO 3166-1 code, named in reports of unmapped codes.
GLEDITSCH_WARD_WITHOUT_ISO = {
    "265": "German Democratic Republic",
    "315": "Czechoslovakia",
    "396": "Abkhazia",
    "397": "South Ossetia",
    "511": "Zanzibar",
    "680": "Yemen, People's Democratic Republic (South Yemen)",
    "711": "Tibet",
    "817": "Vietnam, Republic of (South Vietnam)",
}
