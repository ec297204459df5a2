"""Random valid activities written as an IATI 2.03 file and read back give the same records; the file is valid
against the official 2.03 activity schema (when ../shared holds it)."""

import dataclasses
import datetime as dt
import io
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from egide.core import iati_codes
from egide.core.reference import countries, dac_sectors
from egide.iati.parser import read_activities
from egide.iati.records import (
    Activity,
    Budget,
    DocumentLink,
    Indicator,
    Location,
    Money,
    Organisation,
    Participant,
    Period,
    PolicyMarker,
    RelatedActivity,
    Result,
    Share,
    Transaction,
)
from egide.iati.writer import write_activities
from tests.iati.conftest import SHARED_DATA

GENERATED = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
LANGUAGES = ("en", "fr", "es")

words = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S"), exclude_characters="\x85", codec="utf-8"),
    min_size=1,
    max_size=12,
)
texts = st.lists(words, min_size=1, max_size=4).map(" ".join)
identifiers = st.from_regex(r"[A-Z]{2}-[A-Z0-9]{1,6}-[A-Za-z0-9]{1,10}", fullmatch=True)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))
amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False)
percentages = st.none() | st.decimals(min_value=0, max_value=100, places=2)
currencies = st.sampled_from(("EUR", "USD", "GBP", "XOF", "JPY"))


def codes(terms: tuple) -> st.SearchStrategy[str]:
    return st.sampled_from([term.code for term in terms])


def narratives(language: str) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.sampled_from(LANGUAGES), texts, min_size=1, max_size=3).map(
        lambda found: found if language in found else {language: next(iter(found.values())), **found}
    )


def organisations(language: str) -> st.SearchStrategy[Organisation]:
    return st.builds(
        Organisation,
        ref=identifiers,
        type=codes(iati_codes.ORGANISATION_TYPES),
        name=narratives(language),
        activity_id=st.just("") | identifiers,
    )


def money() -> st.SearchStrategy[Money]:
    return st.builds(Money, value=amounts, currency=currencies, value_date=days)


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    language = draw(st.sampled_from(LANGUAGES))
    name = narratives(language)
    numbers = st.integers(min_value=0, max_value=10**6).map(str)
    # 2.03 requires a baseline's year: a baseline is absent, or has one.
    baselines = st.just((None, None, "")) | st.tuples(
        st.integers(min_value=1990, max_value=2040), st.none() | days, st.just("") | numbers
    )
    indicators = st.builds(
        lambda baseline, **fields: Indicator(
            **fields, baseline_year=baseline[0], baseline_date=baseline[1], baseline_value=baseline[2]
        ),
        baseline=baselines,
        measure=codes(iati_codes.INDICATOR_MEASURES),
        ascending=st.booleans(),
        title=name,
        description=st.just({}) | name,
        periods=st.lists(
            st.builds(Period, start=days, end=days, target=st.just("") | numbers, actual=st.just("") | numbers),
            max_size=3,
        ).map(tuple),
    )
    return Activity(
        identifier=draw(identifiers),
        version="2.03",
        default_language=language,
        default_currency=draw(currencies),
        hierarchy=draw(st.sampled_from(("", "1", "2"))),
        reporting_org=draw(organisations(language).map(lambda org: dataclasses.replace(org, activity_id=""))),
        participants=draw(
            st.lists(
                st.builds(Participant, role=codes(iati_codes.ROLES), organisation=organisations(language)),
                min_size=1,
                max_size=4,
            )
        ),
        titles=draw(name),
        descriptions=draw(st.lists(st.tuples(st.sampled_from(("1", "2", "3", "4")), name), min_size=1, max_size=3)),
        status=draw(codes(iati_codes.STATUSES)),
        dates=draw(st.dictionaries(st.sampled_from(("1", "2", "3", "4")), days, min_size=1, max_size=4)),
        recipient_countries=draw(
            st.lists(st.builds(Share, code=st.sampled_from(sorted(countries())), percentage=percentages), max_size=3)
        ),
        recipient_regions=draw(
            st.lists(
                st.builds(
                    Share,
                    code=st.sampled_from(("289", "489", "589", "998")),
                    vocabulary=st.just("1"),
                    percentage=percentages,
                ),
                max_size=2,
            )
        ),
        sectors=draw(
            st.lists(
                st.builds(
                    Share, code=st.sampled_from(sorted(dac_sectors())), vocabulary=st.just("1"), percentage=percentages
                ),
                max_size=3,
            )
        ),
        budgets=draw(
            st.lists(
                st.builds(
                    Budget,
                    type=codes(iati_codes.BUDGET_TYPES),
                    status=codes(iati_codes.BUDGET_STATUSES),
                    period_start=days,
                    period_end=days,
                    money=money(),
                ),
                max_size=3,
            )
        ),
        transactions=draw(
            st.lists(
                st.builds(
                    Transaction,
                    type=codes(iati_codes.TRANSACTION_TYPES),
                    date=days,
                    money=money(),
                    ref=st.just("") | identifiers,
                    description=st.just({}) | name,
                    provider=st.none() | organisations(language),
                    receiver=st.none() | organisations(language),
                    sectors=st.lists(
                        st.builds(Share, code=st.sampled_from(sorted(dac_sectors())), vocabulary=st.just("1")),
                        max_size=2,
                    ).map(tuple),
                    recipient_country=st.just("") | st.sampled_from(sorted(countries())),
                    recipient_region=st.just("") | st.sampled_from(("289", "489")),
                ),
                max_size=4,
            )
        ),
        locations=draw(
            st.lists(
                st.builds(
                    Location,
                    ref=st.just("") | identifiers,
                    name=name,
                    description=st.just({}) | name,
                    latitude=st.none() | st.decimals(min_value=-90, max_value=90, places=6),
                    longitude=st.none() | st.decimals(min_value=-180, max_value=180, places=6),
                ).map(
                    lambda place: (
                        place
                        if (place.latitude is None) == (place.longitude is None)
                        else dataclasses.replace(place, latitude=None, longitude=None)
                    )
                ),
                max_size=2,
            )
        ),
        results=draw(
            st.lists(
                st.builds(
                    Result,
                    type=codes(iati_codes.RESULT_TYPES),
                    title=name,
                    description=st.just({}) | name,
                    aggregation_status=st.booleans(),
                    indicators=st.lists(indicators, min_size=1, max_size=2).map(tuple),
                ),
                max_size=2,
            )
        ),
        policy_markers=draw(
            st.lists(
                st.builds(
                    PolicyMarker,
                    vocabulary=st.just("1"),
                    code=st.sampled_from(("1", "2", "3")),
                    significance=st.sampled_from(("0", "1", "2")),
                ),
                max_size=2,
            )
        ),
        related_activities=draw(
            st.lists(
                st.builds(RelatedActivity, type=st.sampled_from(("1", "2", "3", "4", "5")), ref=identifiers), max_size=2
            )
        ),
        documents=draw(
            st.lists(
                st.builds(
                    DocumentLink,
                    url=identifiers.map(lambda key: f"https://example.org/{key}.pdf"),
                    format=st.just("application/pdf"),
                    title=name,
                    categories=st.lists(st.sampled_from(("A01", "A02", "B01")), min_size=1, max_size=2).map(tuple),
                    languages=st.lists(st.sampled_from(LANGUAGES), max_size=2).map(tuple),
                    date=st.none() | days,
                ),
                max_size=2,
            )
        ),
    )


