"""Imprecise dates: a year, a year and month, or a full day, as sources often give them.

A fuzzy date is stored as the first day it can mean plus its precision; `last_day` gives the other end, so a
relationship "ended in 2012" is still valid on 1 June 2012.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

YEAR = "year"
MONTH = "month"
DAY = "day"
PRECISIONS = (DAY, MONTH, YEAR)

_PATTERN = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


class FuzzyDateError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    first_day: datetime.date
    precision: str = DAY

    @classmethod
    def parse(cls, text: str) -> "FuzzyDate":
        """Read 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'."""
        match = _PATTERN.match(text)
        if not match:
            raise FuzzyDateError(f"“{text}” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(part) if part else None for part in match.groups())
        assert year is not None
        try:
            if month is None:
                return cls(datetime.date(year, 1, 1), YEAR)
            if day is None:
                return cls(datetime.date(year, month, 1), MONTH)
            return cls(datetime.date(year, month, day), DAY)
        except ValueError as error:
            raise FuzzyDateError(f"“{text}” is not a valid date") from error

    @classmethod
    def from_parts(cls, first_day: datetime.date | None, precision: str) -> "FuzzyDate | None":
        if first_day is None:
            return None
        return cls(first_day, precision or DAY)

    @property
    def last_day(self) -> datetime.date:
        if self.precision == YEAR:
            return datetime.date(self.first_day.year, 12, 31)
        if self.precision == MONTH:
            days = calendar.monthrange(self.first_day.year, self.first_day.month)[1]
            return datetime.date(self.first_day.year, self.first_day.month, days)
        return self.first_day

    def __str__(self) -> str:
        if self.precision == YEAR:
            return f"{self.first_day.year:04d}"
        if self.precision == MONTH:
            return f"{self.first_day.year:04d}-{self.first_day.month:02d}"
        return self.first_day.isoformat()


def format_fuzzy(first_day: datetime.date | None, precision: str) -> str:
    value = FuzzyDate.from_parts(first_day, precision)
    return str(value) if value else ""


def held_on(day: datetime.date, *, start: FuzzyDate | None, end: FuzzyDate | None, ongoing: bool) -> bool:
    """Whether something dated from `start` to `end` (a relationship) held on that day. An imprecise date counts for
    its whole year or month; one that has ended on an unknown date (no end, not ongoing) cannot be placed in time,
    and is left out of every dated view. The governance engine and the dated map both read time this way."""
    if start is not None and day < start.first_day:
        return False
    if end is None:
        return ongoing
    return day <= end.last_day
