"""The explicit country-code tables: each source's codes to ISO 3166-1 alpha-2."""

from egide.context import codes
from egide.core.reference import country_rows


def test_alpha3_codes_are_unique_and_map_back() -> None:
    rows = [row for row in country_rows() if row["iso3"]]
    assert len({row["iso3"] for row in rows}) == len(rows)
    assert all(codes.from_iso3(row["iso3"]) == row["code"] for row in rows)


def test_gleditsch_ward_numbers_name_one_country_each() -> None:
    numbers = [int(number) for row in country_rows() for number in row["gw"].split("|") if number]
    assert len(numbers) == len(set(numbers))
    assert codes.from_gleditsch_ward("482") == "CF"
    assert codes.from_gleditsch_ward("490") == "CD"
    assert codes.from_gleditsch_ward("316") == "CZ"
    assert codes.from_gleditsch_ward("345") == "RS"
    assert codes.from_gleditsch_ward("340") == "RS"
    assert codes.from_gleditsch_ward("347") == "XK"
    assert codes.from_gleditsch_ward("265") is None
    assert codes.from_gleditsch_ward("not a number") is None


def test_world_bank_codes() -> None:
    assert codes.from_world_bank("ZAR") == "CD"
    assert codes.from_world_bank("KSV") == "XK"
    assert codes.from_world_bank("CAF") == "CF"
    assert codes.from_world_bank("ANT") is None
    # The World Bank's aliases apply to its files only.
    assert codes.from_iso3("ZAR") is None


def test_regions() -> None:
    assert codes.region_of("CF") == "middle_africa"
    assert codes.region_of("FR") == "western_europe"
    assert codes.region_of("ZZ") == ""
