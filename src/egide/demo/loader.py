"""The demo data: illustrative maps of real countries' security systems, loaded through the importer."""

from pathlib import Path

from egide.actors.documents import read_document
from egide.actors.importer import ImportReport, country_map_import
from egide.actors.services import User

DEMO_DIR = Path(__file__).resolve().parent / "data"


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.json"))


def demo_load(*, user: User | None) -> dict[str, ImportReport]:
    """Load every demo country; loading twice changes nothing the second time."""
    reports = {}
    for path in demo_files():
        country = path.stem.upper()
        tables = read_document(path.read_bytes(), filename=path.name)
        reports[country] = country_map_import(user=user, country=country, tables=tables)
    return reports
