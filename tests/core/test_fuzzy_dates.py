import datetime

import pytest

from egide.core.fuzzy_dates import DAY, MONTH, YEAR, FuzzyDate, FuzzyDateError, format_fuzzy


@pytest.mark.parametrize(
    ("text", "first_day", "last_day", "precision"),
    [
        ("2016", datetime.date(2016, 1, 1), datetime.date(2016, 12, 31), YEAR),
        ("2016-02", datetime.date(2016, 2, 1), datetime.date(2016, 2, 29), MONTH),
        ("2016-03-30", datetime.date(2016, 3, 30), datetime.date(2016, 3, 30), DAY),
        (" 2009-7 ", datetime.date(2009, 7, 1), datetime.date(2009, 7, 31), MONTH),
    ],
)
def test_parse_keeps_precision_and_span(
    text: str, first_day: datetime.date, last_day: datetime.date, precision: str
) -> None:
    value = FuzzyDate.parse(text)
    assert (value.first_day, value.last_day, value.precision) == (first_day, last_day, precision)


@pytest.mark.parametrize("text", ["", "16", "2016/03", "2016-13", "2016-02-30", "March 2016"])
def test_parse_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(FuzzyDateError):
        FuzzyDate.parse(text)


def test_format_gives_back_what_was_written() -> None:
    for text in ("2016", "2016-03", "2016-03-30"):
        value = FuzzyDate.parse(text)
        assert format_fuzzy(value.first_day, value.precision) == text
    assert format_fuzzy(None, DAY) == ""
