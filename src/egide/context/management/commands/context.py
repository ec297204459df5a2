"""`egide context load SOURCE FOLDER`: load a public indicator source's files; `egide context sources` lists them.

The same readers (egide.context.sources) and service (egide.context.services.source_load) as everywhere: every
faulty cell named with its file, line and column and nothing loaded when one is found; every code of the source
that names no country reported; a second load of the same files changes nothing.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.selectors import PLATFORM
from egide.context import services
from egide.context.sources import SOURCE_BY_CODE, SOURCES
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected

ERROR = 2
SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = "Country context: `context load SOURCE FOLDER` loads a public source; `context sources` lists them."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help="load a source's files from a folder")
        load.add_argument("source", choices=sorted(SOURCE_BY_CODE), help="the source's code")
        load.add_argument("folder", type=Path)
        actions.add_parser("sources", help="list the sources, their files' country codes and terms of use")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sources":
            for source in SOURCES:
                self.stdout.write(
                    f"{source.code:5}  {source.name_en} ({source.publisher}); countries as {source.country_codes}; "
                    f"{len(source.indicators)} indicator(s). Terms: {source.terms_en}"
                )
            return
        source = SOURCE_BY_CODE[options["source"]]
        folder: Path = options["folder"]
        if not folder.is_dir():
            raise CommandError(f"{folder}: not a folder", returncode=ERROR)
        try:
            reading = source.read(folder)
        except FileRefused as error:
            raise CommandError(str(error), returncode=ERROR) from None
        except ImportRejected as error:
            for problem in error.problems[:SHOWN_PROBLEMS]:
                self.stderr.write(f"{problem.table}, line {problem.row}, {problem.column}: {problem.message}")
            if error.total > SHOWN_PROBLEMS:
                self.stderr.write(f"… and {error.total - SHOWN_PROBLEMS} more")
            raise CommandError(f"{error.total} problem(s); nothing was loaded", returncode=1) from None
        loaded = services.source_load(user=PLATFORM, source=source, reading=reading)
        load = loaded.load
        self.stdout.write(
            f"{source.name_en}: {load.created} values added, {load.updated} changed, {load.deleted} removed, "
            f"{load.unchanged} unchanged; {load.missing} values missing in the source (left missing)"
        )
        if load.unmapped:
            self.stdout.write(f"{len(load.unmapped)} code(s) of the source name no ISO 3166-1 country (left out):")
            for entry in load.unmapped:
                name = f" ({entry['name']})" if entry["name"] else ""
                self.stdout.write(f"  {entry['code']}{name}: {entry['rows']} row(s)")
