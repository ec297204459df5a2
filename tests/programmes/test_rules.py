"""The pure checks of a programme: no database."""

from datetime import date
from decimal import Decimal

import pytest

from egide.programmes.rules import ProgrammeFacts, Share, check_percentages, check_programme, lifecycle_warnings


def facts(**changes: object) -> ProgrammeFacts:
    values: dict[str, object] = {"country": "CF", "title_en": "A programme"}
    values.update(changes)
    return ProgrammeFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("shares", "problems"),
    [
        ([], 0),
        ([Share("CF", None), Share("TD", None)], 0),
        ([Share("CF", Decimal(100))], 0),
        ([Share("CF", Decimal("33.33")), Share("TD", Decimal("33.33")), Share("CM", Decimal("33.34"))], 0),
        ([Share("CF", Decimal("99.98"))], 1),
        ([Share("CF", Decimal(60)), Share("TD", None)], 1),
        ([Share("CF", Decimal(-1)), Share("TD", Decimal(101))], 2),
    ],
)
def test_percentages(shares: list[Share], problems: int) -> None:
    assert len(check_percentages(shares, field="countries")) == problems


def test_a_correct_programme_has_no_problem() -> None:
    assert check_programme(facts(sectors=(Share("15210", None),), sector_vocabularies=("1",))) == []


def test_a_sector_of_another_vocabulary_is_not_checked_against_the_dac_list() -> None:
    assert check_programme(facts(sectors=(Share("XYZ", None),), sector_vocabularies=("99",))) == []
    assert [
        problem.field for problem in check_programme(facts(sectors=(Share("XYZ", None),), sector_vocabularies=("1",)))
    ] == ["sectors"]


def test_dates_in_order_and_not_in_the_future() -> None:
    problems = check_programme(
        facts(actual_start=date(2020, 5, 1), actual_end=date(2020, 4, 1), planned_end=date(2099, 1, 1))
    )
    assert [problem.field for problem in problems] == ["actual_end"]
    future = check_programme(facts(actual_start=date(2099, 1, 1)))
    assert [problem.field for problem in future] == ["actual_start"]


@pytest.mark.parametrize(
    ("status", "stage", "extra", "warned"),
    [
        ("1", "request", {}, False),
        ("1", "implementation", {}, True),
        ("2", "design", {}, True),
        ("2", "implementation", {}, False),
        ("4", "design", {}, True),
        ("4", "closure", {}, False),
        ("2", "implementation", {"actual_end": date(2020, 1, 1)}, True),
        ("1", "request", {"actual_start": date(2020, 1, 1)}, True),
        ("2", "implementation", {"requested_on": date(2021, 1, 1), "planned_start": date(2020, 1, 1)}, True),
    ],
)
def test_lifecycle_warnings(status: str, stage: str, extra: dict[str, object], warned: bool) -> None:
    assert bool(lifecycle_warnings(facts(status=status, lifecycle_stage=stage, **extra))) is warned
