"""The demo data: illustrative maps of real countries' security systems, loaded through the importer, and the
seed's international frameworks, missions and reference documents (egide.demo.references)."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from egide.accounts.models import Organisation
from egide.actors.documents import read_document
from egide.actors.importer import ImportReport, country_map_import
from egide.actors.services import User
from egide.core.imports.tables import write_zip
from egide.demo.access import COUNTRY_OWNERS, DEFAULT_LEVEL, levels_for, organisations_load, shares_apply, users_load
from egide.demo.assessments import assessments_demo_load
from egide.demo.due_diligence import DueDiligenceDemo, due_diligence_demo_load
from egide.demo.references import references_load
from egide.demo.results import results_load
from egide.money.demo import MoneyDemoResult, money_demo_load
from egide.programmes.importer import ProgrammesReport, programmes_import

DEMO_DIR = Path(__file__).resolve().parent / "data"
PROGRAMMES_DIR = DEMO_DIR / "programmes"
"""One folder per lead country, holding the CSV tables of its programmes as the programmes export writes them."""
PROGRAMMES_OWNER = "MEAE"


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.json"))


@dataclass
class DemoResult:
    reports: dict[str, ImportReport]
    passwords: dict[str, str]
    results: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    programmes: dict[str, ProgrammesReport] = field(default_factory=dict)
    money: MoneyDemoResult | None = field(default=None)
    due_diligence: DueDiligenceDemo | None = field(default=None)


def demo_programmes_load(*, user: User | None, owner: Organisation) -> dict[str, ProgrammesReport]:
    """The seed's programmes, by lead country, through the programmes import: loading twice changes nothing, not
    even the import history and the audit log (a load that changed nothing is not recorded)."""
    reports = {}
    for folder in sorted(path for path in PROGRAMMES_DIR.iterdir() if path.is_dir()):
        tables = {f"{path.stem}.csv": path.read_bytes() for path in sorted(folder.glob("*.csv"))}
        reports[folder.name] = programmes_import(
            user=user,
            country=folder.name,
            filename=f"{folder.name}.zip",
            data=write_zip(tables),
            owner=owner,
            record_unchanged=False,
        )
    return reports


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
    programmes = demo_programmes_load(user=user, owner=organisations[PROGRAMMES_OWNER])
    # After the programmes: the results frameworks are keyed by the programmes' IATI identifiers.
    results, notes = results_load(user=user)
    # After the programmes too: their budgets and transactions, and the rates.
    money = money_demo_load(user=user)
    # After the maps and users: the assessments are answered and approved by the demo's own editor and reviewer.
    assessments_demo_load(user=user, organisations=organisations)
    # After the users: the fictional training country's due diligence is decided by the demo's administrator.
    due_diligence = due_diligence_demo_load(user=user, organisations=organisations)
    return DemoResult(
        reports=reports,
        passwords=passwords,
        results=results,
        notes=notes,
        programmes=programmes,
        money=money,
        due_diligence=due_diligence,
    )
