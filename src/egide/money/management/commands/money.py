"""`egide money rates load FILE`: load an exchange-rate file in the IMF's format into the rate table.
`egide money sums rebuild`: write again, from the budgets and transactions, the sums that a country's totals read
(after records were written without the money services, by hand in the database or by an older version).

The same reading (egide.money.rates_file) and the same service (egide.money.services.rates_load) as the upload
page: every faulty line named with its column, nothing loaded when one is found, a second load changes nothing.

`egide money import FILE --country CODE [--check]`: import a country's budgets and transactions, directly whatever
the file's size, through the same service as the import page and its background worker
(egide.money.transfer.money_file_import).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.selectors import PLATFORM
from egide.core.imports.command import country_code, import_errors
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected
from egide.money import rates_file, services, transfer

ERROR = 2
SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = (
        "Manage money's data: `money rates load FILE` loads an IMF exchange-rate CSV; `money import FILE --country "
        "CODE` imports a country's budgets and transactions; `money sums rebuild` writes again the sums of a "
        "country's totals."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subjects = parser.add_subparsers(dest="subject", required=True)
        rates = subjects.add_parser("rates", help="the exchange-rate table")
        actions = rates.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "load",
            help="load a CSV in the IMF's format (Date, Rate, Currency, Frequency, Source, Country code, Country), "
            "or a wide table (a DATE column of years, months or days, then one column per currency), in units of "
            "the currency per US dollar",
        )
        load.add_argument("file", type=Path)
        importing = subjects.add_parser("import", help="import a country's budgets and transactions (XLSX, CSV, ZIP)")
        importing.add_argument("file", type=Path)
        importing.add_argument("--country", required=True)
        importing.add_argument("--check", action="store_true", help="check the file and count, writing nothing")
        sums = subjects.add_parser("sums", help="the sums of budgets and transactions that a country's totals read")
        sums_actions = sums.add_subparsers(dest="action", required=True)
        sums_actions.add_parser("rebuild", help="write every sum again from the budgets and transactions")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subject"] == "sums":
            count = services.money_sums_rebuild()
            self.stdout.write(f"{count} sums written from the budgets and transactions")
            return
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}", returncode=ERROR) from None
        if options["subject"] == "import":
            self._import(path, data, country=options["country"], check=options["check"])
            return
        try:
            read = rates_file.rates_read(data, filename=path.name)
        except FileRefused as error:
            raise CommandError(str(error), returncode=ERROR) from None
        except ImportRejected as error:
            for problem in error.problems[:SHOWN_PROBLEMS]:
                self.stderr.write(f"{path.name}, line {problem.row}, {problem.column}: {problem.message}")
            if error.total > SHOWN_PROBLEMS:
                self.stderr.write(f"… and {error.total - SHOWN_PROBLEMS} more")
            raise CommandError(f"{error.total} problem(s); nothing was loaded", returncode=1) from None
        loaded = services.rates_load(user=PLATFORM, rows=read.rows)
        self.stdout.write(
            f"{path.name}: {loaded.created} new, {loaded.updated} changed, {loaded.unchanged} unchanged; "
            f"left out {read.dollar_lines} lines labelled USD and {read.merged_lines} repeated lines of shared "
            f"currencies ({read.disagreements} with a different rate)"
        )
        if read.skipped_rows or read.skipped_cells or read.unknown_currencies:
            self.stdout.write(
                f"wide table: left out {read.skipped_rows} rows whose date could not be read, "
                f"{read.skipped_cells} cells that hold no usable rate, and the columns that name no currency: "
                f"{', '.join(read.unknown_currencies) or 'none'}"
            )

    def _import(self, path: Path, data: bytes, *, country: str, check: bool) -> None:
        with import_errors(self.stderr, path.name):
            report = transfer.money_file_import(
                user=PLATFORM, country=country_code(country), data=data, filename=path.name, apply=not check
            )
        done = "checked, nothing written" if check else "imported"
        self.stdout.write(
            f"{country}: {done}: budgets {report.budgets_created} new, {report.budgets_updated} changed, "
            f"{report.budgets_unchanged} unchanged; transactions {report.transactions_created} new, "
            f"{report.transactions_updated} changed, {report.transactions_unchanged} unchanged"
        )
