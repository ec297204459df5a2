"""What the reason of an erasure may not say: the audit log keeps the reason for ever, so it must not identify the
erased person by a word of their names or by their date of birth.

Pure Python, no database. Both checks read the reason as the name search does (egide.duediligence.names: folded
to Latin letters and digits, one word at a time), so that accents, case, other scripts and punctuation change
nothing: "14/03/1970", "1970-03-14", "14 mars 1970" and "March 14th, 1970" are all the same date.
"""

import datetime
import itertools
import re

from egide.core.fuzzy_dates import DAY, MONTH, YEAR
from egide.duediligence.names import APOSTROPHES, words

NAME_WORD_MIN_LENGTH = 3
"""A name's words of fewer letters ("al", "de", "el") are too common to refuse a reason for."""

_MONTH_NAMES = (
    ("january", "jan", "janvier", "janv"),
    ("february", "feb", "fevrier", "fev", "fevr"),
    ("march", "mar", "mars"),
    ("april", "apr", "avril", "avr"),
    ("may", "mai"),
    ("june", "jun", "juin"),
    ("july", "jul", "juillet", "juil"),
    ("august", "aug", "aout"),
    ("september", "sep", "sept", "septembre"),
    ("october", "oct", "octobre"),
    ("november", "nov", "novembre"),
    ("december", "dec", "decembre"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
"""Month names and their usual abbreviations in English and French, folded (no accents)."""

NUMBER = re.compile(r"^(\d{1,4})(?:st|nd|rd|th|er|re|e|eme)?$")
"""A number, possibly written as an ordinal (1st, 2nd, 14th; 1er, 2e, 2eme)."""


def _word_forms(text: str) -> set[str]:
    """The text's words as the search folds them ("O'Testperson" is "otestperson"), and split at apostrophes
    too ("testperson's" holds "testperson")."""
    return set(words(text)) | set(words(APOSTROPHES.sub(" ", text)))


def names_in(reason: str, names: list[str]) -> bool:
    """Whether the reason holds a word (of three letters or more) of one of the names."""
    said = _word_forms(reason)
    return any(word in said for name in names for word in _word_forms(name) if len(word) >= NAME_WORD_MIN_LENGTH)


def _number(token: str) -> int | None:
    found = NUMBER.match(token)
    return int(found.group(1)) if found else None


def _is_year(token: str, year: int) -> bool:
    # Two digits stand for a year only when written so ("14/03/70"), never a number below 100 written shorter.
    return token == str(year) or (len(token) == 2 and token.isdigit() and int(token) == year % 100)


def _is_month(token: str, month: int) -> bool:
    return MONTHS.get(token) == month or _number(token) == month


def _is_day(token: str, day: int) -> bool:
    return _number(token) == day


def birth_in(reason: str, born: datetime.date | None, precision: str) -> bool:
    """Whether the reason writes the date of birth at its precision: its day, month and year side by side in any
    order (a full date), its month and year (a month), or the year alone (a year)."""
    if born is None:
        return False
    tokens = words(reason)
    if precision == YEAR:
        return str(born.year) in tokens
    parts = [lambda token: _is_year(token, born.year), lambda token: _is_month(token, born.month)]
    if precision == DAY:
        parts.append(lambda token: _is_day(token, born.day))
    elif precision != MONTH:
        return False
    size = len(parts)
    for start in range(len(tokens) - size + 1):
        window = tokens[start : start + size]
        for order in itertools.permutations(parts):
            if all(test(token) for test, token in zip(order, window, strict=True)):
                return True
    return False
