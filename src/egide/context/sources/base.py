"""What a source reader gives back: observations (indicator, country, year, value), the codes it could not map to
a country, and how many values the source marks as missing. Pure Python: no database."""

import csv
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import Problems

MAX_FILE_BYTES = 64 * 2**20
"""The largest source file read: the real ones are under 4 MB; a larger file is refused before it is read."""

MAX_FIELD = 10_000
"""The longest cell a source file may hold."""


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """An indicator as Égide shows it: its name in both languages, its scale and which way is better."""

    code: str
    name_en: str
    name_fr: str
    minimum: float
    maximum: float
    higher_is_better: bool
    unit_en: str = ""
    unit_fr: str = ""


@dataclass(frozen=True, slots=True)
class Observation:
    indicator: str
    country: str
    year: int
    value: float


@dataclass(slots=True)
class Unmapped:
    """A code of the source that names no ISO 3166-1 country, with the name the source gives it."""

    code: str
    name: str
    rows: int = 0


@dataclass(slots=True)
class Reading:
    source: str
    observations: list[Observation] = field(default_factory=list)
    unmapped: dict[str, Unmapped] = field(default_factory=dict)
    missing: int = 0
    """Values the source marks as missing ("NA", an empty cell, 0.000 where the source says so): left missing."""
    files: list[str] = field(default_factory=list)

    def not_mapped(self, code: str, name: str) -> None:
        entry = self.unmapped.setdefault(code, Unmapped(code, name))
        entry.rows += 1


@dataclass(frozen=True, slots=True)
class SourceSpec:
    code: str
    name_en: str
    name_fr: str
    publisher: str
    url: str
    terms_en: str
    terms_fr: str
    country_codes: str
    """How the source names countries, for the reader of a report."""
    indicators: tuple[IndicatorSpec, ...]
    read: Callable[[Path], Reading]

    @property
    def indicator_codes(self) -> frozenset[str]:
        return frozenset(indicator.code for indicator in self.indicators)


def source_file(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise FileRefused(f"{folder}: the source's file {name} is not in this folder.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise FileRefused(f"{path.name}: larger than {MAX_FILE_BYTES // 2**20} MB, the most a source file may be.")
    return path


def csv_rows(path: Path, *, encoding: str = "utf-8-sig", required: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """The file's rows as (line, row), checking that the header names every required column; a row cut short or
    a cell too long is refused with the file and line."""
    csv.field_size_limit(MAX_FIELD)
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError as error:
        raise FileRefused(f"{path.name}: not readable as {encoding} text (byte {error.start}).") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    absent = [column for column in required if column not in header]
    if absent:
        raise FileRefused(f"{path.name}, line 1: the header lacks the column(s) {', '.join(absent)}.")
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:
        raise FileRefused(f"{path.name}, line {reader.line_num}: {error}.") from None


def number(text: str | None, *, missing: tuple[str, ...] = ("", "NA")) -> float | None:
    """A cell's number, or None where the source marks the value missing; ValueError for anything else."""
    text = (text or "").strip()
    if text in missing:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def year_of(text: str | None) -> int:
    value = int((text or "").strip())
    if not 1800 <= value <= 2200:
        raise ValueError(text)
    return value


class Collector:
    """Reads one source's rows into a Reading, naming every faulty cell (file, line, column); the caller raises
    the problems, so that nothing is loaded from a faulty source."""

    def __init__(self, source: str, filename: str) -> None:
        self.reading = Reading(source, files=[filename])
        self.problems = Problems()
        self.filename = filename
        self._seen: dict[tuple[str, str, int], tuple[float, int]] = {}

    def year(self, line: int, column: str, text: str | None) -> int | None:
        try:
            return year_of(text)
        except ValueError:
            self.problems.at(self.filename, line, column, f"not a year: {str(text)[:40]!r}")
            return None

    def value(
        self,
        line: int,
        column: str,
        text: str | None,
        spec: IndicatorSpec,
        *,
        missing: tuple[str, ...] = ("", "NA"),
    ) -> float | None:
        try:
            value = number(text, missing=missing)
        except ValueError:
            self.problems.at(self.filename, line, column, f"not a number: {str(text)[:40]!r}")
            return None
        if value is None:
            self.reading.missing += 1
            return None
        if not spec.minimum <= value <= spec.maximum:
            self.problems.at(
                self.filename, line, column, f"{value:g} is outside the scale {spec.minimum:g} to {spec.maximum:g}"
            )
            return None
        return value

    def add(self, line: int, column: str, indicator: str, country: str, year: int, value: float) -> None:
        key = (indicator, country, year)
        earlier = self._seen.get(key)
        if earlier is None:
            self._seen[key] = (value, line)
            self.reading.observations.append(Observation(indicator, country, year, value))
        elif earlier[0] != value:
            self.problems.at(
                self.filename,
                line,
                column,
                f"{country} {year} already has the value {earlier[0]:g} on line {earlier[1]}",
            )

    def done(self) -> Reading:
        self.problems.raise_if_any()
        return self.reading
