"""`egide results import FILE --country CODE`: import results frameworks into a country's programmes.

The same service as the import page and its background worker (egide.results.importer.results_import), run here
directly, whatever the file's size: every problem named by table, row and column, nothing written when one is
found, the same file imported again changes nothing.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.selectors import PLATFORM
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected
from egide.core.reference import countries
from egide.results.importer import results_import

ERROR = 2


class Command(BaseCommand):
    help = "Import results frameworks (results, indicators, periods and values: XLSX, CSV or a ZIP of CSVs)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="import results frameworks into a country's programmes")
        importing.add_argument("file", type=Path)
        importing.add_argument("--country", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        country = options["country"].upper()
        if country not in countries():
            raise CommandError(f"“{country}” is not a country code (ISO 3166-1 alpha-2, or XK)", returncode=ERROR)
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}", returncode=ERROR) from None
        try:
            report = results_import(user=PLATFORM, country=country, data=data, filename=path.name)
        except FileRefused as error:
            raise CommandError(str(error), returncode=ERROR) from None
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(f"{rejected.total} problem(s) found; nothing was imported") from None
        self.stdout.write(
            f"{country}: results {report.results_created} created, {report.results_updated} changed, "
            f"{report.results_unchanged} unchanged; indicators {report.indicators_created} created, "
            f"{report.indicators_updated} changed, {report.indicators_unchanged} unchanged; periods "
            f"{report.periods_created} created, {report.periods_updated} changed, {report.periods_unchanged} "
            f"unchanged; values {report.values_created} added, {report.values_unchanged} already there"
        )
