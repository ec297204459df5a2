from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.selectors import PLATFORM
from egide.iati.parser import MalformedFile
from egide.iati.services import codelists_load


class Command(BaseCommand):
    help = "IATI: load the official codelists."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        codelists = actions.add_parser("codelists", help="the official IATI codelists")
        codelist_actions = codelists.add_subparsers(dest="codelists_action", required=True)
        load = codelist_actions.add_parser("load", help="load every codelist XML file of a folder (all or nothing)")
        load.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder")
        try:
            report = codelists_load(user=PLATFORM, folder=folder)
        except MalformedFile as error:
            raise CommandError(f"{error} — nothing was loaded") from None
        for name in sorted(report.created):
            self.stdout.write(
                f"{name}: {report.created[name]} created, {report.updated[name]} updated, "
                f"{report.unchanged[name]} unchanged"
            )
        self.stdout.write(
            f"{len(report.created)} codelists: {sum(report.created.values())} codes created, "
            f"{sum(report.updated.values())} updated, {sum(report.unchanged.values())} unchanged"
        )
