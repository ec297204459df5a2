"""One reader per source folder (the layouts of `../shared/data/context/`): each maps the source's country codes
explicitly (egide.context.codes), keeps missing values missing, and names every faulty cell."""

from pathlib import Path

from egide.context import codes
from egide.context.sources.base import Collector, IndicatorSpec, Reading, csv_rows, source_file

WGI_FILE = "2020_Worldwide_Governance_Indicators_1996-2019.csv"
FSI_FILE = "fsi_2006_2023_wide.csv"
VDEM_FILE = "dv_data_1968_on.csv"
UCDP_FILE = "acd_country_year.csv"
GPI_FILE = "gpi_data_overall_scores.csv"


def read_wgi(folder: Path, indicators: dict[str, IndicatorSpec]) -> Reading:
    """Long table: one row per economy, year and indicator; World Bank codes; "NA" where there is no estimate."""
    path = source_file(folder, WGI_FILE)
    collect = Collector("wgi", path.name)
    for line, row in csv_rows(path, encoding="latin-1", required=("Code", "Year", "Estimate", "Indicator")):
        spec = indicators.get(row["Indicator"].strip())
        if spec is None:
            collect.problems.at(path.name, line, "Indicator", f"unknown indicator {row['Indicator'][:60]!r}")
            continue
        country = codes.from_world_bank(row["Code"])
        year = collect.year(line, "Year", row["Year"])
        value = collect.value(line, "Estimate", row["Estimate"], spec)
        if country is None:
            collect.reading.not_mapped(row["Code"].strip(), (row.get("Country/Territory") or "").strip())
        elif year is not None and value is not None:
            collect.add(line, "Estimate", spec.code, country, year, value)
    return collect.done()


def _wide(
    source: str,
    path: Path,
    *,
    country_column: str,
    year_column: str,
    columns: dict[str, IndicatorSpec],
    to_country: "codes.CountryMapper",
    name_column: str = "",
    names: dict[str, str] | None = None,
    encoding: str = "utf-8-sig",
) -> Reading:
    """A table with one row per country and year and one column per indicator."""
    collect = Collector(source, path.name)
    names = names or {}
    for line, row in csv_rows(path, encoding=encoding, required=(country_column, year_column, *columns)):
        code = (row[country_column] or "").strip()
        country = to_country(code)
        year = collect.year(line, year_column, row[year_column])
        if country is None:
            name = (row.get(name_column) or "").strip() if name_column else ""
            collect.reading.not_mapped(code, name or names.get(code, ""))
            continue
        for column, spec in columns.items():
            value = collect.value(line, column, row[column], spec)
            if year is not None and value is not None:
                collect.add(line, column, spec.code, country, year, value)
    return collect.done()


def read_fsi(folder: Path, columns: dict[str, IndicatorSpec]) -> Reading:
    """Wide table: ISO 3166-1 alpha-3 in `geo`, the year in `t`, the total and the twelve indicators (empty when
    not published)."""
    return _wide(
        "fsi",
        source_file(folder, FSI_FILE),
        country_column="geo",
        year_column="t",
        columns=columns,
        to_country=codes.from_iso3,
    )


def read_vdem(folder: Path, columns: dict[str, IndicatorSpec]) -> Reading:
    """Wide table keyed by Gleditsch-Ward number (`gwcode`); V-Dem's own three-letter code and the country's name
    are kept for the report of states that no longer exist."""
    return _wide(
        "vdem",
        source_file(folder, VDEM_FILE),
        country_column="gwcode",
        year_column="year",
        columns=columns,
        to_country=codes.from_gleditsch_ward,
        name_column="country_name",
    )


def read_ucdp(folder: Path, columns: dict[str, IndicatorSpec]) -> Reading:
    """Country-year flags (0 or 1) keyed by Gleditsch-Ward number."""
    return _wide(
        "ucdp",
        source_file(folder, UCDP_FILE),
        country_column="gwcode",
        year_column="year",
        columns=columns,
        to_country=codes.from_gleditsch_ward,
        names=codes.GLEDITSCH_WARD_WITHOUT_ISO,
    )


def read_gpi(folder: Path, spec: IndicatorSpec) -> Reading:
    """Wide by year: one row per country (name and ISO 3166-1 alpha-3), one column per year; 0.000 marks a year
    without a score (the index runs from 1 to 5)."""
    path = source_file(folder, GPI_FILE)
    collect = Collector("gpi", path.name)
    rows = csv_rows(path, required=("Country", "iso3c"))
    for line, row in rows:
        code = (row["iso3c"] or "").strip()
        country = codes.from_iso3(code)
        if country is None:
            collect.reading.not_mapped(code, (row["Country"] or "").strip())
            continue
        for column, text in row.items():
            if column in ("Country", "iso3c") or column is None:
                continue
            year = collect.year(1, column, column)
            value = collect.value(line, column, text, spec, missing=("", "NA", "0", "0.0", "0.00", "0.000"))
            if year is not None and value is not None:
                collect.add(line, column, spec.code, country, year, value)
    return collect.done()