@cache
def activity_schema() -> etree.XMLSchema | None:
    path = SHARED_DATA / "iati" / "schemas-2.03" / "iati-activities-schema.xsd"
    return etree.XMLSchema(etree.parse(str(path))) if path.exists() else None


def written(items: list[Activity]) -> bytes:
    output = io.BytesIO()
    assert write_activities(items, output, generated=GENERATED) == len(items)
    return output.getvalue()


def comparable(activity: Activity) -> Activity:
    return dataclasses.replace(activity, line=None, warnings=[], digest="")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(activities(), min_size=1, max_size=2))
def test_written_activities_read_back_the_same(items: list[Activity]) -> None:
    data = written(items)
    parsed = list(read_activities(io.BytesIO(data), filename="round-trip.xml"))
    assert [comparable(activity) for activity in parsed] == items
    schema = activity_schema()
    if schema is not None:
        document = etree.parse(io.BytesIO(data))
        assert schema.validate(document), schema.error_log.last_error


def test_the_standard_s_example_written_as_2_03_is_valid_and_reads_back_the_same(iati_fixtures: Path) -> None:
    schema = activity_schema()
    if schema is None:
        pytest.skip("the official IATI 2.03 schema is absent from ../shared/data/iati/schemas-2.03")
    (example,) = read_activities(iati_fixtures / "2.01-example-annotated.xml")
    document = etree.parse(io.BytesIO(written([example])))
    assert schema.validate(document), schema.error_log
    assert document.getroot().get("version") == "2.03"
    assert document.getroot().get("generated-datetime") == "2026-12-01T09:30:00+00:00"
    (again,) = read_activities(io.BytesIO(etree.tostring(document)))
    assert comparable(again) == dataclasses.replace(comparable(example), version="2.03")


def test_amounts_are_never_written_in_exponent_notation() -> None:
    activity = Activity(
        identifier="XM-A-1",
        version="2.03",
        budgets=[Budget("1", "1", dt.date(2020, 1, 1), dt.date(2020, 12, 31), Money(Decimal("1E+7"), "EUR", None))],
    )
    assert b">10000000</value>" in written([activity])
