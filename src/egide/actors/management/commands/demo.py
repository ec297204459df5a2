from typing import Any

from django.core.management.base import BaseCommand

from egide.accounts.selectors import PLATFORM
from egide.demo.loader import demo_load


class Command(BaseCommand):
    help = "Load the demo data: illustrative security system maps (loading twice changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_load(user=PLATFORM)
        for country, report in result.reports.items():
            self.stdout.write(
                f"{country}: actors {report.actors_created} created, {report.actors_updated} updated, "
                f"{report.actors_unchanged} unchanged; relationships {report.relationships_created} created, "
                f"{report.relationships_updated} updated, {report.relationships_unchanged} unchanged; "
                f"{report.citations_created} citations added"
            )
        if result.passwords:
            self.stdout.write("Demo users (passwords shown once; keep them):")
            for username, password in result.passwords.items():
                self.stdout.write(f"  {username:16} {password}")
