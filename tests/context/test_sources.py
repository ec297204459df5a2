"""Each source's reader on the real files: concrete values, codes that name no country reported, missing values
left missing."""

from pathlib import Path

import pytest

from egide.context.sources import SOURCE_BY_CODE, Reading
from tests.context.conftest import FOLDERS


def _read(folder: Path, source: str) -> Reading:
    return SOURCE_BY_CODE[source].read(folder / FOLDERS[source])


def _values(reading: Reading) -> dict[tuple[str, str, int], float]:
    return {(o.indicator, o.country, o.year): o.value for o in reading.observations}


def test_worldwide_governance_indicators(context_folder: Path) -> None:
    reading = _read(context_folder, "wgi")
    values = _values(reading)
    assert values[("wgi.rule_of_law", "CF", 2019)] == pytest.approx(-1.72838568687439)
    # The World Bank's own codes: ZAR is the DR Congo, KSV Kosovo, ROM Romania.
    assert ("wgi.rule_of_law", "CD", 2019) in values
    assert ("wgi.rule_of_law", "XK", 2019) in values
    assert ("wgi.rule_of_law", "RO", 2000) in values
    # "NA" stays missing: American Samoa has no voice-and-accountability estimate in 2019, but a stability one.
    assert ("wgi.voice_accountability", "AS", 2019) not in values
    assert values[("wgi.political_stability", "AS", 2019)] == pytest.approx(1.16038048267365)
    assert reading.missing == 983
    assert set(reading.unmapped) == {"ANT"}
    assert reading.unmapped["ANT"].rows == 126
    assert len(values) == 25_921


def test_fragile_states_index(context_folder: Path) -> None:
    values = _values(_read(context_folder, "fsi"))
    assert values[("fsi.total", "CF", 2023)] == pytest.approx(105.7)
    assert values[("fsi.c1", "CF", 2023)] == pytest.approx(8.0)
    assert values[("fsi.p3", "CF", 2023)] == pytest.approx(9.1)


def test_vdem_reads_gleditsch_ward_numbers(context_folder: Path) -> None:
    reading = _read(context_folder, "vdem")
    values = _values(reading)
    # 482 is the Central African Republic.
    assert values[("vdem.rule_of_law", "CF", 2023)] == pytest.approx(0.251)
    assert values[("vdem.horizontal_accountability", "CF", 2023)] == pytest.approx(0.18)
    # Gleditsch and Ward's own numbers where they differ from the Correlates of War's: 316 the Czech Republic,
    # 816 Vietnam, 678 Yemen.
    assert ("vdem.rule_of_law", "CZ", 2020) in values
    assert ("vdem.rule_of_law", "VN", 2020) in values
    assert ("vdem.rule_of_law", "YE", 2020) in values
    # States that no longer exist are reported, not guessed.
    assert {"265", "680", "817"} <= set(reading.unmapped)
    assert reading.unmapped["265"].name == "German Democratic Republic"


def test_ucdp_conflict_flags(context_folder: Path) -> None:
    reading = _read(context_folder, "ucdp")
    values = _values(reading)
    assert values[("ucdp.internal_conflict", "CF", 2021)] == 1.0
    assert values[("ucdp.war", "CF", 2021)] == 0.0
    assert values[("ucdp.internal_conflict", "CF", 2013)] == 1.0
    assert set(reading.unmapped) == {"265", "315", "396", "397", "511", "680", "711", "817"}
    assert reading.unmapped["396"].name == "Abkhazia"


def test_global_peace_index_zero_is_missing(context_folder: Path) -> None:
    reading = _read(context_folder, "gpi")
    values = _values(reading)
    assert values[("gpi.overall", "CF", 2022)] == pytest.approx(3.021)
    # 0.000 marks a year without a score: South Sudan has none before 2011, and none is stored as zero.
    assert ("gpi.overall", "SS", 2010) not in values
    assert values[("gpi.overall", "SS", 2011)] == pytest.approx(2.345)
    assert all(value >= 1 for value in values.values())
    assert reading.missing == 11
    assert reading.unmapped == {}
