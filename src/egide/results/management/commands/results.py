"""`egide results import FILE --country CODE`: import results frameworks into a country's programmes.

The same service as the import page and its background worker (egide.results.importer.results_import), run here
directly, whatever the file's size: every problem named by table, row and column, nothing written when one is
found, the same file imported again changes nothing.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egide.accounts.selectors import PLATFORM
from egide.core.imports.command import country_code, file_bytes, import_errors
from egide.results.importer import results_import


class Command(BaseCommand):
    help = "Import results frameworks (results, indicators, periods and values: XLSX, CSV or a ZIP of CSVs)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="import results frameworks into a country's programmes")
        importing.add_argument("file", type=Path)
        importing.add_argument("--country", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        country = country_code(options["country"])
        path: Path = options["file"]
        data = file_bytes(path)
        with import_errors(self.stderr, path.name):
            report = results_import(user=PLATFORM, country=country, data=data, filename=path.name)
        self.stdout.write(
            f"{country}: results {report.results_created} created, {report.results_updated} changed, "
            f"{report.results_unchanged} unchanged; indicators {report.indicators_created} created, "
            f"{report.indicators_updated} changed, {report.indicators_unchanged} unchanged; periods "
            f"{report.periods_created} created, {report.periods_updated} changed, {report.periods_unchanged} "
            f"unchanged; values {report.values_created} added, {report.values_unchanged} already there"
        )
