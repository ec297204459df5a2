import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.selectors import PLATFORM
from egide.actors.exporter import EXTENSIONS, FORMATS, export_map
from egide.actors.importer import ImportRejected, map_file_import
from egide.actors.tabular import TableError
from egide.core.reference import countries


class Command(BaseCommand):
    help = "Import or export a country's actors and relationships (CSV, ZIP of CSVs, XLSX, JSON, GraphML)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="import a file into a country's map")
        importing.add_argument("file", type=Path)
        importing.add_argument("--country", required=True)
        exporting = actions.add_parser("export", help="export a country's map")
        exporting.add_argument("--country", required=True)
        exporting.add_argument("--format", choices=FORMATS, default="xlsx")
        exporting.add_argument(
            "--output",
            "-o",
            type=Path,
            help="file to write (default: standard output for json and graphml, egide-CODE-map.EXT otherwise)",
        )

    def _country(self, code: str) -> str:
        code = code.upper()
        if code not in countries():
            raise CommandError(f"“{code}” is not a country code (ISO 3166-1 alpha-2, or XK)")
        return code

    def handle(self, *args: Any, **options: Any) -> None:
        country = self._country(options["country"])
        if options["action"] == "import":
            self._import(country, options["file"])
        else:
            self._export(country, options["format"], options["output"])

    def _import(self, country: str, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            # The same service as the import page and its background worker, run here directly.
            report = map_file_import(user=PLATFORM, country=country, filename=path.name, data=path.read_bytes())
        except TableError as error:
            raise CommandError(str(error)) from error
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(f"{path.name}: {problem}")
            if rejected.total > len(rejected.problems):
                raise CommandError(
                    f"{len(rejected.problems):,} of {rejected.total:,} problems shown; nothing was imported"
                ) from rejected
            raise CommandError(f"{rejected.total} problem(s) found; nothing was imported") from rejected
        self.stdout.write(
            f"{country}: actors {report.actors_created} created, {report.actors_updated} updated, "
            f"{report.actors_unchanged} unchanged; relationships {report.relationships_created} created, "
            f"{report.relationships_updated} updated, {report.relationships_unchanged} unchanged; "
            f"{report.sources_created} sources and {report.citations_created} citations added"
        )

    def _export(self, country: str, fmt: str, output: Path | None) -> None:
        content = export_map(user=PLATFORM, country=country, fmt=fmt)
        if output is None and fmt in ("json", "graphml"):
            sys.stdout.buffer.write(content)
            return
        path = output or Path(f"egide-{country}-map.{EXTENSIONS[fmt]}")
        path.write_bytes(content)
        self.stderr.write(f"wrote {path} ({len(content):,} bytes)")
