"""The demo's money: a small hand-written rate table (annual averages, units per US dollar, in the IMF's format) and
the budgets and transactions of the seed's six programmes, all invented around the seed's facts (the programmes
are marked illustrative). Loaded through the rate loader and the money import, so loading twice changes nothing.

The programmes come from the programmes step of the demo; a programme not there yet (its data not loaded) has its
money left out, and the result says which, rather than failing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from egide.core.imports.tables import read_tables
from egide.core.users import Caller
from egide.money import rates_file, services, transfer
from egide.money.transfer import MoneyImportReport
from egide.programmes.models import Programme

MONEY_DIR = Path(__file__).resolve().parents[1] / "demo" / "data" / "money"


@dataclass
class MoneyDemoResult:
    rates: services.RatesLoaded
    reports: dict[str, MoneyImportReport] = field(default_factory=dict)
    missing_programmes: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        loaded = f"rates: {self.rates.created} new; money of {sum(1 for _ in self.reports)} countries"
        if not self.missing_programmes:
            return loaded
        return (
            f"{loaded}; left out the money of programmes not loaded yet: {', '.join(self.missing_programmes)} "
            "(load the programmes' demo, then the demo again)"
        )


def money_demo_load(*, user: Caller) -> MoneyDemoResult:
    rates = rates_file.rates_read((MONEY_DIR / "rates.csv").read_bytes(), filename="rates.csv")
    result = MoneyDemoResult(rates=services.rates_load(user=user, rows=rates.rows))
    files = {name: (MONEY_DIR / f"{name}.csv").read_bytes() for name in (transfer.BUDGETS, transfer.TRANSACTIONS)}
    tables = {
        name: read_tables(data, filename=f"{name}.csv", layout=transfer.layout())[name] for name, data in files.items()
    }
    keys = {row.get("programme") for rows in tables.values() for row in rows}
    countries = dict(Programme.objects.filter(iati_identifier__in=keys).values_list("iati_identifier", "country"))
    result.missing_programmes = sorted(keys - set(countries))
    by_country: dict[str, dict[str, list]] = defaultdict(lambda: {name: [] for name in tables})
    for name, rows in tables.items():
        for row in rows:
            country = countries.get(row.get("programme"))
            if country is not None:
                by_country[country][name].append(row)
    for country, country_tables in sorted(by_country.items()):
        result.reports[country] = transfer.money_tables_import(user=user, country=country, tables=country_tables)
    return result
