import datetime
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from egide.accounts.selectors import PLATFORM
from egide.core.collection import paused_collection
from egide.core.json_output import dumps
from egide.core.reference import countries
from egide.governance.documents import Row, finding_rows, findings_document
from egide.governance.selectors import CountryFindings, country_findings

ERROR = 2  # a usage error (as argparse's); 1 means the check found open high-severity findings


class Command(BaseCommand):
    help = "Read a country's map against the governance rules and print the findings."
    # The system checks would import every URL, hence every view and the API (a second at start); the check
    # reads the database and writes text, and `egide check` is there for the rest.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        checking = actions.add_parser(
            "check",
            help="print a country's findings; exit with status 1 when a high-severity finding is open "
            "(neither acknowledged nor marked as a false positive)",
        )
        checking.add_argument("country", help="the country's code, e.g. CF")
        checking.add_argument("--as-of", default="", help="the date the map is read at, YYYY-MM-DD (default: today)")
        checking.add_argument("--format", choices=("table", "json"), default="table")
        checking.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES], default="en")

    def handle(self, *args: Any, **options: Any) -> None:
        country = self._country(options["country"])
        day = self._day(options["as_of"])
        with paused_collection(), translation.override(options["language"]):
            # Read once, by a process about to end: nothing is written to a cache that only this process reads.
            result = country_findings(user=PLATFORM, country=country, as_of=day, once=True)
            if options["format"] == "json":
                document = findings_document(result, country=country, as_of=day)
                self.stdout.write(dumps(document, indent=True).decode())
                self.stderr.write(self._summary(result, country=country, day=day))
            else:
                # The table prints a few of the document's members: only those are made.
                self._table(finding_rows(result))
                self.stdout.write(self._summary(result, country=country, day=day))
        if self._open_high(result):
            raise SystemExit(1)

    def _country(self, code: str) -> str:
        code = code.upper()
        if code not in countries():
            raise CommandError(f"“{code}” is not a country code (ISO 3166-1 alpha-2, or XK)", returncode=ERROR)
        return code

    def _day(self, text: str) -> datetime.date:
        if not text.strip():
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(text.strip())
        except ValueError:
            raise CommandError(f"“{text}” is not a date: write YYYY-MM-DD", returncode=ERROR) from None

    @staticmethod
    def _open_high(result: CountryFindings) -> int:
        decisions = result.decisions
        return sum(1 for item in result.findings if item.severity == "high" and item.key not in decisions)

    def _summary(self, result: CountryFindings, *, country: str, day: datetime.date) -> str:
        counts = Counter(item.severity for item in result.findings)
        return (
            f"{country} on {day.isoformat()}: {len(result.findings)} findings "
            f"({counts['high']} high, {counts['medium']} medium, {counts['low']} low); "
            f"{self._open_high(result)} high-severity open"
        )

    def _table(self, rows: list[Row]) -> None:
        """One line per finding, and one more for each further piece of evidence, under the first: a finding
        that rests on two facts (a budget neither voted nor audited) shows both."""
        header: Row = ("SEVERITY", "RULE", "ACTORS", "CONFIDENCE", "STATUS", ["EVIDENCE"])
        widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header) - 1)]
        # Each cell padded to its column's width (as str.ljust), then the first text; the others under it.
        line = "  ".join(f"{{{column}:<{width}}}" for column, width in enumerate(widths)) + "  {5}"
        under = "  ".join("".ljust(width) for width in widths) + "  "
        lines = []
        for row in (header, *rows):
            texts = row[5]
            lines.append(line.format(*row[:5], texts[0]).rstrip())
            lines.extend((under + text).rstrip() for text in texts[1:])
        # One write: tens of thousands of lines written one by one cost more than making them.
        self.stdout.write("\n".join(lines))
