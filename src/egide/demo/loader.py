"""The demo data: illustrative maps of real countries' security systems, loaded through the importer, and the
seed's international frameworks, missions and reference documents (egide.demo.references)."""

from dataclasses import dataclass
from pathlib import Path

from egide.actors.documents import read_document
from egide.actors.importer import ImportReport, country_map_import
from egide.actors.services import User
from egide.demo.access import COUNTRY_OWNERS, DEFAULT_LEVEL, levels_for, organisations_load, shares_apply, users_load
from egide.demo.references import references_load

DEMO_DIR = Path(__file__).resolve().parent / "data"


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.json"))


@dataclass
class DemoResult:
    reports: dict[str, ImportReport]
    passwords: dict[str, str]


def demo_load(*, user: User | None) -> DemoResult:
    """Load the demo organisations, users and countries; loading twice changes nothing the second time."""
    organisations = organisations_load()
    passwords = users_load(organisations)
    reports = {}
    for path in demo_files():
        country = path.stem.upper()
        tables = read_document(path.read_bytes(), filename=path.name)
        levels_for(country, tables)
        owner = organisations[COUNTRY_OWNERS[country]]
        reports[country] = country_map_import(
            user=user, country=country, tables=tables, owner=owner, confidentiality=DEFAULT_LEVEL
        )
    shares_apply(organisations)
    references_load(organisations)
    return DemoResult(reports=reports, passwords=passwords)
