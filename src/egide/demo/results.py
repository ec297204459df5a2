"""The demo programmes' results frameworks: one folder of CSV files per lead country under data/results/, loaded
through the results import (so that loading twice changes nothing), after the programmes. A programme not loaded
yet is left out with a note, never an error."""

from pathlib import Path

from egide.core.imports.tables import write_zip
from egide.core.users import Caller
from egide.results.importer import ResultsImportReport, results_import

RESULTS_DIR = Path(__file__).resolve().parent / "data" / "results"


def results_folders() -> list[Path]:
    return sorted(path for path in RESULTS_DIR.iterdir() if path.is_dir())


def results_load(*, user: Caller) -> tuple[dict[str, ResultsImportReport], list[str]]:
    """Each country's frameworks, and a note for every programme whose results were left out because the programme
    is not there. Values keep the status their file gives (the platform may review), so that the review queue of
    the demo shows values submitted and returned besides the approved ones."""
    reports: dict[str, ResultsImportReport] = {}
    notes: list[str] = []
    for folder in results_folders():
        country = folder.name.upper()
        files = {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}
        report = results_import(
            user=user,
            country=country,
            data=write_zip(files),
            filename=f"results-{country}.zip",
            skip_missing=True,
            record_unchanged=False,
        )
        reports[country] = report
        notes.extend(
            f"{country}: results of {identifier} skipped: the programme is not loaded yet (load the programmes first)."
            for identifier in report.skipped_unchanged
        )
    return reports, notes
