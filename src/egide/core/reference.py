"""Countries and DAC sectors, read once from the data files the project owns."""

import csv
from functools import cache
from pathlib import Path

from egide.core.labels import Term

DATA = Path(__file__).resolve().parent / "data"


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def country_rows() -> tuple[dict[str, str], ...]:
    """The country table: alpha-2 code, names, alpha-3 code, Gleditsch-Ward number(s) separated by `|`, and the
    region in the UN's geographic scheme."""
    return tuple(_read("countries.csv"))


@cache
def countries() -> dict[str, Term]:
    """ISO 3166-1 alpha-2 countries plus XK (Kosovo), keyed by code."""
    return {row["code"]: Term(row["code"], row["name_en"], row["name_fr"]) for row in country_rows()}


@cache
def dac_sectors() -> dict[str, Term]:
    """OECD DAC purpose codes 151xx (government and civil society) and 152xx (conflict, peace and security)."""
    return {
        row["code"]: Term(row["code"], row["name_en"], row["name_fr"])
        for row in _read("dac_sectors.csv")
        if row["status"] == "active"
    }


def country_name(code: str) -> str:
    term = countries().get(code)
    return term.label if term else code
