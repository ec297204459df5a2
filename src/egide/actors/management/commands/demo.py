from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.selectors import PLATFORM
from egide.assessments.services import frameworks_load_shipped
from egide.demo.access import USERS, demo_passwords_reset
from egide.demo.loader import demo_load


class Command(BaseCommand):
    help = "Load the demo data: illustrative security system maps (loading twice changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="give the demo users new passwords and print them (the data is left as it is)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset_passwords"]:
            passwords = demo_passwords_reset()
            if not passwords:
                raise CommandError(
                    f"No demo user exists yet ({', '.join(USERS)}): load the demo first with `egide demo`."
                )
            self.stdout.write("Demo users' new passwords (shown once; keep them):")
            for username, password in passwords.items():
                self.stdout.write(f"  {username:16} {password}")
            return
        result = demo_load(user=PLATFORM)
        for country, report in result.reports.items():
            self.stdout.write(
                f"{country}: actors {report.actors_created} created, {report.actors_updated} updated, "
                f"{report.actors_unchanged} unchanged; relationships {report.relationships_created} created, "
                f"{report.relationships_updated} updated, {report.relationships_unchanged} unchanged; "
                f"{report.citations_created} citations added"
            )
        for country, results in result.results.items():
            if results.skipped_unchanged and not results.changed:
                continue  # said below, with the reason
            self.stdout.write(
                f"{country}: results frameworks: {results.results_created} results, {results.indicators_created} "
                f"indicators, {results.periods_created} periods, {results.values_created} values added"
            )
        for note in result.notes:
            self.stdout.write(note)
        loaded = frameworks_load_shipped(user=PLATFORM)
        self.stdout.write(f"Assessment frameworks: {sum(item.created for item in loaded)} of {len(loaded)} loaded.")
        if result.money is not None:
            self.stdout.write(f"Money: {result.money.message}")
        if result.passwords:
            self.stdout.write("Demo users (passwords shown once; keep them):")
            for username, password in result.passwords.items():
                self.stdout.write(f"  {username:16} {password}")
