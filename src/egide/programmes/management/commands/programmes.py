"""`egide programmes import FILE --country CODE [--owner ACRONYM] [--dry-run]`: import a file of programmes.

The same service as the import page and its background worker (egide.programmes.importer.programmes_import), run
here directly, whatever the file's size: every problem named by table, row and column, nothing written when one is
found, the same file imported again changes nothing.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.models import Organisation
from egide.accounts.selectors import PLATFORM
from egide.core.imports.command import ERROR, country_code, file_bytes, import_errors
from egide.programmes.importer import programmes_import


class Command(BaseCommand):
    help = "Import a file of programmes (XLSX, CSV or a ZIP of CSVs, the tables of the export) into a country."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="import a file of programmes into a country")
        importing.add_argument("file", type=Path)
        importing.add_argument("--country", required=True)
        importing.add_argument("--owner", default="", help="the acronym of the organisation new programmes belong to")
        importing.add_argument("--dry-run", action="store_true", help="check the file and count, writing nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        country = country_code(options["country"])
        owner = self._owner(options["owner"])
        path: Path = options["file"]
        data = file_bytes(path)
        with import_errors(self.stderr, path.name):
            report = programmes_import(
                user=PLATFORM, country=country, filename=path.name, data=data, owner=owner, dry_run=options["dry_run"]
            )
        done = "checked, nothing written" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{country}: {done}: programmes {report.programmes_created} created, {report.programmes_changed} changed, "
            f"{report.programmes_unchanged} unchanged"
        )

    def _owner(self, acronym: str) -> Organisation | None:
        if not acronym:
            return None
        try:
            return Organisation.objects.get(acronym__iexact=acronym)
        except Organisation.DoesNotExist:
            raise CommandError(f"no organisation has the acronym “{acronym}”", returncode=ERROR) from None
